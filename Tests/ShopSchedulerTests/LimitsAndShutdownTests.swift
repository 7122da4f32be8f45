import Foundation
@testable import ShopScheduler
import XCTest

/// Bounded queues, bounded memory under a flood, shutdown, invalid requests.
final class LimitsAndShutdownTests: XCTestCase {
    let outcomes = Outcomes()
    var factory: RequestFactory { RequestFactory(outcomes: outcomes) }

    func testFullQueueRejectsAtOnceByRowsAndByRequests() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { model.open(); scheduler.shutdown(.cancelQueued) }
        let handle = scheduler.register(model: model, name: "rank@1", configuration: ModelQueueConfiguration(
            maxQueuedRows: 10, maxQueuedRequests: 3))
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)

        XCTAssertNotNil(scheduler.submit(factory.make(tag: 1, rows: 6).0, to: handle))
        XCTAssertNil(scheduler.submit(factory.make(tag: 2, rows: 5).0, to: handle))
        XCTAssertEqual(outcomes.of(2).first?.rejection, .queueFullRows(model: "rank@1", limit: 10))
        XCTAssertEqual(outcomes.of(2).first?.rejection?.message,
                       "model 'rank@1' queue is full: more than 10 rows queued; retry later")

        XCTAssertNotNil(scheduler.submit(factory.make(tag: 3, rows: 1).0, to: handle))
        XCTAssertNotNil(scheduler.submit(factory.make(tag: 4, rows: 1).0, to: handle))
        XCTAssertNil(scheduler.submit(factory.make(tag: 5, rows: 1).0, to: handle))
        XCTAssertEqual(outcomes.of(5).first?.rejection, .queueFullRequests(model: "rank@1", limit: 3))

        XCTAssertNil(scheduler.submit(factory.make(tag: 6, rows: 11).0, to: handle))
        XCTAssertEqual(outcomes.of(6).first?.rejection, .requestTooLarge(model: "rank@1", rows: 11, limit: 10))

        let metrics = scheduler.metrics(for: handle)!
        XCTAssertEqual(metrics.rejections[.queueFullRows], 1)
        XCTAssertEqual(metrics.rejections[.queueFullRequests], 1)
        XCTAssertEqual(metrics.rejections[.requestTooLarge], 1)
        XCTAssertEqual(metrics.queuedRequests, 3)
        XCTAssertEqual(metrics.queuedRows, 8)
    }

    func testInvalidRequestsAreRejectedWithAReason() {
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        defer { scheduler.shutdown() }
        let handle = scheduler.register(model: model, name: "m")
        var request = factory.make(tag: 1, rows: 2).0
        request.rows = 3  // more than the buffers hold
        XCTAssertNil(scheduler.submit(request, to: handle))
        request.rows = 0
        XCTAssertNil(scheduler.submit(request, to: handle))
        let wrongShape = ComputeRequest(rows: 1, buffers: RowBuffers(rows: 1, inputRowBytes: 8, outputRowBytes: 4)) {
            self.outcomes.record(2, $0)
        }
        XCTAssertNil(scheduler.submit(wrongShape, to: handle))
        XCTAssertEqual(outcomes.of(1).compactMap(\.rejection?.kind), [.invalidRequest, .invalidRequest])
        XCTAssertEqual(outcomes.of(2).first?.rejection?.kind, .invalidRequest)
        XCTAssertTrue(model.calls.isEmpty)
    }

    func testMemoryStaysBoundedUnderAFlood() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(
            maxQueuedRequests: 100))
        scheduler.submit(factory.make(tag: 0, rows: 1).0, to: handle)
        model.waitForCalls(1)
        // 50 waves of 500 submissions against a 100-request queue; each wave's queued requests
        // are then cancelled, leaving stale heap entries behind for lazy deletion to reclaim.
        var peakRecords = 0
        var peakHeapEntries = 0
        for wave in 0..<50 {
            var tokens: [CancellationToken] = []
            for index in 0..<500 {
                let token = CancellationToken()
                tokens.append(token)
                scheduler.submit(factory.make(tag: 1 + wave * 1000 + index, rows: 1, cancellation: token).0, to: handle)
            }
            XCTAssertEqual(scheduler.metrics(for: handle)!.liveRequests, 101)
            for token in tokens { token.cancel() }
            let footprint = scheduler.storageFootprint(for: handle)!
            peakRecords = max(peakRecords, footprint.records)
            peakHeapEntries = max(peakHeapEntries, footprint.heapEntries)
        }
        XCTAssertLessThanOrEqual(peakRecords, 101)
        XCTAssertLessThanOrEqual(peakHeapEntries, 2 * 100 + 64)
        let metrics = scheduler.metrics(for: handle)!
        XCTAssertEqual(metrics.liveRequests, 1)
        XCTAssertEqual(metrics.rejections[.queueFullRequests], 50 * 400)
        XCTAssertEqual(metrics.completions[.cancelled], 50 * 100)
        model.open()
        scheduler.shutdown()
        XCTAssertEqual(scheduler.metrics(for: handle)!.liveRequests, 0)
    }

    func testShutdownDrainsQueuedWorkAndThenRejects() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(maxBatchRows: 1))
        for tag in 0...3 { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: handle) }
        model.waitForCalls(1)
        let stopped = expectation(description: "shutdown returned")
        Thread.detachNewThread {
            scheduler.shutdown(.drain)
            stopped.fulfill()
        }
        XCTAssertTrue(waitUntil { !scheduler.isAcceptingWork })
        XCTAssertNil(scheduler.submit(factory.make(tag: 9, rows: 1).0, to: handle))
        XCTAssertEqual(outcomes.of(9).first?.rejection, .shuttingDown(model: "m"))
        model.open()
        wait(for: [stopped], timeout: 30)
        XCTAssertEqual((0...3).map { outcomes.of($0).first?.isOK }, [true, true, true, true])
        XCTAssertEqual(model.tagOrder, [0, 1, 2, 3])
    }

    func testShutdownCanCancelQueuedWork() {
        let model = GateModel(open: false)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 1))
        let handle = scheduler.register(model: model, name: "m", configuration: ModelQueueConfiguration(maxBatchRows: 1))
        for tag in 0...3 { scheduler.submit(factory.make(tag: tag, rows: 1).0, to: handle) }
        model.waitForCalls(1)
        let stopped = expectation(description: "shutdown returned")
        Thread.detachNewThread {
            scheduler.shutdown(.cancelQueued)
            stopped.fulfill()
        }
        outcomes.wait(for: 3)  // the queued ones, while the running batch is still blocked
        XCTAssertEqual((1...3).map { outcomes.of($0).first?.isCancelled }, [true, true, true])
        model.open()
        wait(for: [stopped], timeout: 30)
        XCTAssertTrue(outcomes.of(0).first?.isOK == true)
        XCTAssertEqual(model.tagOrder, [0])
        XCTAssertEqual(scheduler.metrics(for: handle)!.liveRequests, 0)
    }

    func testHistogramBucketsAndQuantiles() {
        var histogram = FixedBucketHistogram.exponential(first: 1, buckets: 4)  // 1, 2, 4, 8, overflow
        for value: UInt64 in [1, 2, 3, 3, 7, 100] { histogram.record(value) }
        XCTAssertEqual(histogram.counts, [1, 1, 2, 1, 1])
        XCTAssertEqual(histogram.count, 6)
        XCTAssertEqual(histogram.sum, 116)
        XCTAssertEqual(histogram.quantileUpperBound(0.5), 4)
        XCTAssertEqual(histogram.quantileUpperBound(1), 100)
    }
}
