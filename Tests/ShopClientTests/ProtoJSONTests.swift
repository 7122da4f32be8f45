import Foundation
import ShopProtoC
import XCTest
@testable import ShopClient

/// The proto3 JSON mapping on the health, reflection and descriptor.proto messages
/// (descriptor.proto has every field kind: proto2 presence, int64/uint64, double, bytes,
/// enums, repeated packed scalars, nested messages), checked against Python's reference
/// `google.protobuf.json_format` where it matters.
final class ProtoJSONTests: XCTestCase {
    private let healthRequest = KnownMessages.healthCheckRequest
    private let healthResponse = KnownMessages.healthCheckResponse
    private let reflectionRequest = KnownMessages.reflectionRequestV1
    private let fileDescriptorSet = KnownMessages.fileDescriptorSet
    private let uninterpretedOption = KnownMessages.codec(Google__Protobuf__UninterpretedOption.self, google__protobuf__uninterpreted_option__init)

    /// The compiled-in FileDescriptorSet (health, reflection, descriptor.proto, shop protos).
    private var descriptorSetBytes: [UInt8] {
        Array(UnsafeBufferPointer(start: shop_descriptor_set_bytes(), count: shop_descriptor_set_size))
    }

    func testStringFieldRoundTripAndDefaultsOmitted() throws {
        let bytes = try healthRequest.encode(json: #"{"service": "shop.v1.RankService"}"#)
        XCTAssertEqual(bytes, [0x0A, 19] + Array("shop.v1.RankService".utf8))
        XCTAssertEqual(try canonical(healthRequest.decodeToObject(bytes)), #"{"service":"shop.v1.RankService"}"#)
        XCTAssertEqual(try healthRequest.encode(json: "{}"), [])
        XCTAssertEqual(try healthRequest.encode(json: #"{"service": ""}"#), [], "proto3 default is not sent")
        XCTAssertEqual(try healthRequest.encode(json: #"{"service": null}"#), [])
        XCTAssertEqual(try canonical(healthRequest.decodeToObject([])), "{}")
    }

    func testEnumsByNameAndNumber() throws {
        let byName = try healthResponse.encode(json: #"{"status": "NOT_SERVING"}"#)
        XCTAssertEqual(byName, [0x08, 2])
        XCTAssertEqual(try healthResponse.encode(json: #"{"status": 2}"#), byName)
        XCTAssertEqual(try healthResponse.decode(byName, compact: true), #"{"status":"NOT_SERVING"}"#)
        XCTAssertEqual(try healthResponse.decode([0x08, 77], compact: true), #"{"status":77}"#, "unknown enum numbers stay numbers")
        XCTAssertThrowsError(try healthResponse.encode(json: #"{"status": "SLEEPING"}"#)) { error in
            XCTAssertTrue("\(error)".contains("SERVING"), "lists the valid names: \(error)")
        }
    }

    func testUnknownFieldsAndWrongTypesAreClearErrors() {
        XCTAssertThrowsError(try healthRequest.encode(json: #"{"servise": "x"}"#)) { error in
            XCTAssertEqual(error as? ProtoJSONError, ProtoJSONError(path: "", "unknown field 'servise' in grpc.health.v1.HealthCheckRequest"))
        }
        XCTAssertThrowsError(try healthRequest.encode(json: #"{"service": 5}"#)) { error in
            XCTAssertEqual((error as? ProtoJSONError)?.path, "service")
        }
        XCTAssertThrowsError(try healthRequest.encode(json: #"{"service": "x""#)) { error in
            XCTAssertTrue("\(error)".hasPrefix("invalid JSON"), "\(error)")
        }
        XCTAssertThrowsError(try healthRequest.encode(json: #"["service"]"#))
        XCTAssertThrowsError(try fileDescriptorSet.encode(json: #"{"file": [{"messageType": [{"field": [{"number": 1.5}]}]}]}"#)) { error in
            XCTAssertEqual((error as? ProtoJSONError)?.path, "file[0].message_type[0].field[0].number")
        }
        XCTAssertThrowsError(try fileDescriptorSet.encode(json: #"{"file": [{"messageType": [{"field": [{"number": 4294967296}]}]}]}"#))
        XCTAssertThrowsError(try healthResponse.decode([0x08]), "truncated binary input")
    }

    func testOneofAcceptsOneMemberOnly() throws {
        let list = try reflectionRequest.encode(json: #"{"host": "h", "listServices": "*"}"#)
        XCTAssertEqual(try reflectionRequest.decode(list, compact: true), #"{"host":"h","listServices":"*"}"#)
        let symbol = try reflectionRequest.encode(json: #"{"file_containing_symbol": "grpc.health.v1.Health"}"#)
        XCTAssertEqual(try reflectionRequest.decode(symbol, compact: true), #"{"fileContainingSymbol":"grpc.health.v1.Health"}"#)
        let empty = try reflectionRequest.encode(json: #"{"listServices": ""}"#)
        XCTAssertEqual(try reflectionRequest.decode(empty, compact: true), #"{"listServices":""}"#, "a set oneof member is emitted even when empty")
        XCTAssertThrowsError(try reflectionRequest.encode(json: #"{"listServices": "*", "fileByFilename": "a.proto"}"#)) { error in
            XCTAssertTrue("\(error)".contains("oneof"), "\(error)")
        }
        let nested = try reflectionRequest.encode(json: #"{"fileContainingExtension": {"containingType": "a.B", "extensionNumber": 7}}"#)
        XCTAssertEqual(try reflectionRequest.decode(nested, compact: true),
                       #"{"fileContainingExtension":{"containingType":"a.B","extensionNumber":7}}"#)
    }

    func testScalarKindsOfDescriptorProto() throws {
        let json = #"""
        {"name": [{"namePart": "x", "is_extension": false}], "identifierValue": "id",
         "positiveIntValue": "18446744073709551615", "negativeIntValue": -9007199254740993,
         "doubleValue": 2.5, "stringValue": "AAH/-_8", "aggregateValue": "a"}
        """#
        let bytes = try uninterpretedOption.encode(json: json)
        let object = try uninterpretedOption.decodeToObject(bytes)
        XCTAssertEqual(object["positiveIntValue"] as? String, "18446744073709551615", "uint64 as a string")
        XCTAssertEqual(object["negativeIntValue"] as? String, "-9007199254740993", "int64 as a string, exact")
        XCTAssertEqual(object["doubleValue"] as? Double, 2.5)
        XCTAssertEqual(object["stringValue"] as? String, "AAH/+/8=", "bytes as standard base64 (input was URL-safe, unpadded)")
        let names = object["name"] as? [[String: Any]]
        XCTAssertEqual(names?.first?["isExtension"] as? Bool, false, "proto2 optional: present when set, even to false")
        XCTAssertEqual(try canonical(pythonJSON("google.protobuf.UninterpretedOption", bytes)), try canonical(object))

        let special = try uninterpretedOption.encode(json: #"{"doubleValue": "-Infinity", "positiveIntValue": 7}"#)
        XCTAssertEqual(try uninterpretedOption.decode(special, compact: true), #"{"doubleValue":"-Infinity","positiveIntValue":"7"}"#)
        XCTAssertThrowsError(try uninterpretedOption.encode(json: #"{"positiveIntValue": "-1"}"#))
        XCTAssertThrowsError(try uninterpretedOption.encode(json: #"{"stringValue": "%%%"}"#))
    }

    /// The whole compiled-in descriptor set: our JSON equals Python's json_format output, and
    /// JSON → binary gives back the original bytes.
    func testDescriptorSetMatchesPythonJSONFormat() throws {
        let original = descriptorSetBytes
        XCTAssertGreaterThan(original.count, 1000)
        let ours = try fileDescriptorSet.decodeToObject(original)
        XCTAssertEqual(try canonical(ours), try canonical(pythonJSON("google.protobuf.FileDescriptorSet", original)))
        let reencoded = try fileDescriptorSet.encode(jsonObject: ours)
        XCTAssertEqual(reencoded.count, original.count)
        XCTAssertTrue(reencoded == original, "JSON round trip reproduces the serialized descriptor set")
    }

    func testDescriptorPointersAreTheGeneratedGlobals() throws {
        let fromRegistry = try MethodRegistry.lookup("grpc.health.v1.Health/Check")
        XCTAssertEqual(KnownMessages.healthCheckRequest.descriptor, fromRegistry.input.descriptor)
        XCTAssertEqual(KnownMessages.healthCheckResponse.descriptor, fromRegistry.output.descriptor)
    }

    func testMethodRegistryLookup() throws {
        let check = try MethodRegistry.lookup("grpc.health.v1.Health/Check")
        XCTAssertEqual(check.path.description, "/grpc.health.v1.Health/Check")
        XCTAssertEqual(check.input.messageName, "grpc.health.v1.HealthCheckRequest")
        XCTAssertEqual(check.output.messageName, "grpc.health.v1.HealthCheckResponse")
        XCTAssertFalse(check.serverStreaming)
        let watch = try MethodRegistry.lookup("/grpc.health.v1.Health/Watch")
        XCTAssertEqual(watch.path.method, "Watch")
        XCTAssertTrue(watch.serverStreaming)
        XCTAssertFalse(watch.clientStreaming)
        let reflection = try MethodRegistry.lookup("grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
        XCTAssertTrue(reflection.clientStreaming && reflection.serverStreaming)
        XCTAssertEqual(try MethodRegistry.lookup("shop.v1.RankService/Rank").input.messageName, "shop.v1.RankRequest")
        XCTAssertEqual(try MethodRegistry.lookup("grpc.health.v1.Health.Check").path.service, "grpc.health.v1.Health")
        XCTAssertTrue(MethodRegistry.serviceNames.contains("grpc.reflection.v1.ServerReflection"))
        XCTAssertThrowsError(try MethodRegistry.lookup("grpc.health.v1.Health/Nap")) { error in
            XCTAssertTrue("\(error)".contains("Check, Watch"), "\(error)")
        }
        XCTAssertThrowsError(try MethodRegistry.lookup("nope.Service/Call")) { error in
            XCTAssertTrue("\(error)".contains("unknown service"), "\(error)")
        }
    }

    // MARK: - Helpers

    private func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// Python's `json_format.MessageToDict` of `bytes` as message `name`.
    private func pythonJSON(_ name: String, _ bytes: [UInt8]) throws -> Any {
        let python = try PythonTestServer.pythonWithGRPC()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("protojson-\(getpid())-\(UUID().uuidString).bin")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
        import sys, json
        from google.protobuf import descriptor_pb2, json_format, symbol_database
        from grpc_health.v1 import health_pb2
        cls = symbol_database.Default().GetSymbol(sys.argv[1])
        msg = cls(); msg.ParseFromString(open(sys.argv[2], 'rb').read())
        print(json.dumps(json_format.MessageToDict(msg)))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, name, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServerError("python json_format failed") }
        return try JSONSerialization.jsonObject(with: data)
    }
}
