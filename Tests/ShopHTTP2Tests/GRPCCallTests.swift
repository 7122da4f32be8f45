import Foundation
import ShopHTTP2
import ShopWire
import XCTest

/// The gRPC-over-HTTP/2 protocol, checked with the stock Python client (grpcio).
final class GRPCCallTests: XCTestCase {
    var harness: ServerHarness!

    override func setUpWithError() throws {
        _ = try ServerHarness.python()
        harness = try ServerHarness { $0.limits.maxReceiveMessageSize = 1 << 20 }
    }

    override func tearDown() {
        harness?.stop()
        harness = nil
    }

    func testEchoSeveralMessagesWithMetadata() throws {
        let result = try harness.probe("call", ["requests": ["one", "two", "three"], "metadata": ["echo-me": "hi", "x-request-id": "req-42"]])
        XCTAssertEqual(result["code"] as? String, "OK")
        XCTAssertEqual(result["responses"] as? [String], ["one", "two", "three"])
        let initial = result["initial"] as? [String: String]
        XCTAssertEqual(initial?["echoed"], "hi")
        XCTAssertEqual(initial?["x-request-id"], "req-42")
        XCTAssertEqual((result["trailing"] as? [String: String])?["echoed-trailer"], "hi")
    }

    func testRequestIDIsGeneratedWhenAbsent() throws {
        let result = try harness.probe("call", [:])
        let id = (result["initial"] as? [String: String])?["x-request-id"] ?? ""
        XCTAssertFalse(id.isEmpty)
    }

    func testErrorStatusWithPercentEncodedMessage() throws {
        let result = try harness.probe("call", ["method": "test.Echo/Fail", "requests": ["5:item 商品 100% gone\n"]])
        XCTAssertEqual(result["code"] as? String, "NOT_FOUND")
        XCTAssertEqual(result["details"] as? String, "item 商品 100% gone\n")
    }

    func testUnknownServiceAndMethodAreUnimplemented() throws {
        let service = try harness.probe("call", ["method": "nope.Service/Call"])
        XCTAssertEqual(service["code"] as? String, "UNIMPLEMENTED")
        XCTAssertTrue((service["details"] as? String ?? "").contains("nope.Service"))
        let method = try harness.probe("call", ["method": "test.Echo/Missing"])
        XCTAssertEqual(method["code"] as? String, "UNIMPLEMENTED")
    }

    func testMessageJustUnderAndOverTheLimit() throws {
        let limit = 1 << 20
        let under = try harness.probe("call", ["request_size": limit])
        XCTAssertEqual(under["code"] as? String, "OK")
        XCTAssertEqual(under["response_sizes"] as? [Int], [limit])
        let over = try harness.probe("call", ["request_size": limit + 1])
        XCTAssertEqual(over["code"] as? String, "RESOURCE_EXHAUSTED")
    }

    func testLargeResponseSpansManyFrames() throws {
        let result = try harness.probe("call", ["method": "test.Echo/Big", "requests": ["3000000"]])
        XCTAssertEqual(result["code"] as? String, "OK")
        XCTAssertEqual(result["response_sizes"] as? [Int], [3_000_000])
    }

    func testGzipBothWays() throws {
        let result = try harness.probe("call", ["gzip": true, "requests": [String(repeating: "compress me ", count: 500)]])
        XCTAssertEqual(result["code"] as? String, "OK")
        XCTAssertEqual(result["response_sizes"] as? [Int], [6000])
        // grpcio hides grpc-encoding from metadata; RawHTTP2Tests checks the response header.
    }

    func testDeadlineExceededAndHandlerCancelled() throws {
        let result = try harness.probe("call", ["method": "test.Echo/Slow", "requests": ["3000"], "timeout": 0.3])
        XCTAssertEqual(result["code"] as? String, "DEADLINE_EXCEEDED")
        XCTAssertTrue(harness.events.wait { $0.cancelledCount >= 1 })
    }

    func testClientCancellationReachesHandler() throws {
        let result = try harness.probe("cancel", ["slow_ms": 5000, "after": 0.3])
        XCTAssertEqual(result["code"] as? String, "CANCELLED")
        XCTAssertTrue(harness.events.wait { $0.cancelledCount >= 1 })
    }

    func testTwoHundredConcurrentCallsOnOneChannel() throws {
        let result = try harness.probe("concurrent", ["count": 200])
        XCTAssertEqual(result["intact"] as? Int, 200)
    }
}
