import Foundation
import ShopWire
import XCTest
@testable import ShopClient

/// The client against a stock grpcio server (cleartext h2c): unary, server streaming,
/// statuses, deadlines, metadata, cancellation, concurrency.
final class ClientConnectionTests: XCTestCase {
    private static let unaryPath = MethodPath(service: "test.Probe", method: "Unary")
    private static let streamPath = MethodPath(service: "test.Probe", method: "Stream")

    private var server: PythonTestServer!
    private var connection: ClientConnection!

    override func setUpWithError() throws {
        server = try PythonTestServer()
        connection = try ClientConnection(target: server.target)
    }

    override func tearDown() {
        connection?.shutdown()
        server?.stop()
    }

    func testUnaryEchoesRequestWithHeadersAndTrailers() async {
        var options = CallOptions()
        options.metadata.add("x-echo-color", "blue")
        let response = await connection.unary(Self.unaryPath, request: Array("hello".utf8), options: options)
        XCTAssertEqual(response.status.code, .ok, "\(response.status)")
        XCTAssertEqual(response.message, Array("hello".utf8))
        XCTAssertEqual(response.headers.first("x-echo-color"), "blue")
        XCTAssertEqual(response.trailers.first("x-trailer"), "done")
        XCTAssertEqual(response.trailers.first("x-deadline-ms"), "-1", "no deadline was set")
    }

    func testEachCallSendsItsOwnHeadersWhenOptionsAlternateOnOneConnection() async {
        // The connection reuses the prepared header fields of its last (method, options):
        // a call with other metadata, a deadline or another method must not inherit them.
        for round in 0..<3 {
            for color in ["red", "green"] {
                var options = CallOptions(timeout: color == "green" ? .seconds(20) : nil)
                options.metadata.add("x-echo-color", "\(color)-\(round)")
                let response = await connection.unary(Self.unaryPath, request: [UInt8(round)], options: options)
                XCTAssertEqual(response.status.code, .ok, "\(response.status)")
                XCTAssertEqual(response.headers.first("x-echo-color"), "\(color)-\(round)")
                XCTAssertEqual(response.trailers.first("x-deadline-ms") == "-1", color == "red")
            }
            let plain = await connection.unary(Self.unaryPath, request: [9])
            XCTAssertNil(plain.headers.first("x-echo-color"))
            XCTAssertEqual(plain.message, [9])
            let missing = await connection.unary(MethodPath(service: "test.Probe", method: "Missing"), request: [])
            XCTAssertEqual(missing.status.code, .unimplemented)
        }
    }

    func testEmptyRequestMessage() async {
        let response = await connection.unary(Self.unaryPath, request: [])
        XCTAssertEqual(response.status.code, .ok)
        XCTAssertEqual(response.message, [])
    }

    func testLargeMessagesCrossManyFrames() async {
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let response = await connection.unary(Self.unaryPath, request: big)
        XCTAssertEqual(response.status.code, .ok, "\(response.status)")
        XCTAssertEqual(response.message?.count, big.count)
        XCTAssertTrue(response.message == big)
    }

    func testGzipRequestAndResponse() async {
        let text = Array(String(repeating: "compressible shop text ", count: 5000).utf8)
        var options = CallOptions(compressRequest: true)
        options.metadata.add("x-compress-response", "1")
        let response = await connection.unary(Self.unaryPath, request: text, options: options)
        XCTAssertEqual(response.status.code, .ok, "\(response.status)")
        XCTAssertEqual(response.headers.first("grpc-encoding"), "gzip", "the server compressed its answer")
        XCTAssertTrue(response.message == text, "both directions decompress to the original")
        let small = await connection.unary(Self.unaryPath, request: [7], options: options)
        XCTAssertEqual(small.message, [7])
    }

    func testErrorStatusWithPercentEncodedMessage() async {
        var options = CallOptions()
        options.metadata.add("x-status", "5")
        options.metadata.add("x-message", "no such item: 100%25 gone, caf%C3%A9 %E2%9C%93")  // URL-quoted for the header
        let response = await connection.unary(Self.unaryPath, request: [1], options: options)
        XCTAssertEqual(response.status.code, .notFound)
        XCTAssertEqual(response.status.message, "no such item: 100% gone, caf\u{e9} \u{2713}")
        XCTAssertNil(response.message)
    }

    func testUnknownMethodIsUnimplemented() async {
        let response = await connection.unary(MethodPath(service: "test.Probe", method: "Nope"), request: [])
        XCTAssertEqual(response.status.code, .unimplemented)
    }

    func testDeadlineIsSentAsGRPCTimeout() async {
        let response = await connection.unary(Self.unaryPath, request: [1], options: CallOptions(timeout: .seconds(30)))
        XCTAssertEqual(response.status.code, .ok)
        let remaining = response.trailers.first("x-deadline-ms").flatMap(Int.init)
        XCTAssertNotNil(remaining)
        XCTAssertTrue((1...30_000).contains(remaining ?? -1), "server saw \(remaining ?? -1) ms left")
    }

    func testExpiredDeadlineGivesDeadlineExceeded() async {
        var options = CallOptions(timeout: .milliseconds(200))
        options.metadata.add("x-sleep-ms", "3000")
        let response = await connection.unary(Self.unaryPath, request: [1], options: options)
        XCTAssertEqual(response.status.code, .deadlineExceeded)
    }

