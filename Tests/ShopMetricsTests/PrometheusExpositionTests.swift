import ShopScheduler
import XCTest
@testable import ShopMetrics

/// Doubles each Float32 input row: a real model for the scheduler, so that the metrics come
/// from real batches.
private final class DoublingModel: BatchModel, @unchecked Sendable {
    var inputRowBytes: Int { 4 }
    var outputRowBytes: Int { 4 }
    func run(_ batch: ModelBatch) throws {
        let input = batch.input.bindMemory(to: Float.self), output = batch.output.bindMemory(to: Float.self)
        for row in 0..<batch.rows { output[row] = input[row] * 2 }
    }
}

final class PrometheusExpositionTests: XCTestCase {
    /// Runs `requests` requests of `rows` rows through a real scheduler, plus one refused for
    /// being larger than the queue, and returns the scheduler (still running).
    private func schedulerAfterTraffic(requests: Int, rows: Int) -> (BatchScheduler, ModelHandle) {
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        let handle = scheduler.register(model: DoublingModel(), name: "rank@3",
                                        configuration: ModelQueueConfiguration(maxBatchRows: 64, maxQueuedRows: 1000))
        let done = DispatchGroup()
        for _ in 0..<requests {
            done.enter()
            scheduler.submit(ComputeRequest(rows: rows, buffers: RowBuffers(rows: rows, inputRowBytes: 4, outputRowBytes: 4)) { _ in done.leave() },
                             to: handle)
        }
        done.enter()
        scheduler.submit(ComputeRequest(rows: 1001, buffers: RowBuffers(rows: 1001, inputRowBytes: 4, outputRowBytes: 4)) { _ in done.leave() },
                         to: handle)
        done.wait()
        return (scheduler, handle)
    }

    /// Samples of the rendered text as `name{labels}` → value.
    private func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            XCTAssertEqual(parts.count, 2, "malformed sample line \(line)")
            result[String(parts[0])] = Double(parts[1].replacingOccurrences(of: "+Inf", with: "inf"))
        }
        return result
    }

    func testCountersAndHistogramsReflectTheTraffic() {
        let (scheduler, handle) = schedulerAfterTraffic(requests: 40, rows: 3)
        defer { scheduler.shutdown() }
        let snapshot = scheduler.metrics(for: handle)!
        let text = PrometheusExposition.render(models: scheduler.metricsSnapshot())
        let values = samples(text)
        let labels = #"model="rank",version="3""#
        XCTAssertEqual(values["shopserve_scheduler_requests_total{\(labels),outcome=\"ok\"}"], 40)
        XCTAssertEqual(values["shopserve_scheduler_requests_total{\(labels),outcome=\"rejected\"}"], 1)
        XCTAssertEqual(values["shopserve_scheduler_rejections_total{\(labels),reason=\"request_too_large\"}"], 1)
        XCTAssertEqual(values["shopserve_scheduler_rejections_total{\(labels),reason=\"queue_full_rows\"}"], 0)
        XCTAssertEqual(values["shopserve_scheduler_queued_rows{\(labels)}"], 0)
        // Every row computed once: the batch-rows histogram sums to 40 × 3 rows.
        XCTAssertEqual(values["shopserve_scheduler_batch_rows_sum{\(labels)}"], 120)
        let batches = Double(snapshot.batchRows.count)
        XCTAssertGreaterThan(batches, 0)
        XCTAssertEqual(values["shopserve_scheduler_batch_rows_count{\(labels)}"], batches)
        XCTAssertEqual(values["shopserve_scheduler_compute_seconds_count{\(labels)}"], batches)
        XCTAssertEqual(values["shopserve_scheduler_queue_wait_seconds_count{\(labels)}"], 40)
        // Buckets are cumulative and end at the count.
        for family in ["batch_rows", "compute_seconds", "queue_wait_seconds"] {
            let prefix = "shopserve_scheduler_\(family)_bucket{\(labels),le=\""
            let buckets = text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            let counts = buckets.map { Double($0.split(separator: " ")[1])! }
            XCTAssertEqual(counts, counts.sorted(), "\(family) buckets must be cumulative")
            XCTAssertTrue(buckets.last!.hasPrefix(prefix + "+Inf\""))
            XCTAssertEqual(counts.last, values["shopserve_scheduler_\(family)_count{\(labels)}"])
        }
        XCTAssertTrue(text.contains("shopserve_scheduler_queue_wait_seconds_bucket{\(labels),le=\"1e-06\"}"), "bounds are in seconds")
        XCTAssertTrue(text.contains("# TYPE shopserve_scheduler_requests_total counter\n"))
    }

    func testQueueNamesBecomeModelAndVersionLabels() {
        XCTAssertEqual(PrometheusExposition.labels(forQueue: "image_search@12").map { "\($0.0)=\($0.1)" },
                       ["model=image_search", "version=12"])
        XCTAssertEqual(PrometheusExposition.labels(forQueue: "plain").map { "\($0.0)=\($0.1)" }, ["model=plain", "version="])
    }

    func testLabelValuesAndNumbersAreEscapedAndFormatted() {
        XCTAssertEqual(PrometheusExposition.escape("a\"b\\c\nd"), #"a\"b\\c\nd"#)
        XCTAssertEqual(PrometheusExposition.number(3), "3")
        XCTAssertEqual(PrometheusExposition.number(0.25), "0.25")
        XCTAssertEqual(PrometheusExposition.number(.infinity), "+Inf")
        XCTAssertEqual(PrometheusExposition.number(1e-6), "1e-06")
    }
}
