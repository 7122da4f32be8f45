import Foundation
import ShopHTTP2
import ShopWire
import XCTest

/// HTTP/2-level behaviour checked with nghttp2's `nghttp` client (package nghttp2-client):
/// non-gRPC requests, trailers-only responses, response compression headers.
final class RawHTTP2Tests: XCTestCase {
    var harness: ServerHarness!
    var directory: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/nghttp") else {
            throw XCTSkip("nghttp not installed (apt-get install nghttp2-client)")
        }
        harness = try ServerHarness()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("raw-h2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        harness?.stop()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Runs `nghttp -v` with a request body and headers; returns its frame log.
    private func nghttp(path: String, body: [UInt8], headers: [String]) throws -> String {
        let file = directory.appendingPathComponent("body-\(UUID().uuidString)")
        try Data(body).write(to: file)
        var arguments = ["-v", "-d", file.path]
        for header in headers { arguments += ["-H", header] }
        arguments.append("http://\(harness.target)\(path)")
        return try ServerHarness.run("nghttp", arguments, timeout: 20, allowFailure: true)
    }

    private let grpcHeaders = ["content-type: application/grpc", "te: trailers"]

    func testNonGRPCContentTypeIsHTTP415() throws {
        let log = try nghttp(path: "/test.Echo/Echo", body: [1, 2, 3], headers: ["content-type: application/json"])
        XCTAssertTrue(log.contains(":status: 415"), log)
    }

    func testMissingContentTypeIsHTTP415() throws {
        let log = try nghttp(path: "/test.Echo/Echo", body: [1, 2, 3], headers: [])
        XCTAssertTrue(log.contains(":status: 415"), log)
    }

    func testUnimplementedIsTrailersOnly() throws {
        let log = try nghttp(path: "/nope.Svc/Do", body: try GRPCFrame.framed([1]), headers: grpcHeaders)
        XCTAssertTrue(log.contains(":status: 200"), log)
        XCTAssertTrue(log.contains("grpc-status: 12"), log)
        XCTAssertFalse(log.contains("recv DATA frame"), "trailers-only has no body: \(log)")
    }

    func testEchoOverRawHTTP2WithTrailers() throws {
        var body = try GRPCFrame.framed(Array("first".utf8))
        body += try GRPCFrame.framed(Array("second".utf8))
        let log = try nghttp(path: "/test.Echo/Echo", body: body, headers: grpcHeaders)
        XCTAssertTrue(log.contains("recv DATA frame"), log)
        XCTAssertTrue(log.contains("grpc-status: 0"), log)
        XCTAssertTrue(log.contains("content-type: application/grpc"), log)
    }

    func testGzipResponseWhenAccepted() throws {
        let message = Array(String(repeating: "squeeze ", count: 200).utf8)
        let log = try nghttp(path: "/test.Echo/Echo", body: try GRPCFrame.framed(message),
                             headers: grpcHeaders + ["grpc-accept-encoding: gzip"])
        XCTAssertTrue(log.contains("grpc-encoding: gzip"), log)
        XCTAssertTrue(log.contains("grpc-status: 0"), log)
    }

    func testUnsupportedRequestEncodingIsUnimplemented() throws {
        let log = try nghttp(path: "/test.Echo/Echo", body: try GRPCFrame.framed([1]),
                             headers: grpcHeaders + ["grpc-encoding: snappy"])
        XCTAssertTrue(log.contains("grpc-status: 12"), log)
        XCTAssertTrue(log.contains("grpc-accept-encoding: identity,gzip"), log)
    }

    func testMalformedTimeoutIsRejected() throws {
        let log = try nghttp(path: "/test.Echo/Echo", body: try GRPCFrame.framed([1]),
                             headers: grpcHeaders + ["grpc-timeout: soon"])
        XCTAssertTrue(log.contains("grpc-status: 3"), log)
    }

    func testTruncatedMessageIsInternal() throws {
        let log = try nghttp(path: "/test.Echo/Echo", body: [0, 0, 0, 0, 9, 1, 2], headers: grpcHeaders)
        XCTAssertTrue(log.contains("grpc-status: 13"), log)
    }
}