    func testResponseOverTheReceiveLimitIsResourceExhausted() async throws {
        let target = try Target(parsing: server.target)
        let limited = try ClientConnection(configuration: ConnectionConfiguration(target: target, maxReceiveMessageBytes: 1 << 20))
        defer { limited.shutdown() }
        let justUnder = await limited.unary(Self.unaryPath, request: [UInt8](repeating: 1, count: 1 << 20))
        XCTAssertEqual(justUnder.status.code, .ok, "\(justUnder.status)")
        let over = await limited.unary(Self.unaryPath, request: [UInt8](repeating: 1, count: (1 << 20) + 1))
        XCTAssertEqual(over.status.code, .resourceExhausted)
        let after = await limited.unary(Self.unaryPath, request: [3])
        XCTAssertEqual(after.message, [3], "only the stream was reset, not the connection")
    }

    func testCancellingTheTaskCancelsTheCall() async {
        var options = CallOptions()
        options.metadata.add("x-sleep-ms", "5000")
        let connection = self.connection!
        let task = Task { await connection.unary(Self.unaryPath, request: [1], options: options) }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let response = await task.value
        XCTAssertEqual(response.status.code, .cancelled)
    }

    func testInvalidMetadataIsRejectedLocally() async {
        var options = CallOptions()
        options.metadata.add("x-bad", "line\nbreak")
        let response = await connection.unary(Self.unaryPath, request: [1], options: options)
        XCTAssertEqual(response.status.code, .internal)
        XCTAssertTrue(response.status.message.contains("printable ASCII"), response.status.message)
        // The connection is still usable.
        let next = await connection.unary(Self.unaryPath, request: [2])
        XCTAssertEqual(next.status.code, .ok)
    }

    func testServerStreamingDeliversEveryMessageInOrder() async throws {
        var options = CallOptions()
        options.metadata.add("x-count", "5")
        let call = connection.serverStreaming(Self.streamPath, request: [9], options: options)
        var received: [[UInt8]] = []
        for try await message in call.messages { received.append(message) }
        XCTAssertEqual(received, (0..<5).map { [9, UInt8($0)] })
    }

    func testServerStreamingEndsWithErrorStatusAfterMessages() async {
        var options = CallOptions()
        options.metadata.add("x-count", "2")
        options.metadata.add("x-status", "9")
        options.metadata.add("x-message", "stop here")
        let call = connection.serverStreaming(Self.streamPath, request: [1], options: options)
        var count = 0
        do {
            for try await _ in call.messages { count += 1 }
            XCTFail("expected FAILED_PRECONDITION")
        } catch let status as GRPCStatus {
            XCTAssertEqual(status, GRPCStatus(.failedPrecondition, "stop here"))
        } catch {
            XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(count, 2)
    }

    func testCancellingAStreamEndsItWithCancelled() async {
        var options = CallOptions()
        options.metadata.add("x-count", "200")
        options.metadata.add("x-interval-ms", "20")
        let call = connection.serverStreaming(Self.streamPath, request: [1], options: options)
        var count = 0
        do {
            for try await _ in call.messages {
                count += 1
                if count == 1 { call.cancel() }
            }
            XCTFail("expected CANCELLED")
        } catch let status as GRPCStatus {
            XCTAssertEqual(status.code, .cancelled)
        } catch {
            XCTFail("unexpected \(error)")
        }
        XCTAssertLessThan(count, 200)
        let next = await connection.unary(Self.unaryPath, request: [2])
        XCTAssertEqual(next.status.code, .ok, "the connection survives a cancelled stream")
    }

    func testManyConcurrentCallsOnOneConnection() throws {
        let total = 300
        let done = expectation(description: "all calls finished")
        done.expectedFulfillmentCount = total
        let results = ResultCollector()
        for index in 0..<total {
            let body = Array("call-\(index)".utf8)
            connection.start(Self.unaryPath, request: body, delegate: CheckingDelegate(expected: body, results: results) {
                done.fulfill()
            })
        }
        wait(for: [done], timeout: 60)
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.successes, total)
    }

    func testConnectionRefusedIsUnavailable() async throws {
        // Port of a server that has just exited.
        let gone = try PythonTestServer()
        let port = gone.port
        gone.stop()
        let refused = try ClientConnection(target: "127.0.0.1:\(port)")
        defer { refused.shutdown() }
        let response = await refused.unary(Self.unaryPath, request: [1])
        XCTAssertEqual(response.status.code, .unavailable)
        XCTAssertTrue(response.status.message.contains("cannot connect"), response.status.message)
    }

    func testInvalidTargetIsAClientError() {
        XCTAssertThrowsError(try ClientConnection(target: "no-port-here")) { error in
            XCTAssertEqual(error as? ClientError, .invalidTarget("no-port-here"))
        }
    }
}

/// Checks that a unary call echoes its request; thread-safe tallies.
final class ResultCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var _successes = 0
    private var _failures: [String] = []
    var successes: Int { lock.withLock { _successes } }
    var failures: [String] { lock.withLock { _failures } }
    func record(_ failure: String?) {
        lock.withLock {
            if let failure { _failures.append(failure) } else { _successes += 1 }
        }
    }
}

private final class CheckingDelegate: ClientCallDelegate {
    let expected: [UInt8]
    let results: ResultCollector
    let onFinish: () -> Void
    var message: [UInt8]?

    init(expected: [UInt8], results: ResultCollector, onFinish: @escaping () -> Void) {
        self.expected = expected
        self.results = results
        self.onFinish = onFinish
    }

    func callReceived(message: [UInt8]) { self.message = message }

    func callFinished(status: GRPCStatus, trailers: Metadata) {
        if status.code != .ok {
            results.record("\(status)")
        } else if message != expected {
            results.record("wrong body")
        } else {
            results.record(nil)
        }
        onFinish()
    }
}
