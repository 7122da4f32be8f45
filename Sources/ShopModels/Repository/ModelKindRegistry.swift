/// A model object that serves requests: built by a model kind's factory from the mapped tensors.
///
/// Concrete models (rank, recall, price, image search, dialogue) conform to this; the scheduler
/// casts to the concrete type it knows. Instances are shared by all worker threads, so they must be
/// immutable after construction (per-call scratch space belongs to the caller).
public protocol ServableModel: AnyObject, Sendable {}

/// Everything a model factory gets to build a servable model from one version directory.
public struct ModelLoadContext: Sendable {
    /// The model's directory name (`models/<name>/`).
    public let modelName: String
    /// The numeric version.
    public let version: Int
    /// Path of the version directory (`models/<name>/<version>`), for side files.
    public let directory: String
    /// The validated config.json.
    public let config: ModelConfig
    /// The mapped, validated model.safetensors.
    public let tensors: SafetensorsFile

    /// Path of a side file in the version directory (vocabulary, catalogue, …).
    public func sideFilePath(_ fileName: String) -> String { directory + "/" + fileName }

    /// Path of the version's config.json (the file a config problem names).
    public var configPath: String { sideFilePath("config.json") }

    /// `config.architecture` decoded as the model kind's hyper-parameters; a mismatch throws
    /// ``ModelLoadError`` `.invalidConfig("architecture: …")` naming config.json.
    public func architecture<Architecture: Decodable>(as type: Architecture.Type) throws -> Architecture {
        do {
            return try config.architecture.decode(as: type)
        } catch {
            throw ModelLoadError(file: configPath, .invalidConfig("architecture: \(error)"))
        }
    }
}

/// Maps `config.kind` to the factory that turns a version's tensors into a ``ServableModel``.
///
/// A factory runs on the loading thread, off the serving path. It should check every tensor it needs
/// (names, dtypes, shapes via ``SafetensorsFile/tensor(_:as:shape:)``) and throw on a mismatch; the
/// version is then refused. Built in: kind `"tensors"` (``TensorBundle``), a model that only exposes
/// its tensors (side tables, tests, benchmarks).
public final class ModelKindRegistry: @unchecked Sendable {
    /// Builds a servable model; throws (preferably a ``ModelLoadError``) to refuse the version.
    public typealias Factory = @Sendable (ModelLoadContext) throws -> any ServableModel

    private var factories: [String: Factory] = [:]
    private let lock = NSLockShim()

    /// A registry with the built-in `"tensors"` kind.
    public init() {
        factories[TensorBundle.kind] = { TensorBundle(tensors: $0.tensors) }
    }

    /// Registers (or replaces) the factory for `kind`.
    public func register(kind: String, factory: @escaping Factory) {
        lock.withLock { factories[kind] = factory }
    }

    /// The factory for `kind`, or nil.
    public func factory(for kind: String) -> Factory? {
        lock.withLock { factories[kind] }
    }

    /// Registered kinds, sorted.
    public var kinds: [String] {
        lock.withLock { factories.keys.sorted() }
    }
}

/// The built-in model kind `"tensors"`: no computation, just the version's mapped tensors.
public final class TensorBundle: ServableModel {
    /// The `config.kind` value of this model kind.
    public static let kind = "tensors"
    /// The mapped file.
    public let tensors: SafetensorsFile

    public init(tensors: SafetensorsFile) { self.tensors = tensors }
}
