@testable import ShopScheduler
import XCTest

/// Batching policy: work conservation, batching under contention, result routing,
/// splitting, fairness across models, the optional queue delay.
final class BatchingTests: XCTestCase {
    let outcomes = Outcomes()
    var factory: RequestFactory { RequestFactory(outcomes: outcomes) }

    func testIdleWorkerRunsASingleRequestImmediately() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(maxBatchRows: 64))
        let (request, buffers) = factory.make(tag: 1, rows: 3)
        XCTAssertNotNil(scheduler.submit(request, to: handle))
        // Nothing else is submitted, so the batch can only start if the worker does not wait for more.
        model.waitForCalls(1)
        XCTAssertEqual(model.calls.first?.rows, 3)
        model.open()
        outcomes.wait(for: 1)
        XCTAssertTrue(outcomes.of(1).first?.isOK == true)
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 1, rows: 3, buffers))
    }

    func testRequestsQueuedBehindABusyWorkerRunAsOneBatchWithResultsRoutedToEachCaller() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(maxBatchRows: 64))
        let (blocker, _) = factory.make(tag: 0, rows: 1)
        scheduler.submit(blocker, to: handle)
        model.waitForCalls(1)

        var buffers: [Int: RowBuffers] = [:]
        for tag in 1...5 {
            let (request, buffer) = factory.make(tag: tag, rows: tag)  // 1 + 2 + 3 + 4 + 5 = 15 rows
            buffers[tag] = buffer
            scheduler.submit(request, to: handle)
        }
        XCTAssertEqual(scheduler.metrics(for: handle)!.queuedRows, 15)
        XCTAssertEqual(scheduler.metrics(for: handle)!.queuedRequests, 5)
        model.open()
        outcomes.wait(for: 6)

        let calls = model.calls
        XCTAssertEqual(calls.count, 2)
        XCTAssertEqual(calls.last?.rows, 15)
        XCTAssertEqual(calls.last?.segments.map(\.tag), [1, 2, 3, 4, 5])
        for tag in 1...5 {
            XCTAssertTrue(outcomes.of(tag).count == 1 && outcomes.of(tag)[0].isOK)
            XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: tag, rows: tag, buffers[tag]!), "tag \(tag)")
        }
        let metrics = scheduler.metrics(for: handle)!
        XCTAssertEqual(metrics.batchRows.count, 2)
        XCTAssertEqual(metrics.batchRows.max, 15)
        XCTAssertEqual(metrics.completions[.ok], 6)
        XCTAssertEqual(metrics.queuedRows, 0)
    }

    func testBatchStopsAtMaxBatchRowsAndTheRestRunsNext() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 4, splitThresholdRows: .max))
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        var buffers: [RowBuffers] = []
        for tag in 1...3 {
            let (request, buffer) = factory.make(tag: tag, rows: 3)
            buffers.append(buffer)
            scheduler.submit(request, to: handle)
        }
        model.open()
        outcomes.wait(for: 4)
        XCTAssertEqual(model.calls.dropFirst().map(\.rows), [4, 4, 1])
        XCTAssertEqual(model.calls[1].segments, [.init(tag: 1, requestRowOffset: 0, rowCount: 3),
                                                 .init(tag: 2, requestRowOffset: 0, rowCount: 1)])
        for tag in 1...3 {
            XCTAssertEqual(outcomes.of(tag).count, 1)
            XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: tag, rows: 3, buffers[tag - 1]))
        }
    }

    func testLargeRequestIsSplitAcrossIdleWorkersAndCompletesOnce() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "rank",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 4096, splitThresholdRows: 512))
        let (request, buffers) = factory.make(tag: 7, rows: 2000)
        scheduler.submit(request, to: handle)
        model.waitForCalls(2)  // both workers inside the model at once
        let chunks = model.calls.flatMap(\.segments).sorted { $0.requestRowOffset < $1.requestRowOffset }
        XCTAssertEqual(chunks, [.init(tag: 7, requestRowOffset: 0, rowCount: 1000),
                                .init(tag: 7, requestRowOffset: 1000, rowCount: 1000)])
        XCTAssertEqual(outcomes.count, 0, "completion must wait for every chunk")
        model.open()
        outcomes.wait(for: 1)
        XCTAssertTrue(waitUntil { self.scheduler_live(scheduler, handle) == 0 })
        XCTAssertEqual(outcomes.of(7).count, 1)
        XCTAssertTrue(outcomes.of(7)[0].isOK)
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 7, rows: 2000, buffers))
    }

    func testQueuedWorkIsSharedWithIdleWorkersInsteadOfOneBigBatch() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 6400, splitThresholdRows: 512))
        scheduler.setPaused(true)  // queue all four before any worker looks
        var buffers: [RowBuffers] = []
        for tag in 1...4 {
            let (request, buffer) = factory.make(tag: tag, rows: 200)
            buffers.append(buffer)
            scheduler.submit(request, to: handle)
        }
        scheduler.setPaused(false)
        model.waitForCalls(2)  // both workers busy, two requests each
        XCTAssertEqual(model.calls.map(\.rows), [400, 400])
        XCTAssertEqual(Set(model.calls.flatMap { $0.segments.map(\.tag) }), [1, 2, 3, 4])
        model.open()
        outcomes.wait(for: 4)
        for tag in 1...4 { XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: tag, rows: 200, buffers[tag - 1])) }
    }

    func testRequestBelowSplitThresholdIsNotSplit() {
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 4096, splitThresholdRows: 512))
        let (request, buffers) = factory.make(tag: 1, rows: 500)
        scheduler.submit(request, to: handle)
        outcomes.wait(for: 1)
        XCTAssertEqual(model.calls.map(\.rows), [500])
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 1, rows: 500, buffers))
    }

    func testRequestLongerThanTheSplitMinimumIsSplitWhateverItsRows() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        defer { scheduler.shutdown() }
        // 1 µs per row assumed: 200 rows ≈ 200 µs ≥ the 100 µs minimum, though far below 512 rows.
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(
            maxBatchRows: 4096, splitThresholdRows: 512, splitMinimumNanoseconds: 100_000, initialNanosecondsPerRow: 1_000))
        let (request, buffers) = factory.make(tag: 3, rows: 200)
        scheduler.submit(request, to: handle)
        model.waitForCalls(2)  // both workers inside the model at once
        XCTAssertEqual(model.calls.map(\.rows).sorted(), [100, 100])
        model.open()
        outcomes.wait(for: 1)
        XCTAssertTrue(outcomes.of(3)[0].isOK)
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 3, rows: 200, buffers))
    }

    func testRequestShorterThanTheSplitMinimumIsNotSplit() {
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(
            maxBatchRows: 4096, splitThresholdRows: 512, splitMinimumNanoseconds: 100_000, initialNanosecondsPerRow: 1_000))
        let (request, buffers) = factory.make(tag: 1, rows: 50)  // ≈ 50 µs
        scheduler.submit(request, to: handle)
        outcomes.wait(for: 1)
        XCTAssertEqual(model.calls.map(\.rows), [50])
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 1, rows: 50, buffers))
    }

    func testModelsTakeTurnsWhenBothHaveWork() {
        let model = GateModel(open: false)  // one instance behind two queues: one log shows the order
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let one = ModelQueueConfiguration(maxBatchRows: 1)
        let a = scheduler.register(model: model, name: "a", configuration: one)
        let b = scheduler.register(model: model, name: "b", configuration: one)
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: a)
        model.waitForCalls(1)
        for tag in [1, 2, 3] { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: a) }
        for tag in [11, 12] { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: b) }
        model.open()
        outcomes.wait(for: 6)
        XCTAssertEqual(model.tagOrder, [0, 11, 1, 12, 2, 3])
        XCTAssertEqual(scheduler.metrics(for: b)!.completions[.ok], 2)
    }

    func testMaxQueueDelayHoldsABatchUntilItIsFull() {
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(
            maxBatchRows: 4, maxQueueDelayNanoseconds: 60_000_000_000))
        for tag in 1...4 { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: handle) }
        outcomes.wait(for: 4)
        XCTAssertEqual(model.calls.map(\.rows), [4])
    }

    func testModelErrorFailsEveryRequestInTheBatch() {
        struct Boom: Error {}
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        model.failure = Boom()
        scheduler.submit(factory.make(tag: 1, rows: 1).0, to: handle)
        scheduler.submit(factory.make(tag: 2, rows: 1).0, to: handle)
        model.open()
        outcomes.wait(for: 3)
        for tag in 0...2 {
            guard case .failed(let error)? = outcomes.of(tag).first else { return XCTFail("tag \(tag) did not fail") }
            XCTAssertTrue(error is Boom)
        }
        XCTAssertEqual(scheduler.metrics(for: handle)!.completions[.failed], 3)
    }

    private func scheduler_live(_ scheduler: BatchScheduler, _ handle: ModelHandle) -> Int {
        scheduler.metrics(for: handle)!.liveRequests
    }
}

/// Pinned workers still run work (pinning failures, e.g. in a restricted cpuset, are ignored).
final class PinnedWorkerTests: XCTestCase {
    func testPinnedWorkersComputeRequests() {
        let outcomes = Outcomes()
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2, pinWorkers: true))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        let (request, buffers) = RequestFactory(outcomes: outcomes).make(tag: 3, rows: 10)
        scheduler.submit(request, to: handle)
        outcomes.wait(for: 1)
        XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: 3, rows: 10, buffers))
    }
}
