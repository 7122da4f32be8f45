import ShopScheduler
import XCTest

/// Deadlines (passed, unmeetable by estimate), priority classes with EDF, cancellation.
final class DeadlineAndCancellationTests: XCTestCase {
    let outcomes = Outcomes()
    let clock = ManualClock()
    var factory: RequestFactory { RequestFactory(outcomes: outcomes) }

    private func makeScheduler(workers: Int = 1) -> BatchScheduler {
        let clock = self.clock
        return BatchScheduler(configuration: SchedulerConfiguration(workerCount: workers, clock: { clock.now }))
    }

    private func deadline(in nanoseconds: UInt64) -> MonotonicDeadline {
        MonotonicDeadline(uptimeNanoseconds: clock.now + nanoseconds)
    }

    func testRequestWhoseDeadlinePassedInTheQueueIsDroppedBeforeCompute() {
        let model = GateModel(open: false)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        scheduler.submit(factory.make(tag: 1, rows: 2, deadline: deadline(in: 1_000_000)).0, to: handle)
        scheduler.submit(factory.make(tag: 2, rows: 2).0, to: handle)
        clock.advance(by: 2_000_000)
        model.open()
        outcomes.wait(for: 3)
        XCTAssertTrue(outcomes.of(1).first?.isDeadlineExceeded == true)
        XCTAssertTrue(outcomes.of(2).first?.isOK == true)
        XCTAssertFalse(model.tagOrder.contains(1), "an expired request must not be computed")
        XCTAssertEqual(scheduler.metrics(for: handle)!.completions[.deadlineExceeded], 1)
    }

    func testDeadlineAlreadyPassedAtSubmitCompletesInline() {
        let model = GateModel(open: true)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        let passed = MonotonicDeadline(uptimeNanoseconds: clock.now - 1)
        XCTAssertNil(scheduler.submit(factory.make(tag: 1, rows: 1, deadline: passed).0, to: handle))
        XCTAssertTrue(outcomes.of(1).first?.isDeadlineExceeded == true)
        XCTAssertTrue(model.calls.isEmpty)
    }

    func testDeadlineThatCannotBeMetByTheComputeEstimateIsRefused() {
        let model = GateModel(open: false)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        // 1 ms per row until measured.
        let handle = scheduler.register(model: model, name: "m",
                                        configuration: ModelQueueConfiguration(initialNanosecondsPerRow: 1_000_000))
        // 100 rows need ~100 ms: a 10 ms deadline cannot be met, even though it has not passed.
        XCTAssertNil(scheduler.submit(factory.make(tag: 1, rows: 100, deadline: deadline(in: 10_000_000)).0, to: handle))
        XCTAssertTrue(outcomes.of(1).first?.isDeadlineExceeded == true)

        // 5 rows fit in 10 ms when submitted, but no longer after 6 ms spent behind a busy worker.
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        scheduler.submit(factory.make(tag: 2, rows: 5, deadline: deadline(in: 10_000_000)).0, to: handle)
        scheduler.submit(factory.make(tag: 3, rows: 5, deadline: deadline(in: 1_000_000_000)).0, to: handle)
        clock.advance(by: 6_000_000)
        model.open()
        outcomes.wait(for: 4)
        XCTAssertTrue(outcomes.of(2).first?.isDeadlineExceeded == true)
        XCTAssertTrue(outcomes.of(3).first?.isOK == true)
        XCTAssertEqual(model.tagOrder, [0, 3])
    }

