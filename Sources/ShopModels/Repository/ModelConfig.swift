import Foundation

/// The `config.json` of one model version (schema version 1). See docs/model-format.md.
///
/// ```json
/// {
///   "schema_version": 1,
///   "name": "rank",                       // optional; must equal the model directory name if given
///   "kind": "rank.mmoe",                  // selects the model factory (ModelKindRegistry)
///   "description": "…",                   // optional
///   "architecture": { … },                // free-form hyper-parameters, read by the model kind
///   "inputs":  [{"name": "features", "dtype": "F32", "shape": [-1, 64]}],
///   "outputs": [{"name": "ctr", "dtype": "F32", "shape": [-1]}],
///   "quantization": {"weights": "int8-symmetric-per-channel", "activations": "int8-dynamic-per-row",
///                    "scale_suffix": ".scale", "fp32_tensors": ["fc3.weight"]},
///   "batching": {"max_batch_rows": 64, "max_queue_delay_us": 0},
///   "sha256": "…64 hex digits of model.safetensors…"   // optional; checked at load when present
/// }
/// ```
/// Unknown top-level fields are ignored (forward compatibility within a schema version).
public struct ModelConfig: Codable, Sendable, Equatable {
    /// The schema version this build reads.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var name: String?
    public var kind: String
    public var description: String?
    public var architecture: JSONValue
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]
    public var quantization: Quantization?
    public var batching: Batching
    public var sha256: String?

    /// A named input or output of the model. `-1` in `shape` marks the batch (or another variable) dimension.
    public struct TensorSpec: Codable, Sendable, Equatable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        public var description: String?

        public init(name: String, dtype: String, shape: [Int], description: String? = nil) {
            self.name = name; self.dtype = dtype; self.shape = shape; self.description = description
        }
    }

    /// How the weights were quantized (written by tools/quantize).
    public struct Quantization: Codable, Sendable, Equatable {
        /// `int8-symmetric-per-channel` or `none`.
        public var weights: String
        /// `int8-dynamic-per-row` or `none`.
        public var activations: String
        /// Suffix of the per-row F32 scale tensor of an I8 tensor (default `.scale`).
        public var scaleSuffix: String
        /// Tensors deliberately kept in F32.
        public var fp32Tensors: [String]

        public init(weights: String = "int8-symmetric-per-channel", activations: String = "int8-dynamic-per-row",
                    scaleSuffix: String = ".scale", fp32Tensors: [String] = []) {
            self.weights = weights; self.activations = activations
            self.scaleSuffix = scaleSuffix; self.fp32Tensors = fp32Tensors
        }

        enum CodingKeys: String, CodingKey {
            case weights, activations
            case scaleSuffix = "scale_suffix"
            case fp32Tensors = "fp32_tensors"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            weights = try c.decodeIfPresent(String.self, forKey: .weights) ?? "int8-symmetric-per-channel"
            activations = try c.decodeIfPresent(String.self, forKey: .activations) ?? "int8-dynamic-per-row"
            scaleSuffix = try c.decodeIfPresent(String.self, forKey: .scaleSuffix) ?? ".scale"
            fp32Tensors = try c.decodeIfPresent([String].self, forKey: .fp32Tensors) ?? []
        }
    }

    /// Batching limits the scheduler applies to this model version.
    public struct Batching: Codable, Sendable, Equatable {
        /// Most rows one forward pass takes (the GEMM's M).
        public var maxBatchRows: Int
        /// Longest a request may wait for others to join its batch, in microseconds (0: never wait
        /// when a worker is free — the scheduler is work-conserving).
        public var maxQueueDelayMicros: Int
        /// Most rows waiting in this version's queue (nil: the server default).
        public var maxQueuedRows: Int?
        /// Most requests waiting in this version's queue (nil: the server default).
        public var maxQueuedRequests: Int?
        /// A request with more rows than this is split across idle workers (nil: the server default).
        public var splitThresholdRows: Int?

        public init(maxBatchRows: Int = 64, maxQueueDelayMicros: Int = 0, maxQueuedRows: Int? = nil,
                    maxQueuedRequests: Int? = nil, splitThresholdRows: Int? = nil) {
            self.maxBatchRows = maxBatchRows; self.maxQueueDelayMicros = maxQueueDelayMicros
            self.maxQueuedRows = maxQueuedRows; self.maxQueuedRequests = maxQueuedRequests
            self.splitThresholdRows = splitThresholdRows
        }

        enum CodingKeys: String, CodingKey {
            case maxBatchRows = "max_batch_rows"
            case maxQueueDelayMicros = "max_queue_delay_us"
            case maxQueuedRows = "max_queued_rows"
            case maxQueuedRequests = "max_queued_requests"
            case splitThresholdRows = "split_threshold_rows"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxBatchRows = try c.decodeIfPresent(Int.self, forKey: .maxBatchRows) ?? 64
            maxQueueDelayMicros = try c.decodeIfPresent(Int.self, forKey: .maxQueueDelayMicros) ?? 0
            maxQueuedRows = try c.decodeIfPresent(Int.self, forKey: .maxQueuedRows)
            maxQueuedRequests = try c.decodeIfPresent(Int.self, forKey: .maxQueuedRequests)
            splitThresholdRows = try c.decodeIfPresent(Int.self, forKey: .splitThresholdRows)
        }
    }

    public init(kind: String, name: String? = nil, architecture: JSONValue = .object([:]),
                inputs: [TensorSpec] = [], outputs: [TensorSpec] = [], quantization: Quantization? = nil,
                batching: Batching = Batching(), sha256: String? = nil, description: String? = nil) {
        self.schemaVersion = Self.currentSchemaVersion
        self.kind = kind; self.name = name; self.architecture = architecture
        self.inputs = inputs; self.outputs = outputs; self.quantization = quantization
        self.batching = batching; self.sha256 = sha256; self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case name, kind, description, architecture, inputs, outputs, quantization, batching, sha256
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        kind = try c.decode(String.self, forKey: .kind)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        architecture = try c.decodeIfPresent(JSONValue.self, forKey: .architecture) ?? .object([:])
        inputs = try c.decodeIfPresent([TensorSpec].self, forKey: .inputs) ?? []
        outputs = try c.decodeIfPresent([TensorSpec].self, forKey: .outputs) ?? []
        quantization = try c.decodeIfPresent(Quantization.self, forKey: .quantization)
        batching = try c.decodeIfPresent(Batching.self, forKey: .batching) ?? Batching()
        sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)
    }

    /// Reads and validates `path` (a config.json). `modelName`, if given, must match `name` when present.
    public static func load(path: String, modelName: String? = nil) throws -> ModelConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw ModelLoadError(file: path, missing ? .missing : .unreadable("\(error.localizedDescription)"))
        }
        return try decode(data, file: path, modelName: modelName)
    }

    /// Decodes and validates config.json bytes; `file` names the source in errors.
    public static func decode(_ data: Data, file: String, modelName: String? = nil) throws -> ModelConfig {
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: data)
        } catch let error as DecodingError {
            throw ModelLoadError(file: file, .invalidConfig(error.oneLineDescription))
        } catch {
            throw ModelLoadError(file: file, .invalidConfig("\(error)"))
        }
        if let problem = config.validationProblem(modelName: modelName) {
            throw ModelLoadError(file: file, .invalidConfig(problem))
        }
        return config
    }

    /// The first semantic problem of a decoded config, or nil.
    func validationProblem(modelName: String?) -> String? {
        if schemaVersion < 1 || schemaVersion > Self.currentSchemaVersion {
            return "schema_version \(schemaVersion) is not supported (this build reads 1...\(Self.currentSchemaVersion))"
        }
        if kind.isEmpty { return "'kind' is empty" }
        if let name, let modelName, name != modelName {
            return "'name' is '\(name)' but the model directory is '\(modelName)'"
        }
        if batching.maxBatchRows < 1 { return "batching.max_batch_rows must be at least 1, got \(batching.maxBatchRows)" }
        if batching.maxQueueDelayMicros < 0 {
            return "batching.max_queue_delay_us must not be negative, got \(batching.maxQueueDelayMicros)"
        }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy({ $0.isHexDigit }) {
            return "'sha256' must be 64 hex digits, got '\(sha256)'"
        }
        for spec in inputs + outputs where spec.shape.contains(where: { $0 < -1 }) {
            return "tensor spec '\(spec.name)' has shape \(spec.shape); dimensions are >= 0 or -1 (variable)"
        }
        return nil
    }
}
