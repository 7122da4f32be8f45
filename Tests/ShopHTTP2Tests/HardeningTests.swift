import Foundation
import ShopHTTP2
import XCTest

/// HTTP/2 hardening limits, attacked with raw frames (Python `h2` via
/// `Tests/ShopHTTP2Probes/h2_hardening.py`). HTTP/2 error codes: NO_ERROR 0, PROTOCOL_ERROR 1,
/// INTERNAL_ERROR 2, ENHANCE_YOUR_CALM 11.
final class HardeningTests: XCTestCase {
    private func attack(_ scenario: String, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> [String: Any] {
        let python = try ServerHarness.python()
        let harness = try ServerHarness(configure: configure)
        defer { harness.stop() }
        let script = ServerHarness.packageRoot.appendingPathComponent("Tests/ShopHTTP2Probes/h2_hardening.py").path
        let output = try ServerHarness.run(python, [script, "127.0.0.1", String(harness.port), scenario], timeout: 60)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], output)
    }

    func testPingFloodIsCut() throws {
        let result = try attack("ping_flood")
        XCTAssertEqual(result["goaway"] as? Int, 11, "\(result)")
    }

    func testSettingsFloodIsCut() throws {
        let result = try attack("settings_flood")
        XCTAssertEqual(result["goaway"] as? Int, 11, "\(result)")
    }

    func testRapidResetIsCut() throws {
        let result = try attack("rapid_reset")
        // nghttp2's reset rate limiter answers INTERNAL_ERROR, ours ENHANCE_YOUR_CALM; either way
        // the connection is cut. The server closes while the flood is still arriving, so the
        // kernel may answer with a TCP reset that discards the GOAWAY before the client reads it.
        let goaway = result["goaway"] as? Int
        let closed = (result["closed"] as? Bool) ?? ((result["closed"] as? Int) == 1)
        XCTAssertTrue(goaway.map { [2, 11].contains($0) } ?? closed, "\(result)")
    }

    func testContinuationFloodIsCut() throws {
        let result = try attack("continuation_flood")
        XCTAssertTrue(result["goaway"] as? Int != nil || result["closed"] as? Bool == true, "\(result)")
        XCTAssertNotEqual(result["goaway"] as? Int, 0, "\(result)")
    }

    func testOversizedHeaderListResetsTheStream() throws {
        let result = try attack("huge_headers") { $0.limits.maxHeaderListSize = 8192 }
        let resets = result["resets"] as? [Int] ?? []
        XCTAssertFalse(resets.isEmpty && result["goaway"] == nil, "\(result)")
    }

    func testAdvertisedSettingsFollowTheLimits() throws {
        let result = try attack("settings") {
            $0.limits.maxConcurrentStreams = 7
            $0.limits.maxHeaderListSize = 9000
            $0.limits.initialStreamWindowSize = 100_000
        }
        let settings = result["settings"] as? [String: Int] ?? [:]
        XCTAssertEqual(settings["3"], 7)       // MAX_CONCURRENT_STREAMS
        XCTAssertEqual(settings["4"], 100_000) // INITIAL_WINDOW_SIZE
        XCTAssertEqual(settings["6"], 9000)    // MAX_HEADER_LIST_SIZE
    }

    func testIdleConnectionIsClosed() throws {
        let result = try attack("idle") { $0.limits.idleTimeout = .milliseconds(400) }
        XCTAssertEqual(result["goaway"] as? Int, 0, "\(result)")
        XCTAssertEqual(result["closed"] as? Bool, true, "\(result)")
    }

    func testUnansweredKeepaliveClosesConnection() throws {
        let result = try attack("silent") {
            $0.limits.keepaliveInterval = .milliseconds(300)
            $0.limits.keepaliveTimeout = .milliseconds(300)
        }
        XCTAssertEqual(result["closed"] as? Bool, true, "\(result)")
    }

    func testConnectionCap() throws {
        let result = try attack("connections:3") { $0.limits.maxConnections = 2 }
        // Each reactor accepts from its own SO_REUSEPORT socket, so which of the three
        // simultaneous connections is refused is not ordered; the cap is what matters.
        let closed = result["closed"] as? [Bool] ?? []
        XCTAssertEqual(closed.count, 3, "\(result)")
        XCTAssertEqual(closed.filter { $0 }.count, 1, "\(result)")
    }
}
