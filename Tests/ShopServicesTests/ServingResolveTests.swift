import Foundation
import ShopModels
import ShopScheduler
@testable import ShopServices
import ShopWire
import Testing

/// `ModelServing`: which version serves a call, with which status when none can, and how the
/// served set (and its scheduler queues) follow the repository.
@Suite struct ServingResolveTests {
    @Test func newestVersionServesUnpinnedCallsAndAPinChoosesAnother() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [1, 1])
        try fixture.writeVersion(2, scale: [2, 2])
        let serving = try fixture.start()
        #expect(serving.isLoaded("scale"))
        #expect(serving.servedVersions(of: "scale") == [2])  // default policy: newest only
        let served = try serving.resolve(model: "scale", pinnedVersion: "")
        #expect(served.version == 2)
        #expect(served.name == "scale")
        #expect(served.queueName == "scale@2")
        #expect(served.isBatched)
        #expect(served.inputRowBytes == 8 && served.outputRowBytes == 8)
        #expect(try served.model(as: ScaleModel.self).scale.elements == [2, 2])
        #expect(try serving.resolve(model: "scale", pinnedVersion: "2").version == 2)
        #expect(serving.scheduler.metricsSnapshot().map(\.model) == ["scale@2"])
    }

    @Test func unservedPinIsNotFoundNamingTheServedVersions() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(3, scale: [1])
        let serving = try fixture.start()
        let error = #expect(throws: GRPCStatus.self) { try serving.resolve(model: "scale", pinnedVersion: "7") }
        #expect(error?.code == .notFound)
        #expect(error?.message == "model 'scale' version 7 is not served (served: 3)")
    }

    @Test func malformedPinIsInvalidArgument() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [1])
        let serving = try fixture.start()
        for pin in ["v1", "01", "-1", " 1"] {
            let error = #expect(throws: GRPCStatus.self) { try serving.resolve(model: "scale", pinnedVersion: pin) }
            #expect(error?.code == .invalidArgument, "pin '\(pin)'")
        }
    }

    @Test func modelWithoutServedVersionIsUnavailable() throws {
        let fixture = try ServingFixture()
        let serving = try fixture.start()
        for pin in ["", "1"] {
            let error = #expect(throws: GRPCStatus.self) { try serving.resolve(model: "rank", pinnedVersion: pin) }
            #expect(error?.code == .unavailable)
            #expect(error?.message == "model 'rank' is not loaded")
        }
        #expect(!serving.isLoaded("rank"))
    }

    @Test func modelOfAnotherKindIsServedButItsCastAndComputeAreInternalErrors() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, model: "table", scale: [1, 2], kind: TensorBundle.kind)
        let serving = try fixture.start()
        let served = try serving.resolve(model: "table", pinnedVersion: "")
        #expect(!served.isBatched)
        #expect(serving.scheduler.metricsSnapshot().isEmpty, "a model that does not batch gets no queue")
        #expect(served.servable is TensorBundle)
        #expect((try? served.model(as: ScaleModel.self)) == nil)
        let call = RecordingCall("test.Service", "M")
        let error = #expect(throws: GRPCStatus.self) {
            try served.compute(rows: 1, call: call, fill: { _ in }) { _ in }
        }
        #expect(error?.code == .internal)
    }

    @Test func queueSettingsComeFromConfigBatchingOverServerDefaults() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [1], batching: [
            "max_batch_rows": 8, "max_queue_delay_us": 250, "max_queued_rows": 100, "max_queued_requests": 5,
        ])
        let serving = try fixture.start()
        let loaded = try serving.repository.model(named: "scale")
        let defaults = ModelQueueConfiguration(splitThresholdRows: 33, maxQueuedRows: 1_000)
        let settings = QueueSettings.configuration(for: loaded, defaults: defaults)
        #expect(settings.maxBatchRows == 8)
        #expect(settings.maxQueueDelayNanoseconds == 250_000)
        #expect(settings.maxQueuedRows == 100)
        #expect(settings.maxQueuedRequests == 5)
        #expect(settings.splitThresholdRows == 33)
    }

    @Test func servedSetFollowsReloadsAndCallsOnChange() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [1])
        let serving = try fixture.start()
        #expect(fixture.changes.withLock { $0 } == 0)
        try fixture.writeVersion(2, scale: [2])
        serving.reload()
        #expect(serving.servedVersions(of: "scale") == [2])
        #expect(fixture.changes.withLock { $0 } == 1)
        #expect(serving.scheduler.metricsSnapshot().map(\.model) == ["scale@2"], "scale@1 was idle: released at once")

        try fixture.removeVersion(2)
        try fixture.removeVersion(1)
        serving.reload()
        #expect(!serving.isLoaded("scale"))
        #expect(fixture.changes.withLock { $0 } == 2)
        #expect(serving.scheduler.metricsSnapshot().isEmpty)
        serving.reload()
        #expect(fixture.changes.withLock { $0 } == 2, "a reload that changes nothing does not call onChange")
    }
}
