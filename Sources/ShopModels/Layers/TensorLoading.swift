/// Reading the tensors of the INT8 layout (docs/model-format.md) for the layers, with errors that
/// name the file and the tensor.
extension SafetensorsFile {
    /// The header entry of `name`, or a `tensorNotFound` error.
    func requiredInfo(_ name: String) throws -> TensorInfo {
        guard let info = info(name) else { throw ModelLoadError(file: path, .tensorNotFound(name)) }
        return info
    }

    /// An error about tensor `name` (wrong rank, non-finite values, …).
    func invalid(_ name: String, _ reason: String) -> ModelLoadError {
        ModelLoadError(file: path, .invalidShape(tensor: name, shape: info(name)?.shape ?? [], reason: reason))
    }

    /// An I8 tensor `name` whose first dimension is its rows, with its F32 per-row `name.scale`
    /// `[rows]`. `rank` fixes the number of dimensions when given.
    func int8Rows(_ name: String, rank: Int? = nil) throws -> (values: TensorView<Int8>, scales: [Float]) {
        let info = try requiredInfo(name)
        if let rank, info.shape.count != rank {
            throw invalid(name, "expected \(rank) dimensions")
        }
        guard !info.shape.isEmpty else { throw invalid(name, "a per-row INT8 tensor needs at least one dimension") }
        let values = try tensor(name, as: Int8.self)
        let scales = try finiteFloats(name + ".scale", shape: [info.shape[0]])
        return (values, scales)
    }

    /// F32 tensor `name` of `shape`, copied, refused if any value is NaN or infinite.
    func finiteFloats(_ name: String, shape: [Int]) throws -> [Float] {
        let values = try tensor(name, as: Float.self, shape: shape).elements
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw invalid(name, "element \(bad) is \(values[bad])")
        }
        return values
    }

    /// Like ``finiteFloats(_:shape:)`` but nil when the tensor is absent (optional biases).
    func optionalFiniteFloats(_ name: String, shape: [Int]) throws -> [Float]? {
        info(name) == nil ? nil : try finiteFloats(name, shape: shape)
    }
}

/// Checks that arrays given to a layer's array initializer have the sizes the layer needs.
func requireCount<C: Collection>(_ values: C, _ count: Int, _ what: String) throws {
    guard values.count == count else { throw LayerError("\(what) has \(values.count) values, expected \(count)") }
}

/// Refuses NaN or infinite values in scales and biases given as arrays.
func requireFinite(_ values: [Float], _ what: String) throws {
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw LayerError("\(what)[\(bad)] is \(values[bad])")
    }
}

/// Checks an array of `count` finite values (nil passes: an absent optional tensor).
func validateFiniteVector(_ values: [Float]?, count: Int, _ what: String) throws {
    guard let values else { return }
    try requireCount(values, count, what)
    try requireFinite(values, what)
}

/// Checks per-output-channel scales and an optional bias given as arrays (`count` values each, finite).
func validateScalesAndBias(_ scales: [Float], _ bias: [Float]?, count: Int, name: String) throws {
    try validateFiniteVector(scales, count: count, "\(name).weight.scale")
    try validateFiniteVector(bias, count: count, "\(name).bias")
}
