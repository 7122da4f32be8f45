import Foundation

/// One loaded, validated model version: its config, its mapped tensors and the servable model.
///
/// A reference-counted handle: whoever holds it (a request, a batch) keeps the version's mapping
/// alive even after the repository switched to a newer version; the file is unmapped when the last
/// holder lets go. Immutable, safe to share between threads.
public final class LoadedModelVersion: @unchecked Sendable {
    /// Model (directory) name.
    public let modelName: String
    /// Numeric version.
    public let version: Int
    /// Path of the version directory.
    public let directory: String
    /// The validated config.json.
    public let config: ModelConfig
    /// The mapped model.safetensors.
    public let tensors: SafetensorsFile
    /// The model built by the kind's factory.
    public let model: any ServableModel
    /// When loading finished.
    public let loadedAt: Date

    init(context: ModelLoadContext, model: any ServableModel) {
        modelName = context.modelName
        version = context.version
        directory = context.directory
        config = context.config
        tensors = context.tensors
        self.model = model
        loadedAt = Date()
    }

    /// The model as its concrete type, or nil if it is another kind.
    public func model<Model: ServableModel>(as type: Model.Type) -> Model? { model as? Model }

    /// File names inside a version directory.
    public enum FileName {
        public static let weights = "model.safetensors"
        public static let config = "config.json"
    }

    /// Loads and validates the version in `directory`: config.json, the mapping and header of
    /// model.safetensors, the sha256 if config.json has one, then the kind's factory.
    /// Runs on the caller's thread; throws ``ModelLoadError`` naming the file and the problem.
    public static func load(modelName: String, version: Int, directory: String, registry: ModelKindRegistry,
                            hint: MappedFile.AccessHint = .willNeed) throws -> LoadedModelVersion {
        let config = try ModelConfig.load(path: directory + "/" + FileName.config, modelName: modelName)
        guard let factory = registry.factory(for: config.kind) else {
            throw ModelLoadError(file: directory + "/" + FileName.config,
                                 .unknownModelKind(config.kind, known: registry.kinds))
        }
        let weightsPath = directory + "/" + FileName.weights
        let tensors = try SafetensorsFile(path: weightsPath, hint: .normal)
        if let expected = config.sha256?.lowercased() {
            let actual = FileChecksum.sha256Hex(of: tensors.mapping)
            guard actual == expected else {
                throw ModelLoadError(file: weightsPath, .checksumMismatch(expected: expected, actual: actual))
            }
        }
        if hint != .normal { tensors.mapping.advise(hint) }
        let context = ModelLoadContext(modelName: modelName, version: version, directory: directory,
                                       config: config, tensors: tensors)
        let model: any ServableModel
        do {
            model = try factory(context)
        } catch let error as ModelLoadError {
            throw error
        } catch {
            throw ModelLoadError(file: directory, .modelRejected("\(error)"))
        }
        return LoadedModelVersion(context: context, model: model)
    }
}
