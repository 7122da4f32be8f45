import Foundation
import ShopScheduler
import XCTest

/// Many submitters, two models, random sizes, priorities and cancellations: every request
/// completes exactly once and every computed request gets its own rows back.
final class ConcurrencyTests: XCTestCase {
    func testConcurrentSubmittersGetExactlyOneCompletionAndTheirOwnRows() {
        let outcomes = Outcomes()
        let factory = RequestFactory(outcomes: outcomes)
        let model = GateModel(open: true)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: 2))
        let small = ModelQueueConfiguration(maxBatchRows: 64, splitThresholdRows: 40, maxQueuedRows: 100_000)
        let handles = [scheduler.register(model: model, name: "a", configuration: small),
                       scheduler.register(model: model, name: "b", configuration: small)]
        let submitters = 4
        let perSubmitter = 300
        let buffers = BufferRegistry()
        let group = DispatchGroup()
        for submitter in 0..<submitters {
            group.enter()
            Thread.detachNewThread {
                var generator = SystemRandomNumberGenerator()
                for index in 0..<perSubmitter {
                    let tag = submitter * perSubmitter + index
                    let rows = Int.random(in: 1...100, using: &generator)
                    let token = CancellationToken()
                    let (request, buffer) = factory.make(tag: tag, rows: rows,
                                                         priority: Bool.random() ? .high : .low, cancellation: token)
                    buffers.add(tag, buffer, rows)
                    scheduler.submit(request, to: handles[tag % 2])
                    if Int.random(in: 0..<10, using: &generator) == 0 { token.cancel() }
                }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        outcomes.wait(for: submitters * perSubmitter)
        scheduler.shutdown()
        var computed = 0
        for tag in 0..<(submitters * perSubmitter) {
            let results = outcomes.of(tag)
            XCTAssertEqual(results.count, 1, "tag \(tag)")
            guard let outcome = results.first else { continue }
            XCTAssertTrue(outcome.isOK || outcome.isCancelled, "tag \(tag): \(outcome)")
            if outcome.isOK {
                computed += 1
                let (buffer, rows) = buffers.get(tag)
                XCTAssertTrue(RequestFactory.resultsAreCorrect(tag: tag, rows: rows, buffer), "tag \(tag)")
            }
        }
        XCTAssertGreaterThan(computed, 0)
        for handle in handles { XCTAssertEqual(scheduler.metrics(for: handle)!.liveRequests, 0) }
    }
}

/// Request buffers by tag, shared by the submitter threads.
private final class BufferRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var buffers: [Int: (RowBuffers, Int)] = [:]

    func add(_ tag: Int, _ buffer: RowBuffers, _ rows: Int) { lock.withLock { buffers[tag] = (buffer, rows) } }
    func get(_ tag: Int) -> (RowBuffers, Int) { lock.withLock { buffers[tag]! } }
}
