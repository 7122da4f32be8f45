@testable import ShopScheduler
import XCTest

/// `unregister`: a model version leaving the served set refuses new work, finishes what it
/// holds, then releases its queue and its reference to the model.
final class UnregisterTests: XCTestCase {
    let outcomes = Outcomes()
    var factory: RequestFactory { RequestFactory(outcomes: outcomes) }

    func testUnregisteredModelRefusesNewWorkFinishesQueuedAndRunningThenIsReleased() {
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        var gate: GateModel! = GateModel(open: false)
        weak var released = gate
        let handle = scheduler.register(model: gate, name: "m@1")
        var buffers: [Int: RowBuffers] = [:]
        let (blocker, blockerBuffers) = factory.make(tag: 0, rows: 2)
        buffers[0] = blockerBuffers
        scheduler.submit(blocker, to: handle)
        gate.waitForCalls(1)
        for tag in 1...2 {
            let (request, buffer) = factory.make(tag: tag, rows: 3)
            buffers[tag] = buffer
            scheduler.submit(request, to: handle)
        }

        scheduler.unregister(handle)
        XCTAssertNil(scheduler.submit(factory.make(tag: 3, rows: 1).0, to: handle))
        XCTAssertEqual(outcomes.of(3).first?.rejection, .modelUnregistered(model: "m@1"))
        XCTAssertTrue(scheduler.isRegistered(handle), "the queue drains before it is released")
        XCTAssertEqual(scheduler.metricsSnapshot().map(\.isUnregistered), [true])

        gate.open()
        outcomes.wait(for: 4)
        for tag in 0...2 {
            XCTAssertTrue(outcomes.of(tag).first?.isOK == true, "tag \(tag)")
            XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: tag, rows: tag == 0 ? 2 : 3, buffers[tag]!))
        }
        XCTAssertTrue(waitUntil { !scheduler.isRegistered(handle) })
        XCTAssertNil(scheduler.metrics(for: handle))
        XCTAssertTrue(scheduler.metricsSnapshot().isEmpty)
        gate = nil
        XCTAssertNil(released, "the scheduler keeps no reference to an unregistered model once drained")
        scheduler.unregister(handle)  // idempotent on a released handle
    }

    func testIdleQueueIsReleasedAtOnceAndOtherModelsKeepServing() {
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let old = scheduler.register(model: GateModel(open: true), name: "m@1")
        let other = scheduler.register(model: GateModel(open: true), name: "other@1")
        scheduler.unregister(old)
        XCTAssertFalse(scheduler.isRegistered(old))
        let new = scheduler.register(model: GateModel(open: true), name: "m@2")
        XCTAssertNotEqual(old, new, "handles are never reused")
        XCTAssertEqual(scheduler.metricsSnapshot().map(\.model), ["other@1", "m@2"])

        scheduler.submit(factory.make(tag: 1, rows: 1).0, to: old)
        scheduler.submit(factory.make(tag: 2, rows: 1).0, to: other)
        scheduler.submit(factory.make(tag: 3, rows: 1).0, to: new)
        outcomes.wait(for: 3)
        XCTAssertEqual(outcomes.of(1).first?.rejection?.kind, .modelUnregistered)
        XCTAssertTrue(outcomes.of(2).first?.isOK == true)
        XCTAssertTrue(outcomes.of(3).first?.isOK == true)
    }

    func testHandleOfAnotherSchedulerIsRefusedWithoutTouchingItsQueues() {
        let first = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        let second = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { first.shutdown(); second.shutdown() }
        _ = first.register(model: GateModel(open: true), name: "a")
        let foreign = first.register(model: GateModel(open: true), name: "b")
        XCTAssertNil(second.submit(factory.make(tag: 1, rows: 1).0, to: foreign))
        XCTAssertEqual(outcomes.of(1).first?.rejection?.kind, .modelUnregistered)
        XCTAssertFalse(second.isRegistered(foreign))
        XCTAssertNil(second.metrics(for: foreign))
        second.unregister(foreign)
        XCTAssertTrue(first.isRegistered(foreign))
    }

    func testCancellingTheLastRequestOfAnUnregisteredQueueReleasesIt() {
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let gate = GateModel(open: true)
        let handle = scheduler.register(model: gate, name: "m@1")
        let blockingModel = GateModel(open: false)
        let blockerHandle = scheduler.register(model: blockingModel, name: "blocker")
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: blockerHandle)  // occupies the only worker
        blockingModel.waitForCalls(1)
        let token = CancellationToken()
        scheduler.submit(factory.make(tag: 1, rows: 1, cancellation: token).0, to: handle)
        scheduler.unregister(handle)
        XCTAssertTrue(scheduler.isRegistered(handle))
        token.cancel()
        XCTAssertTrue(outcomes.of(1).first?.isCancelled == true)
        XCTAssertFalse(scheduler.isRegistered(handle))
        blockingModel.open()
        outcomes.wait(for: 2)
        XCTAssertTrue(gate.calls.isEmpty)
    }

    func testUnregisteringAQueueHeldByItsBatchWindowRunsItsWorkWithoutWaiting() {
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let model = GateModel(open: true)
        // A 1-hour window: only unregistering (a drain) can make this batch run within the test.
        let handle = scheduler.register(model: model, name: "m@1", configuration: ModelQueueConfiguration(
            maxBatchRows: 64, maxQueueDelayNanoseconds: 3_600_000_000_000))
        scheduler.submit(factory.make(tag: 1, rows: 2).0, to: handle)
        scheduler.unregister(handle)
        outcomes.wait(for: 1)
        XCTAssertTrue(outcomes.of(1).first?.isOK == true)
        XCTAssertTrue(waitUntil { !scheduler.isRegistered(handle) })
    }
}
