import ShopKernels

/// A fully connected layer `y = act(x·Wᵀ + b)` over a whole batch: the batch's rows are the GEMM's
/// M dimension, so one call runs one INT8 GEMM for all of them.
///
/// Reads, for `prefix` `P` (docs/model-format.md, "Layers"):
/// - `P.weight` — I8 `[out, in]` with F32 `P.weight.scale` `[out]` (the INT8 path: activations are
///   quantized per row at run time, int32 accumulation, `y = acc·(s_x·s_w) + b`, the activation fused
///   into the kernel's epilogue), **or** F32 `[out, in]` (a tensor the quantizer kept in full
///   precision with `--keep-fp32`: it runs a plain FP32 path, as tools/quantize_lib/mlp.py does);
/// - `P.bias` — optional F32 `[out]`.
///
/// The weights are packed once at load (`shop_pack_weights`) and owned by the layer; the layer is
/// immutable afterwards, so any number of threads may call `forward` at once. Rows are independent:
/// a row gives the same numbers alone as inside any batch.
public final class QuantizedLinear: RowLayer, @unchecked Sendable {
    /// The tensor prefix (or a caller-given name), used in messages.
    public let name: String
    /// K: features of each input row.
    public let inputFeatures: Int
    /// N: features of each output row.
    public let outputFeatures: Int
    /// The fused activation.
    public let activation: Activation

    private enum Weights {
        /// Packed INT8 weights and their per-output-channel scales.
        case int8(PackedWeights, scales: [Float])
        /// Row-major `[out, in]` FP32 weights.
        case fp32([Float])
    }

    private let weights: Weights
    private let bias: [Float]?

    /// Whether the layer runs the INT8 path (false: the FP32 path of an F32 weight).
    public var isQuantized: Bool {
        if case .int8 = weights { return true }
        return false
    }

    /// Loads `prefix.weight` (+ `.scale`) and the optional `prefix.bias` from a model file.
    /// - Throws: ``ModelLoadError`` naming the file and tensor when one is missing, has the wrong
    ///   dtype or shape, or holds a non-finite scale or bias.
    public init(tensors: SafetensorsFile, prefix: String, activation: Activation) throws {
        let weightName = prefix + ".weight"
        let info = try tensors.requiredInfo(weightName)
        guard info.shape.count == 2 else {
            throw tensors.invalid(weightName, "a linear weight must be 2-D [out_features, in_features]")
        }
        let (n, k) = (info.shape[0], info.shape[1])
        switch info.dtype {
        case .i8:
            let (values, scales) = try tensors.int8Rows(weightName)
            let packed = try values.withBuffer { try PackedWeights($0, n: n, k: k, what: "\(tensors.path): \(weightName)") }
            weights = .int8(packed, scales: scales)
        case .f32:
            weights = .fp32(try tensors.finiteFloats(weightName, shape: [n, k]))
        default:
            throw ModelLoadError(file: tensors.path, .dtypeMismatch(tensor: weightName, actual: info.dtype,
                                                                     requested: "I8 (with .scale) or F32"))
        }
        bias = try tensors.optionalFiniteFloats(prefix + ".bias", shape: [n])
        name = prefix
        inputFeatures = k
        outputFeatures = n
        self.activation = activation
    }

    /// An INT8 layer from arrays (tests, benchmarks, models that build weights themselves):
    /// `weights` row-major `[outputFeatures, inputFeatures]`, `scales` `[outputFeatures]`.
    public init(name: String = "linear", int8Weights: [Int8], scales: [Float], bias: [Float]?,
                outputFeatures: Int, inputFeatures: Int, activation: Activation) throws {
        guard outputFeatures >= 0, inputFeatures >= 0 else { throw LayerError("\(name): negative shape") }
        try validateScalesAndBias(scales, bias, count: outputFeatures, name: name)
        let packed = try int8Weights.withUnsafeBufferPointer {
            try PackedWeights($0, n: outputFeatures, k: inputFeatures, what: "\(name).weight")
        }
        weights = .int8(packed, scales: scales)
        self.bias = bias
        self.name = name
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.activation = activation
    }

    /// An FP32 layer from arrays: `weights` row-major `[outputFeatures, inputFeatures]`.
    public init(name: String = "linear", fp32Weights: [Float], bias: [Float]?,
                outputFeatures: Int, inputFeatures: Int, activation: Activation) throws {
        guard outputFeatures >= 0, inputFeatures >= 0 else { throw LayerError("\(name): negative shape") }
        try validateFiniteVector(fp32Weights, count: outputFeatures * inputFeatures, "\(name).weight")
        try validateFiniteVector(bias, count: outputFeatures, "\(name).bias")
        weights = .fp32(fp32Weights)
        self.bias = bias
        self.name = name
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.activation = activation
    }

    /// Scratch bytes `forward` needs for `rows` rows (0: the kernel uses its own per-thread buffer).
    public func scratchBytes(rows: Int) -> Int { 0 }

    /// Like ``forward(_:rows:output:scratch:)`` with row strides (in floats): `inputStride >=
    /// inputFeatures`, `outputStride >= outputFeatures` — e.g. to write into a column slice of a
    /// wider buffer.
    public func forward(_ input: UnsafePointer<Float>, rows: Int, inputStride: Int,
                        output: UnsafeMutablePointer<Float>, outputStride: Int, scratch: inout LayerScratch) {
        precondition(rows >= 0 && inputStride >= inputFeatures && outputStride >= outputFeatures,
                     "\(name): bad forward arguments (rows \(rows), strides \(inputStride)/\(outputStride))")
        guard rows > 0, outputFeatures > 0 else { return }
        switch weights {
        case .int8(let packed, let scales):
            let rc = scales.withUnsafeBufferPointer { s in
                withOptionalPointer(bias) { b in
                    shop_linear_f32(rows, input, inputStride, packed.pointer, s.baseAddress, b,
                                    activation.kernelCode, output, outputStride)
                }
            }
            precondition(rc == SHOP_OK, "\(name): shop_linear_f32 failed: \(String(cString: shop_kernels_strerror(rc)))")
        case .fp32(let w):
            w.withUnsafeBufferPointer { w in
                withOptionalPointer(bias) { b in
                    fp32Forward(input, rows: rows, inputStride: inputStride, weights: w.baseAddress,
                                bias: b, output: output, outputStride: outputStride)
                }
            }
        }
    }

    private func fp32Forward(_ x: UnsafePointer<Float>, rows: Int, inputStride: Int, weights: UnsafePointer<Float>?,
                             bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        let k = inputFeatures
        for r in 0..<rows {
            let row = x + r * inputStride
            for j in 0..<outputFeatures {
                var y = k == 0 ? 0 : dot(row, weights! + j * k, count: k)
                if let bias { y += bias[j] }
                output[r * outputStride + j] = activation.apply(y)
            }
        }
    }
}

/// Σ a[i]·b[i] in eight interleaved partial sums (the FP32 path; not bit-matched to any kernel).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= count {
        acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    var sum = acc.sum()
    while i < count {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// Calls `body` with the array's base address, or nil for a nil array.
@inline(__always)
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
