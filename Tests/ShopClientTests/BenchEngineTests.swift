import Foundation
import ShopBench
import ShopClient
import ShopWire
import XCTest

/// The load engine against an in-process server that counts what it answered: counts,
/// status attribution, warm-up exclusion, open-loop pacing and the injected stall.
final class BenchEngineTests: XCTestCase {
    private let countMethod = MethodPath(service: "test.Bench", method: "Count")

    private func plan(_ server: BenchTestServer, pacing: BenchPlan.Pacing = .closedLoop, stop: BenchPlan.Stop,
                      concurrency: Int = 8, connections: Int = 2, warmup: Duration = .zero,
                      timeout: Duration? = .seconds(10)) throws -> BenchPlan {
        BenchPlan(connection: ConnectionConfiguration(target: try Target(parsing: server.target)), method: countMethod,
                  requests: RequestPool([[1, 2, 3], [4]]), callOptions: CallOptions(timeout: timeout), pacing: pacing,
                  stop: stop, concurrency: concurrency, connections: connections, threads: 2, warmup: warmup)
    }

    func testTotalCountsEqualWhatTheServerCounted() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let result = try BenchRunner(plan: plan(server, stop: .total(1500))).run()
        XCTAssertEqual(result.stats.calls, 1500)
        XCTAssertEqual(server.ledger.receivedCalls, 1500)
        XCTAssertEqual(result.stats.ok, server.ledger.answered(.ok))
        XCTAssertEqual(result.stats.errors, 0)
        XCTAssertEqual(result.stats.latency.totalCount, 1500)
        XCTAssertEqual(result.abandoned, 0)
        XCTAssertEqual(result.stats.bytesSent, 750 * (3 + 5) + 750 * (1 + 5), "two requests rotated, 5-byte prefix each")
        XCTAssertEqual(result.stats.bytesReceived, 1500 * (2 + 5))
        XCTAssertEqual(result.timeSeries.map(\.calls).reduce(0, +), 1500, "the time series holds every call")
    }

    func testTimedRunCountsEveryCallTheServerAnswered() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let result = try BenchRunner(plan: plan(server, stop: .duration(.milliseconds(800)))).run()
        XCTAssertGreaterThan(result.stats.calls, 0)
        XCTAssertEqual(result.stats.calls, server.ledger.receivedCalls, "in-flight calls at the end are drained and counted")
        XCTAssertEqual(result.stats.ok, server.ledger.answered(.ok))
        XCTAssertFalse(result.interrupted)
    }

    func testStatusCodesAreAttributed() throws {
        let server = try BenchTestServer(failEvery: 4, failCode: .resourceExhausted)
        defer { server.stop() }
        let result = try BenchRunner(plan: plan(server, stop: .total(1000))).run()
        XCTAssertEqual(result.stats.calls, 1000)
        XCTAssertEqual(result.stats.statusCounts[GRPCStatus.Code.resourceExhausted.rawValue], 250)
        XCTAssertEqual(result.stats.statusCounts[GRPCStatus.Code.resourceExhausted.rawValue],
                       server.ledger.answered(.resourceExhausted))
        XCTAssertEqual(result.stats.ok, server.ledger.answered(.ok))
        XCTAssertEqual(result.stats.ok, 750)
        XCTAssertEqual(result.statusCounts.map(\.name), ["OK", "RESOURCE_EXHAUSTED"])
        XCTAssertTrue(result.stats.sampleMessages[GRPCStatus.Code.resourceExhausted.rawValue]?.hasPrefix("planned failure") ?? false)
    }

    func testClientDeadlinesAreCountedAsDeadlineExceeded() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        server.ledger.pause()
        let result = try BenchRunner(plan: plan(server, stop: .total(6), concurrency: 3, timeout: .milliseconds(100))).run()
        XCTAssertEqual(result.stats.calls, 6)
        XCTAssertEqual(result.stats.statusCounts[GRPCStatus.Code.deadlineExceeded.rawValue], 6)
    }

    func testWarmupCallsAreNotReported() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let result = try BenchRunner(plan: plan(server, stop: .total(300), warmup: .milliseconds(300))).run()
        XCTAssertEqual(result.stats.calls, 300)
        XCTAssertGreaterThan(server.ledger.receivedCalls, 300, "the warm-up load reached the server")
    }

    func testOpenLoopStartsCallsOnSchedule() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let result = try BenchRunner(plan: plan(server, pacing: .openLoop(rate: 200), stop: .duration(.seconds(1)))).run()
        // 200 calls per second for one second: the schedule has 200 calls (one worker may
        // count a boundary call either way).
        XCTAssertEqual(Double(result.stats.calls), 200, accuracy: 3)
        XCTAssertEqual(result.stats.calls, server.ledger.receivedCalls)
        XCTAssertEqual(result.unsent, 0)
    }

    func testInterruptReturnsThePartialResult() throws {
        let server = try BenchTestServer()
        defer { server.stop() }
        let runner = BenchRunner(plan: try plan(server, stop: .duration(.seconds(60))))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { runner.stop() }
        let started = Date()
        let result = try runner.run()
        XCTAssertTrue(result.interrupted)
        XCTAssertGreaterThan(result.stats.calls, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stop() ended a 60 s run early")
    }

    /// The server holds every answer for 1 s in the middle of a run. A closed loop just
    /// stops sending while it waits, so only its `concurrency` stuck calls see the stall;
    /// the open loop keeps its schedule and every call due during the stall is late.
    func testOpenLoopReportsAStallThatTheClosedLoopHides() throws {
        let stallMicros: UInt64 = 1_000_000
        func runWithStall(_ pacing: BenchPlan.Pacing) throws -> BenchResult {
            let server = try BenchTestServer()
            defer { server.stop() }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(700)) { server.ledger.pause() }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(1700)) { server.ledger.resume() }
            return try BenchRunner(plan: plan(server, pacing: pacing, stop: .duration(.milliseconds(2500)), concurrency: 4)).run()
        }
        let closed = try runWithStall(.closedLoop)
        let open = try runWithStall(.openLoop(rate: 300))
        func stalled(_ result: BenchResult) -> UInt64 {
            result.stats.latency.count(within: stallMicros / 2...UInt64.max / 2)
        }
        XCTAssertLessThanOrEqual(stalled(closed), 4, "closed loop: only the calls in flight waited")
        XCTAssertGreaterThan(stalled(open), 100, "open loop: ~150 calls were due in the first half of the stall")
        XCTAssertGreaterThanOrEqual(open.latencyMilliseconds(atPercentile: 99), 500)
        XCTAssertLessThan(closed.latencyMilliseconds(atPercentile: 99), 500, "the closed loop's p99 hides the stall")
    }
}
