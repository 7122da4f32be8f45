import Foundation
import ShopModels
import ShopScheduler
@testable import ShopServices
import ShopWire

/// Blocks `ScaleModel.run` while closed, so tests can hold batches in flight.
final class ComputeGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var open: Bool
    private var entered = 0

    init(open: Bool = true) { self.open = open }

    func close() { condition.withLock { open = false } }
    func release() {
        condition.withLock {
            open = true
            condition.broadcast()
        }
    }

    private var firstValues: [Float] = []

    /// Batches that have entered `run` so far.
    var batchesEntered: Int { condition.withLock { entered } }
    /// The first input value of every row computed, in batch order.
    var rowsSeen: [Float] { condition.withLock { firstValues } }

    func pass(rows: [Float]) {
        condition.withLock {
            entered += 1
            firstValues += rows
            let giveUp = Date().addingTimeInterval(30)
            while !open, Date() < giveUp { _ = condition.wait(until: giveUp) }
        }
    }
}

/// The test model kind `test.scale`: a real `BatchModel` whose weights are one F32 tensor
/// `scale` of shape [width] read from the version's model.safetensors; output row =
/// input row × scale (element-wise). A NaN input makes it throw (the "model failed" path).
final class ScaleModel: ServableModel, BatchModel, @unchecked Sendable {
    static let kind = "test.scale"
    struct NaNInput: Error, CustomStringConvertible { var description: String { "NaN in input row" } }

    let scale: TensorView<Float>
    let gate: ComputeGate
    var width: Int { scale.count }
    var inputRowBytes: Int { width * 4 }
    var outputRowBytes: Int { width * 4 }

    init(context: ModelLoadContext, gate: ComputeGate) throws {
        scale = try context.tensors.tensor("scale", as: Float.self)
        self.gate = gate
    }

    func run(_ batch: ModelBatch) throws {
        let input = batch.input.bindMemory(to: Float.self)
        gate.pass(rows: (0..<batch.rows).map { input[$0 * width] })
        let output = batch.output.bindMemory(to: Float.self)
        for i in 0..<(batch.rows * width) {
            if input[i].isNaN { throw NaNInput() }
            output[i] = input[i] * scale[i % width]
        }
    }
}

/// A temporary model repository on disk, served through a real `ModelServing`.
final class ServingFixture {
    let root: String
    let gate = ComputeGate()
    let registry = ModelKindRegistry()
    private(set) var serving: ModelServing!
    /// How often `onChange` ran.
    let changes = Locked(0)

    init(workers: Int = 1) throws {
        root = NSTemporaryDirectory() + "serving-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let gate = self.gate
        registry.register(kind: ScaleModel.kind) { try ScaleModel(context: $0, gate: gate) }
    }

    /// Writes `root/model/version` with a `scale` tensor and `batching` keys, in one rename.
    func writeVersion(_ version: Int, model: String = "scale", scale: [Float], kind: String = ScaleModel.kind,
                      batching: [String: Int] = [:]) throws {
        let staging = "\(root)/\(model)/\(version).staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var writer = SafetensorsWriter()
        writer.add("scale", scale, shape: [scale.count])
        try writer.write(to: staging + "/model.safetensors")
        let batchingJSON = batching.map { "\"\($0.key)\": \($0.value)" }.sorted().joined(separator: ", ")
        let config = "{\"schema_version\": 1, \"kind\": \"\(kind)\", \"batching\": {\(batchingJSON)}}"
        try Data(config.utf8).write(to: URL(fileURLWithPath: staging + "/config.json"))
        try FileManager.default.moveItem(atPath: staging, toPath: "\(root)/\(model)/\(version)")
    }

    func removeVersion(_ version: Int, model: String = "scale") throws {
        try FileManager.default.removeItem(atPath: "\(root)/\(model)/\(version)")
    }

    /// Opens the repository and starts serving it.
    @discardableResult
    func start(workers: Int = 1) throws -> ModelServing {
        let repository = try ModelRepository(root: root, registry: registry)
        let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: workers))
        serving = ModelServing(repository: repository, scheduler: scheduler)
        let changes = self.changes
        serving.onChange = { changes.withLock { $0 += 1 } }
        return serving
    }

    deinit {
        serving?.shutdown(.cancelQueued)
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Polls `condition` (draining `call`'s executor each time) for at most 20 s.
func eventually(_ call: RecordingCall? = nil, _ condition: () -> Bool) -> Bool {
    let giveUp = Date().addingTimeInterval(20)
    while Date() < giveUp {
        call?.queue.drain()
        if condition() { return true }
        usleep(1000)
    }
    call?.queue.drain()
    return condition()
}

/// Collects what a `compute` completion delivered.
final class ComputeResult {
    var floats: [Float]?
    var status: GRPCStatus?
    var delivered: Bool { floats != nil || status != nil }

    func record(_ result: Result<UnsafeRawBufferPointer, GRPCStatus>) {
        switch result {
        case .success(let output): floats = Array(output.bindMemory(to: Float.self))
        case .failure(let status): self.status = status
        }
    }
}

/// Writes `values` as the input rows.
func fill(_ values: [Float]) -> (UnsafeMutableRawBufferPointer) -> Void {
    { buffer in
        values.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }
}
