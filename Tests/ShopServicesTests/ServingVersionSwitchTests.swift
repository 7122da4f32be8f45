import Foundation
import ShopModels
import ShopScheduler
@testable import ShopServices
import ShopWire
import Testing

/// A new version while requests are in flight: they finish on the version they resolved, new
/// calls get the new one, and the old version's queue and mapping are released afterwards.
@Suite struct ServingVersionSwitchTests {
    @Test func inFlightRequestsFinishOnTheOldVersionAndNewCallsGetTheNewOne() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [2])
        let serving = try fixture.start(workers: 2)
        weak var oldVersion: LoadedModelVersion?
        var calls: [RecordingCall] = []
        var results: [ComputeResult] = []
        func submit(_ served: ServedModel, _ value: Float) throws {
            let call = RecordingCall("test.Service", "M")
            let result = ComputeResult()
            try served.compute(rows: 1, call: call, fill: fill([value])) { result.record($0) }
            calls.append(call)
            results.append(result)
        }
        fixture.gate.close()
        do {
            let onOld = try serving.resolve(model: "scale", pinnedVersion: "")
            oldVersion = onOld.loaded
            try submit(onOld, 1)  // running
            try submit(onOld, 2)  // running on the second worker, or queued
            #expect(eventually { fixture.gate.batchesEntered >= 1 })

            try fixture.writeVersion(2, scale: [10])
            serving.reload()
            #expect(serving.servedVersions(of: "scale") == [2])
            let onNew = try serving.resolve(model: "scale", pinnedVersion: "")
            #expect(onNew.version == 2)
            try submit(onNew, 3)
            // A lease taken before the switch can no longer submit to the retired queue.
            let late = RecordingCall("test.Service", "M")
            let lateResult = ComputeResult()
            try onOld.compute(rows: 1, call: late, fill: fill([4])) { lateResult.record($0) }
            #expect(eventually(late) { lateResult.delivered })
            #expect(lateResult.status?.code == .unavailable)
            #expect(lateResult.status?.message.contains("no longer served") == true)
        }
        fixture.gate.release()
        #expect(eventually { calls.forEach { $0.queue.drain() }; return results.allSatisfy(\.delivered) })
        #expect(results.map(\.floats) == [[2], [4], [30]])
        #expect(eventually { serving.scheduler.metricsSnapshot().map(\.model) == ["scale@2"] })
        calls.removeAll()
        #expect(oldVersion == nil, "the old version is unmapped once its last call let go")
    }

    @Test func pinnedOlderVersionIsServedWhileThePolicyKeepsIt() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [2])
        try fixture.writeVersion(2, scale: [3])
        let serving = try ModelServing.open(root: fixture.root, registry: fixture.registry,
                                            repository: .init(defaultPolicy: .latest(2)),
                                            scheduler: SchedulerConfiguration(workerCount: 1))
        defer { serving.shutdown() }
        #expect(serving.scheduler.metricsSnapshot().map(\.model).sorted() == ["scale@1", "scale@2"])
        for (pin, expected) in [("1", Float(2)), ("2", 3), ("", 3)] {
            let served = try serving.resolve(model: "scale", pinnedVersion: pin)
            let call = RecordingCall("test.Service", "M")
            let result = ComputeResult()
            try served.compute(rows: 1, call: call, fill: fill([1])) { result.record($0) }
            #expect(eventually(call) { result.delivered })
            #expect(result.floats == [expected], "pin '\(pin)'")
        }
    }
}
