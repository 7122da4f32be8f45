import ShopScheduler
import XCTest

/// The low-priority starvation guard: high work goes first, but low work that has waited past
/// `lowPriorityMaxWaitNanoseconds` gets the next batch (EDF within its class).
final class StarvationGuardTests: XCTestCase {
    let outcomes = Outcomes()
    let clock = ManualClock()
    var factory: RequestFactory { RequestFactory(outcomes: outcomes) }
    let millisecond: UInt64 = 1_000_000

    private func makeScheduler() -> BatchScheduler {
        let clock = self.clock
        return BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1, clock: { clock.now }))
    }

    private func deadline(inSeconds seconds: UInt64) -> MonotonicDeadline {
        MonotonicDeadline(uptimeNanoseconds: clock.now + seconds * 1_000_000_000)
    }

    /// One busy batch (tag 0), then low tags 1 (deadline 10 s) and 2 (5 s), then high tags
    /// 3, 4, 5; `waited` passes on the clock before the gate opens. Returns the run order.
    private func runOrder(guardNanoseconds: UInt64?, waited: UInt64) -> [Int] {
        let model = GateModel(open: false)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(
            maxBatchRows: 1, lowPriorityMaxWaitNanoseconds: guardNanoseconds))
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        scheduler.submit(factory.make(tag: 1, rows: 1, deadline: deadline(inSeconds: 10), priority: .low).0, to: handle)
        scheduler.submit(factory.make(tag: 2, rows: 1, deadline: deadline(inSeconds: 5), priority: .low).0, to: handle)
        clock.advance(by: waited)
        for tag in 3...5 { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: handle) }
        model.open()
        outcomes.wait(for: 6)
        return model.tagOrder
    }

    func testLowPriorityWorkWaitingPastTheLimitGetsTheNextBatchThenHighResumes() {
        // Low has waited 20 ms ≥ 10 ms: one low batch (EDF within the class: tag 2 first),
        // then high work again (the guard's clock restarted when low rows were claimed).
        XCTAssertEqual(runOrder(guardNanoseconds: 10 * millisecond, waited: 20 * millisecond), [0, 2, 3, 4, 5, 1])
    }

    func testLowPriorityWorkWithinTheLimitWaitsBehindHighWork() {
        XCTAssertEqual(runOrder(guardNanoseconds: 10 * millisecond, waited: 5 * millisecond), [0, 3, 4, 5, 2, 1])
    }

    func testGuardDisabledMeansStrictPriority() {
        XCTAssertEqual(runOrder(guardNanoseconds: nil, waited: 1_000 * millisecond), [0, 3, 4, 5, 2, 1])
    }

    func testStarvingLowWorkOfOneModelGoesBeforeHighWorkOfAnother() {
        let blocker = GateModel(open: false)
        let highModel = GateModel(open: true)
        let lowModel = GateModel(open: true)
        let scheduler = makeScheduler()
        defer { scheduler.shutdown() }
        let limit = ModelQueueConfiguration(maxBatchRows: 1, lowPriorityMaxWaitNanoseconds: 10 * millisecond)
        let blockerHandle = scheduler.register(model: blocker, name: "blocker")
        let high = scheduler.register(model: highModel, name: "high", configuration: limit)
        let low = scheduler.register(model: lowModel, name: "low", configuration: limit)
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: blockerHandle)
        blocker.waitForCalls(1)
        scheduler.submit(factory.make(tag: 1, rows: 1, priority: .low).0, to: low)
        clock.advance(by: 50 * millisecond)
        scheduler.submit(factory.make(tag: 2, rows: 1).0, to: high)
        scheduler.submit(factory.make(tag: 3, rows: 1).0, to: high)
        blocker.open()
        outcomes.wait(for: 4)
        XCTAssertEqual(lowModel.tagOrder, [1])
        // Both models ran on the one worker; the starving low request ran before any high one.
        XCTAssertTrue(outcomes.of(1).first?.isOK == true)
        XCTAssertEqual(outcomes.completionOrder, [0, 1, 2, 3])
    }
}