    func testHighPriorityRunsFirstAndEarliestDeadlineFirstWithinAClass() {
        let model = GateModel(open: false)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(maxBatchRows: 1))
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        let second: UInt64 = 1_000_000_000
        scheduler.submit(factory.make(tag: 1, rows: 1, deadline: deadline(in: 10 * second), priority: .low).0, to: handle)
        scheduler.submit(factory.make(tag: 2, rows: 1, deadline: deadline(in: 30 * second), priority: .high).0, to: handle)
        scheduler.submit(factory.make(tag: 3, rows: 1, deadline: deadline(in: 20 * second), priority: .high).0, to: handle)
        scheduler.submit(factory.make(tag: 4, rows: 1, deadline: deadline(in: 5 * second), priority: .low).0, to: handle)
        scheduler.submit(factory.make(tag: 5, rows: 1, priority: .high).0, to: handle)
        scheduler.submit(factory.make(tag: 6, rows: 1, deadline: deadline(in: 20 * second), priority: .high).0, to: handle)
        model.open()
        outcomes.wait(for: 7)
        // high: EDF (ties in submission order), no deadline last; then low by EDF.
        XCTAssertEqual(model.tagOrder, [0, 3, 6, 2, 5, 4, 1])
    }

    func testPriorityFromMetadata() {
        XCTAssertEqual(RequestPriority(metadataValue: nil), .high)
        XCTAssertEqual(RequestPriority(metadataValue: "LOW"), .low)
        XCTAssertEqual(RequestPriority(metadataValue: "high"), .high)
        XCTAssertNil(RequestPriority(metadataValue: "urgent"))
    }

    func testCancelledRequestLeavesTheQueueAtOnceAndIsNeverComputed() {
        let model = GateModel(open: false)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        let token = CancellationToken()
        scheduler.submit(factory.make(tag: 1, rows: 4, cancellation: token).0, to: handle)
        let ticket = scheduler.submit(factory.make(tag: 2, rows: 3).0, to: handle)
        scheduler.submit(factory.make(tag: 3, rows: 2).0, to: handle)
        XCTAssertEqual(scheduler.metrics(for: handle)!.queuedRows, 9)

        token.cancel()
        XCTAssertTrue(outcomes.of(1).first?.isCancelled == true, "completes inline, while the worker is still busy")
        scheduler.cancel(ticket!)
        XCTAssertTrue(outcomes.of(2).first?.isCancelled == true)
        let metrics = scheduler.metrics(for: handle)!
        XCTAssertEqual(metrics.queuedRows, 2)
        XCTAssertEqual(metrics.queuedRequests, 1)

        token.cancel()  // idempotent
        scheduler.cancel(ticket!)  // stale ticket: ignored
        model.open()
        outcomes.wait(for: 4)
        XCTAssertEqual(model.tagOrder, [0, 3])
        XCTAssertEqual(outcomes.of(1).count, 1)
        XCTAssertEqual(outcomes.of(2).count, 1)
        XCTAssertEqual(scheduler.metrics(for: handle)!.completions[.cancelled], 2)
    }

    func testTokenCancelledBeforeSubmitCompletesInline() {
        let model = GateModel(open: true)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        let token = CancellationToken()
        token.cancel()
        XCTAssertNil(scheduler.submit(factory.make(tag: 1, rows: 1, cancellation: token).0, to: handle))
        XCTAssertTrue(outcomes.of(1).first?.isCancelled == true)
    }

    func testCancellingASplitRequestStopsItsRemainingChunks() {
        let model = GateModel(open: false)
        let scheduler = makeScheduler(workers: 1)
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 100))
        let token = CancellationToken()
        scheduler.submit(factory.make(tag: 1, rows: 250, cancellation: token).0, to: handle)
        model.waitForCalls(1)  // rows 0..<100 running, 150 queued
        XCTAssertEqual(scheduler.metrics(for: handle)!.queuedRows, 150)
        token.cancel()
        XCTAssertEqual(scheduler.metrics(for: handle)!.queuedRows, 0)
        XCTAssertEqual(outcomes.count, 0, "completes after its running chunk")
        model.open()
        outcomes.wait(for: 1)
        XCTAssertTrue(outcomes.of(1).first?.isCancelled == true)
        XCTAssertEqual(model.calls.count, 1)
    }
}
