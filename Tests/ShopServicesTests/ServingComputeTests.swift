import Foundation
import ShopModels
import ShopScheduler
@testable import ShopServices
import ShopWire
import Testing

/// `ServedModel.compute` through a test `ServerCall`: results on the owning thread, and the
/// deadline, priority, cancellation and failure paths as gRPC statuses.
@Suite struct ServingComputeTests {
    private func served(_ fixture: ServingFixture, scale: [Float] = [2, 3], batching: [String: Int] = [:]) throws
        -> ServedModel
    {
        try fixture.writeVersion(1, scale: scale, batching: batching)
        return try fixture.start().resolve(model: "scale", pinnedVersion: "")
    }

    @Test func rowsAreComputedAndDeliveredOnTheOwningThreadAfterComputeReturns() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        let result = ComputeResult()
        try served.compute(rows: 2, call: call, fill: fill([1, 2, 3, 4])) { result.record($0) }
        #expect(!result.delivered, "the completion runs later, from the call's executor")
        #expect(eventually(call) { result.delivered })
        #expect(result.floats == [2, 6, 6, 12])
    }

    @Test func digestRunsOnTheComputeWorkerAndTheCompletionOnTheOwningThread() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        let owner = pthread_self()
        let digestThread = Locked<pthread_t?>(nil)
        var delivered: Result<[Float], GRPCStatus>?
        var completionOnOwner = false
        try served.compute(rows: 2, call: call, fill: fill([1, 2, 3, 4]), digest: { output in
            digestThread.withLock { $0 = pthread_self() }
            return Array(output.bindMemory(to: Float.self)).sorted(by: >)
        }) { result in
            completionOnOwner = pthread_equal(pthread_self(), owner) != 0
            delivered = result
        }
        #expect(eventually(call) { delivered != nil })
        #expect(try delivered?.get() == [12, 6, 6, 2])
        #expect(completionOnOwner, "the completion runs from the call's executor")
        let worker = try #require(digestThread.withLock { $0 })
        #expect(pthread_equal(worker, owner) == 0, "the digest runs on the compute worker")
    }

    @Test func digestDoesNotRunForAFailedComputation() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        call.deadline = Deadline(uptimeNanoseconds: Deadline.now().uptimeNanoseconds - 1)
        let digests = Locked(0)
        var delivered: Result<Int, GRPCStatus>?
        try served.compute(rows: 1, call: call, fill: fill([1, 1]), digest: { _ in digests.withLock { $0 += 1; return $0 } }) {
            delivered = $0
        }
        #expect(eventually(call) { delivered != nil })
        #expect(throws: GRPCStatus.self) { try delivered?.get() }
        #expect(digests.withLock { $0 } == 0)
    }

    @Test func rowBuffersAreReusedAcrossCalls() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        for round in 0..<3 {
            let call = RecordingCall("test.Service", "M")
            let result = ComputeResult()
            try served.compute(rows: 1, call: call, fill: fill([Float(round), 1])) { result.record($0) }
            #expect(eventually(call) { result.delivered })
            #expect(result.floats == [Float(round) * 2, 3])
        }
        #expect(served.pooledBufferCount == 1, "sequential calls share one pooled buffer")
    }

    @Test func zeroRowsCompleteWithEmptyOutputWithoutTheScheduler() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        let result = ComputeResult()
        try served.compute(rows: 0, call: call, fill: { _ in }) { result.record($0) }
        #expect(eventually(call) { result.delivered })
        #expect(result.floats == [])
        #expect(fixture.gate.batchesEntered == 0)
    }

    @Test func passedDeadlineIsDeadlineExceeded() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        call.deadline = Deadline(uptimeNanoseconds: Deadline.now().uptimeNanoseconds - 1)
        let result = ComputeResult()
        try served.compute(rows: 1, call: call, fill: fill([1, 1])) { result.record($0) }
        #expect(eventually(call) { result.delivered })
        #expect(result.status?.code == .deadlineExceeded)
        #expect(fixture.gate.batchesEntered == 0)
    }

    @Test func priorityComesFromMetadataAndAnUnknownValueIsInvalidArgument() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        fixture.gate.close()
        let blocker = RecordingCall("test.Service", "M")
        try served.compute(rows: 1, call: blocker, fill: fill([1, 1])) { _ in }
        #expect(eventually { fixture.gate.batchesEntered == 1 })
        // Queued behind the running batch: a low request first, then a high one.
        var calls: [RecordingCall] = []
        let results = [ComputeResult(), ComputeResult()]
        for (index, (priority, value)) in [("low", Float(10)), ("HIGH", Float(20))].enumerated() {
            let call = RecordingCall("test.Service", "M")
            call.requestMetadata.add("x-priority", priority)
            try served.compute(rows: 1, call: call, fill: fill([value, 1])) { results[index].record($0) }
            calls.append(call)
        }
        fixture.gate.release()
        #expect(eventually { calls.forEach { $0.queue.drain() }; return results.allSatisfy(\.delivered) })
        #expect(fixture.gate.rowsSeen == [1, 20, 10], "high before low")

        let bad = RecordingCall("test.Service", "M")
        bad.requestMetadata.add("x-priority", "urgent")
        let error = #expect(throws: GRPCStatus.self) { try served.compute(rows: 1, call: bad, fill: { _ in }) { _ in } }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "x-priority must be 'high' or 'low', got 'urgent'")
    }

    @Test func cancellingTheCallRemovesItsQueuedRequestAndSkipsTheCompletion() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        fixture.gate.close()
        let blocker = RecordingCall("test.Service", "M")
        let blockerResult = ComputeResult()
        try served.compute(rows: 1, call: blocker, fill: fill([1, 1])) { blockerResult.record($0) }
        #expect(eventually { fixture.gate.batchesEntered == 1 })

        let call = RecordingCall("test.Service", "M")
        var completed = false
        try served.compute(rows: 1, call: call, fill: fill([5, 5])) { _ in completed = true }
        call.isCancelled = true
        served.cancelComputations()
        let metrics = { fixture.serving.scheduler.metricsSnapshot().first }
        #expect(metrics()?.queuedRequests == 0, "the cancelled request left the queue at once")
        #expect(metrics()?.completions[.cancelled] == 1)
        fixture.gate.release()
        #expect(eventually(blocker) { blockerResult.delivered })
        call.queue.drain()
        #expect(!completed)
        #expect(fixture.gate.batchesEntered == 1, "the cancelled request was never computed")
    }

    @Test func fullQueueIsResourceExhaustedWithTheReason() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture, batching: ["max_queued_requests": 1])
        fixture.gate.close()
        defer { fixture.gate.release() }
        let running = RecordingCall("test.Service", "M")
        try served.compute(rows: 1, call: running, fill: fill([1, 1])) { _ in }
        #expect(eventually { fixture.gate.batchesEntered == 1 })
        let queued = RecordingCall("test.Service", "M")
        try served.compute(rows: 1, call: queued, fill: fill([1, 1])) { _ in }
        let refused = RecordingCall("test.Service", "M")
        let result = ComputeResult()
        try served.compute(rows: 1, call: refused, fill: fill([1, 1])) { result.record($0) }
        #expect(eventually(refused) { result.delivered })
        #expect(result.status?.code == .resourceExhausted)
        #expect(result.status?.message == "model 'scale@1' queue is full: more than 1 requests queued; retry later")
    }

    @Test func modelErrorIsInternal() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        let result = ComputeResult()
        try served.compute(rows: 1, call: call, fill: fill([.nan, 1])) { result.record($0) }
        #expect(eventually(call) { result.delivered })
        #expect(result.status?.code == .internal)
        #expect(result.status?.message == "model 'scale@1' failed: NaN in input row")
    }

    @Test func fillErrorIsRethrownAndNothingIsSubmitted() throws {
        let fixture = try ServingFixture()
        let served = try served(fixture)
        let call = RecordingCall("test.Service", "M")
        let error = #expect(throws: GRPCStatus.self) {
            try served.compute(rows: 1, call: call, fill: { _ in throw GRPCStatus(.invalidArgument, "unknown item") }) { _ in }
        }
        #expect(error?.message == "unknown item")
        #expect(fixture.serving.scheduler.metricsSnapshot().first?.completions[.ok] == 0)
    }
}
