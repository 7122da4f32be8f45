import Foundation
import ShopScheduler
import XCTest

/// Identifies a request inside the batches a `GateModel` saw (passed as the request context).
final class Tag {
    let id: Int
    init(_ id: Int) { self.id = id }
}

/// A model the test controls: it records every batch it is given and, while its gate is
/// closed, blocks inside `run` until the test opens it. Output row = input row × 2 + 1
/// (one Float per row), so every request's results are checkable.
final class GateModel: BatchModel, @unchecked Sendable {
    struct Segment: Equatable {
        var tag: Int
        var requestRowOffset: Int
        var rowCount: Int
    }
    struct Call {
        var rows: Int
        var segments: [Segment]
    }

    let inputRowBytes = MemoryLayout<Float>.size
    let outputRowBytes = MemoryLayout<Float>.size
    private let condition = NSCondition()
    private var gateOpen: Bool
    private var recorded: [Call] = []
    var failure: Error?

    init(open: Bool) { gateOpen = open }

    var calls: [Call] { condition.withLock { recorded } }

    /// Tags in the order their segments reached the model.
    var tagOrder: [Int] { calls.flatMap { $0.segments.map(\.tag) } }

    func open() {
        condition.withLock {
            gateOpen = true
            condition.broadcast()
        }
    }

    /// Waits (bounded) until `run` has been entered `count` times.
    func waitForCalls(_ count: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(waitUntil { self.calls.count >= count }, "model entered \(calls.count) times, expected \(count)",
                      file: file, line: line)
    }

    func run(_ batch: ModelBatch) throws {
        let segments = batch.segments.map {
            Segment(tag: ($0.context as? Tag)?.id ?? -1, requestRowOffset: $0.requestRowOffset, rowCount: $0.rowCount)
        }
        condition.withLock {
            recorded.append(Call(rows: batch.rows, segments: segments))
            condition.broadcast()
            let giveUp = Date().addingTimeInterval(30)
            while !gateOpen, Date() < giveUp { _ = condition.wait(until: giveUp) }
        }
        if let failure { throw failure }
        let input = batch.input.bindMemory(to: Float.self)
        let output = batch.output.bindMemory(to: Float.self)
        for row in 0..<batch.rows { output[row] = input[row] * 2 + 1 }
    }
}

/// Collects outcomes per tag from completions on any thread.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Int: [ComputeOutcome]] = [:]
    private var order: [Int] = []

    func record(_ tag: Int, _ outcome: ComputeOutcome) {
        lock.withLock {
            outcomes[tag, default: []].append(outcome)
            order.append(tag)
        }
    }

    func of(_ tag: Int) -> [ComputeOutcome] { lock.withLock { outcomes[tag] ?? [] } }
    var count: Int { lock.withLock { order.count } }
    /// Tags in the order their completions ran.
    var completionOrder: [Int] { lock.withLock { order } }

    /// Waits (bounded) until `count` completions arrived.
    func wait(for count: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(waitUntil { self.count >= count }, "\(self.count) completions, expected \(count)",
                      file: file, line: line)
    }
}

/// A clock the test moves by hand (nanoseconds).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 1_000_000_000

    var now: UInt64 { lock.withLock { value } }
    func advance(by nanoseconds: UInt64) { lock.withLock { value += nanoseconds } }
}

/// Polls `condition` every millisecond for at most `seconds`; true once it holds.
func waitUntil(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let giveUp = Date().addingTimeInterval(seconds)
    while Date() < giveUp {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// Builds requests whose rows carry distinct values: row `i` of tag `t` is `t·10000 + i`.
struct RequestFactory {
    let outcomes: Outcomes

    func make(tag: Int, rows: Int, deadline: MonotonicDeadline = .never, priority: RequestPriority = .high,
              cancellation: CancellationToken? = nil) -> (ComputeRequest, RowBuffers) {
        let buffers = RowBuffers(rows: rows, inputRowBytes: 4, outputRowBytes: 4)
        let input = buffers.inputPointer(as: Float.self)
        for row in 0..<rows { input[row] = Float(tag * 10000 + row) }
        let outcomes = self.outcomes
        let request = ComputeRequest(rows: rows, buffers: buffers, deadline: deadline, priority: priority,
                                     cancellation: cancellation, context: Tag(tag)) { outcomes.record(tag, $0) }
        return (request, buffers)
    }

    /// True when every output row of `buffers` is its input × 2 + 1.
    static func resultsAreCorrect(tag: Int, rows: Int, _ buffers: RowBuffers) -> Bool {
        let output = buffers.outputPointer(as: Float.self)
        return (0..<rows).allSatisfy { output[$0] == Float(tag * 10000 + $0) * 2 + 1 }
    }
}

extension ComputeOutcome {
    var isOK: Bool { if case .ok = self { return true } else { return false } }
    var isDeadlineExceeded: Bool { if case .deadlineExceeded = self { return true } else { return false } }
    var isCancelled: Bool { if case .cancelled = self { return true } else { return false } }
    var rejection: RejectionReason? { if case let .rejected(reason) = self { return reason } else { return nil } }
}
