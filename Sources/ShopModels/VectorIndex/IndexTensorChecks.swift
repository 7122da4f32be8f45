/// Tensor lookups under one prefix that throw ``ModelLoadError`` naming the file and the tensor.
struct TensorChecks {
    let file: SafetensorsFile
    let prefix: String

    func name(_ suffix: String) -> String { prefix + suffix }
    func exists(_ suffix: String) -> Bool { file.info(name(suffix)) != nil }

    func reject(_ suffix: String, _ reason: String) -> ModelLoadError {
        ModelLoadError(file: file.path, .modelRejected("vector index tensor '\(name(suffix))' \(reason)"))
    }

    func tensor<Element: SafetensorsElement>(_ suffix: String, as type: Element.Type, shape: [Int]? = nil) throws
        -> TensorView<Element> {
        try file.tensor(name(suffix), as: type, shape: shape)
    }

    func optional<Element: SafetensorsElement>(_ suffix: String, as type: Element.Type, shape: [Int]) throws
        -> TensorView<Element>? {
        exists(suffix) ? try tensor(suffix, as: type, shape: shape) : nil
    }

    func finiteNonNegative(_ view: TensorView<Float>, _ suffix: String) throws {
        for i in 0..<view.count where !(view[i].isFinite && view[i] >= 0) {
            throw reject(suffix, "entry \(i) is \(view[i]); scales must be finite and >= 0")
        }
    }

    /// `.rotation` (optional): F32 `[d, d]`, finite and orthogonal to within 1e-3.
    func rotation(dimension d: Int) throws -> Rotation? {
        guard exists(".rotation") else { return nil }
        let view = try tensor(".rotation", as: Float.self, shape: [d, d])
        guard view.buffer.allSatisfy({ $0.isFinite }) else { throw reject(".rotation", "contains NaN or infinity") }
        let error = Rotation.orthogonalityError(view.buffer, dimension: d)
        guard error <= 1e-3 else { throw reject(".rotation", "is not orthogonal (|R·Rᵀ − I| reaches \(error))") }
        return Rotation(matrix: view.buffer, dimension: d)
    }

    /// `.fine_vectors` (optional): I16 `[n, d]` with `.fine_vectors.scale` F32 `[n]`, finite and >= 0.
    func fineVectors(count n: Int, dimension d: Int) throws -> FineVectors? {
        guard exists(".fine_vectors") else {
            if exists(".fine_vectors.scale") { throw reject(".fine_vectors.scale", "is present but '\(prefix).fine_vectors' is not") }
            return nil
        }
        let rows = try tensor(".fine_vectors", as: Int16.self, shape: [n, d])
        let scales = try tensor(".fine_vectors.scale", as: Float.self, shape: [n])
        try finiteNonNegative(scales, ".fine_vectors.scale")
        return FineVectors(rows: rows.buffer, scales: scales.buffer, dimension: d)
    }

    /// `.ivf.centroids` as F32 `[C, d]`, or (if tools/quantize quantized them) I8 + `.scale`,
    /// dequantized into owned memory.
    func centroids(dimension d: Int) throws -> (buffer: UnsafeBufferPointer<Float>, count: Int, owner: AnyObject) {
        let suffix = ".ivf.centroids"
        guard let info = file.info(name(suffix)), info.shape.count == 2, info.shape[1] == d, info.shape[0] >= 1 else {
            throw reject(suffix, "must be [C, \(d)] with C >= 1, got \(file.info(name(suffix))?.shape ?? [])")
        }
        let c = info.shape[0]
        if info.dtype == .f32 {
            let view = try tensor(suffix, as: Float.self)
            guard view.buffer.allSatisfy({ $0.isFinite }) else { throw reject(suffix, "contains NaN or infinity") }
            return (view.buffer, c * d, view.owner)
        }
        let q = try tensor(suffix, as: Int8.self)
        let scales = try tensor(suffix + ".scale", as: Float.self, shape: [c])
        try finiteNonNegative(scales, suffix + ".scale")
        let values = (0..<(c * d)).map { Float(q[$0]) * scales[$0 / d] }
        let (memory, buffer) = OwnedMemory.copy(values)
        return (buffer, c * d, memory)
    }
}
