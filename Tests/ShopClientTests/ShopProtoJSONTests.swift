import Foundation
import ShopProtoC
import XCTest
@testable import ShopClient

/// ProtoJSON on the shop.v1 API (floats, doubles, int64, oneofs holding zero, bytes and
/// message oneofs, repeated scalars, enums), cross-checked both ways against Python's
/// `google.protobuf.json_format` with classes built from the compiled-in descriptor set.
final class ShopProtoJSONTests: XCTestCase {
    private let samples: [(method: String, json: String)] = [
        ("shop.v1.RankService/Rank", #"""
        {"userId": "u42", "behaviorItemIds": ["i1", "i2"], "candidateItemIds": ["i3", "i4", "i5"],
         "context": {"hourOfDay": 0, "weekday": "WEEKDAY_FRIDAY", "deviceType": 3},
         "scoreWeights": {"ctrExponent": 1.0, "cvrExponent": 0.35},
         "diversity": {"mmrLambda": 0.7, "topN": 20}, "unknownCandidatePolicy": "UNKNOWN_CANDIDATE_POLICY_DROP"}
        """#),
        ("shop.v1.PriceService/SuggestPrices", #"""
        {"skus": [{"skuId": "tuna-6oz", "currentPrice": 1.29, "unitCost": 0.81, "competitorPrice": 1.19,
                   "inventoryUnits": "9007199254740993", "daysToSeasonEnd": 40,
                   "recentDailySales": [12, 15.5, 0, 9], "guardrails": {"minMargin": 0, "floorPrice": 0.99}}],
         "defaultGuardrails": {"maxChangeFraction": 0.1}, "shadowMode": true}
        """#),
        ("shop.v1.ImageSearchService/Search", #"""
        {"pngImage": "iVBORw0KGgo=", "limit": 5, "categories": ["shoes"], "mode": "SEARCH_MODE_EXACT"}
        """#),
        ("shop.v1.ImageSearchService/Search", #"""
        {"embedding": {"values": [0.25, -1.5, 3.0e38, 1e-7]}, "returnQueryEmbedding": true}
        """#),
        ("shop.v1.ImageSearchService/Search", #"""
        {"rawImage": {"width": 2, "height": 1, "channels": 3, "pixels": "AAECAwQF"}}
        """#),
    ]

    func testRequestsMatchPythonBothWays() throws {
        let python = try PythonProtoBridge()
        defer { try? FileManager.default.removeItem(at: python.descriptorSet) }
        for sample in samples {
            let method = try MethodRegistry.lookup(sample.method)
            let ours = try method.input.encode(json: sample.json)
            let theirs = try python.jsonToBinary(method.input.messageName, sample.json)
            XCTAssertEqual(ours, theirs, "binary encoding of \(sample.method) \(sample.json)")
            let ourJSON = try canonical(method.input.decodeToObject(ours))
            let theirJSON = try canonical(python.binaryToJSON(method.input.messageName, ours))
            XCTAssertEqual(ourJSON, theirJSON, "JSON of \(sample.method)")
        }
    }

    func testOneofMemberHoldingZeroIsKept() throws {
        let price = try MethodRegistry.lookup("shop.v1.PriceService/SuggestPrices").input
        let bytes = try price.encode(json: #"{"defaultGuardrails": {"minMargin": 0}}"#)
        XCTAssertEqual(try price.decode(bytes, compact: true), #"{"defaultGuardrails":{"minMargin":0}}"#)
    }

    func testFloatsPrintShortest() throws {
        let search = try MethodRegistry.lookup("shop.v1.ImageSearchService/Search").input
        let bytes = try search.encode(json: #"{"embedding": {"values": [0.1, 0.35]}}"#)
        XCTAssertEqual(try search.decode(bytes, compact: true), #"{"embedding":{"values":[0.1,0.35]}}"#)
        XCTAssertThrowsError(try search.encode(json: #"{"embedding": {"values": [1e39]}}"#), "out of float range")
    }

    private func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Runs Python's protobuf json_format over message classes built from the compiled-in
/// descriptor set (so no generated Python code is needed).
struct PythonProtoBridge {
    let python: String
    let descriptorSet: URL

    init() throws {
        python = try PythonTestServer.pythonWithGRPC()
        descriptorSet = FileManager.default.temporaryDirectory.appendingPathComponent("shop-descriptor-set-\(getpid()).bin")
        try Data(bytes: shop_descriptor_set_bytes(), count: shop_descriptor_set_size).write(to: descriptorSet)
    }

    func jsonToBinary(_ message: String, _ json: String) throws -> [UInt8] {
        [UInt8](try run("sys.stdout.buffer.write(json_format.Parse(sys.stdin.read(), cls()).SerializeToString())", message, Data(json.utf8)))
    }

    func binaryToJSON(_ message: String, _ bytes: [UInt8]) throws -> Any {
        let out = try run("m = cls(); m.ParseFromString(sys.stdin.buffer.read()); print(json.dumps(json_format.MessageToDict(m)))", message, Data(bytes))
        return try JSONSerialization.jsonObject(with: out)
    }

    private func run(_ body: String, _ message: String, _ input: Data) throws -> Data {
        let script = """
        import sys, json
        from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
        fds = descriptor_pb2.FileDescriptorSet(); fds.ParseFromString(open(sys.argv[1], 'rb').read())
        pool = descriptor_pool.DescriptorPool()
        for f in fds.file: pool.Add(f)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(sys.argv[2]))
        \(body)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, descriptorSet.path, message]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServerError("python json_format failed for \(message)") }
        return output
    }
}
