import Foundation
import ShopHTTP2
import XCTest

/// Graceful shutdown: drain hook, GOAWAY, in-flight calls finishing within the grace period,
/// cancellation past it, reactors stopping.
final class GracefulShutdownTests: XCTestCase {
    private func waitStopped(_ server: GRPCServer, timeout: TimeInterval) -> Bool {
        let stopped = DispatchSemaphore(value: 0)
        let box = ServerBox(server: server)
        Thread.detachNewThread {
            box.server.waitUntilStopped()
            stopped.signal()
        }
        return stopped.wait(timeout: .now() + timeout) == .success
    }

    func testInFlightCallsFinishWithinGrace() throws {
        let harness = try ServerHarness()
        let drainStarted = DispatchSemaphore(value: 0)
        harness.server.onDrainStart = { drainStarted.signal() }
        let probe = try BackgroundProbe(target: harness.target, scenario: "slow_pair", options: ["slow_ms": 1000, "count": 3])
        XCTAssertTrue(probe.waitForLine("started"))
        harness.server.beginGracefulShutdown(grace: .seconds(10))
        XCTAssertEqual(drainStarted.wait(timeout: .now() + 5), .success)
        let result = try probe.result()
        XCTAssertEqual(result["codes"] as? [String], ["OK", "OK", "OK"])
        XCTAssertTrue(waitStopped(harness.server, timeout: 10), "reactors stop once drained")
        // New connections are refused once draining.
        let late = try harness.probe("call", ["timeout": 2])
        XCTAssertEqual(late["code"] as? String, "UNAVAILABLE")
    }

    func testCallsPastGraceAreCancelled() throws {
        let harness = try ServerHarness()
        let probe = try BackgroundProbe(target: harness.target, scenario: "slow_pair", options: ["slow_ms": 20_000, "count": 2])
        XCTAssertTrue(probe.waitForLine("started"))
        harness.server.beginGracefulShutdown(grace: .milliseconds(300))
        XCTAssertTrue(waitStopped(harness.server, timeout: 10))
        let result = try probe.result()
        let codes = result["codes"] as? [String] ?? []
        XCTAssertEqual(codes.count, 2)
        XCTAssertFalse(codes.contains("OK"), "\(codes)")
        XCTAssertTrue(harness.events.wait { $0.cancelledCount == 2 })
    }

    func testIdleServerStopsImmediately() throws {
        let harness = try ServerHarness()
        harness.server.beginGracefulShutdown(grace: .seconds(30))
        XCTAssertTrue(waitStopped(harness.server, timeout: 5))
    }
}

private struct ServerBox: @unchecked Sendable { let server: GRPCServer }
