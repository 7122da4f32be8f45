import ShopModels
import ShopScheduler

/// One model version in `ModelServing`'s served set: the repository's loaded version, its
/// scheduler queue (when the model is a `BatchModel`) and its pool of row buffers.
final class ServedVersion: @unchecked Sendable {
    let loaded: LoadedModelVersion
    /// The scheduler queue `<model>@<version>`; nil for models that do not batch.
    let handle: ModelHandle?
    /// The model as the scheduler runs it; nil for models that do not batch.
    let batchModel: BatchModel?
    /// Row buffers for this version's requests; nil for models that do not batch.
    let buffers: RowBufferPool?

    init(loaded: LoadedModelVersion, scheduler: BatchScheduler, queueDefaults: ModelQueueConfiguration) {
        self.loaded = loaded
        if let model = loaded.model as? BatchModel {
            batchModel = model
            handle = scheduler.register(model: model, name: Self.queueName(loaded.modelName, loaded.version),
                                        configuration: QueueSettings.configuration(for: loaded, defaults: queueDefaults))
            buffers = RowBufferPool(inputRowBytes: model.inputRowBytes, outputRowBytes: model.outputRowBytes)
        } else {
            batchModel = nil
            handle = nil
            buffers = nil
        }
    }

    /// `rank@3`: the queue (and metrics) name of a model version.
    static func queueName(_ model: String, _ version: Int) -> String { "\(model)@\(version)" }
}
