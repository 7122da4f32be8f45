import ShopScheduler

/// A dense INT8 multi-layer perceptron as a `BatchModel`: weights quantized symmetrically
/// per output channel (int8 + F32 scale per channel, F32 bias), activations quantized per
/// row at run time, int32 accumulation, dequantize + bias, ReLU between layers.
/// Input and output rows are F32.
final class Int8MLP: BatchModel, @unchecked Sendable {
    struct Layer {
        let inputs: Int
        let outputs: Int
        let weights: [Int8]  // outputs × inputs
        let scales: [Float]  // per output channel
        let bias: [Float]
    }

    let layers: [Layer]
    let gemm: GemmS8
    var inputRowBytes: Int { layers[0].inputs * 4 }
    var outputRowBytes: Int { layers[layers.count - 1].outputs * 4 }

    /// Random weights (uniform ±√(6/inputs)) for `widths` = [input, hidden…, output], quantized.
    init(widths: [Int], seed: UInt64, gemm: @escaping GemmS8) {
        var random = SplitMix64(seed: seed)
        var layers: [Layer] = []
        for (inputs, outputs) in zip(widths, widths.dropFirst()) {
            let limit = Float((6.0 / Double(inputs)).squareRoot())
            var weights = [Int8](repeating: 0, count: inputs * outputs)
            var scales = [Float](repeating: 0, count: outputs)
            for channel in 0..<outputs {
                let row = (0..<inputs).map { _ in random.nextFloat(in: -limit...limit) }
                let scale = max(row.map(abs).max()!, 1e-8) / 127
                scales[channel] = scale
                for index in 0..<inputs {
                    weights[channel * inputs + index] = Int8(max(-127, min(127, (row[index] / scale).rounded())))
                }
            }
            let bias = (0..<outputs).map { _ in random.nextFloat(in: -0.01...0.01) }
            layers.append(Layer(inputs: inputs, outputs: outputs, weights: weights, scales: scales, bias: bias))
        }
        self.layers = layers
        self.gemm = gemm
    }

    func run(_ batch: ModelBatch) throws {
        let rows = batch.rows
        let widest = layers.map { max($0.inputs, $0.outputs) }.max()!
        let quantized = batch.workspace.region(0, bytes: rows * widest).assumingMemoryBound(to: Int8.self)
        let rowScales = batch.workspace.region(1, bytes: rows * 4).assumingMemoryBound(to: Float.self)
        let accumulators = batch.workspace.region(2, bytes: rows * widest * 4).assumingMemoryBound(to: Int32.self)
        let hidden = batch.workspace.region(3, bytes: rows * widest * 4).assumingMemoryBound(to: Float.self)
        var activations = UnsafePointer(batch.input.baseAddress!.assumingMemoryBound(to: Float.self))
        for (index, layer) in layers.enumerated() {
            quantizeRows(activations, rows: rows, width: layer.inputs, into: quantized, scales: rowScales)
            layer.weights.withUnsafeBufferPointer { weights in
                gemm(rows, layer.outputs, layer.inputs, quantized, weights.baseAddress!, accumulators)
            }
            let last = index == layers.count - 1
            let destination = last ? batch.output.baseAddress!.assumingMemoryBound(to: Float.self) : hidden
            layer.scales.withUnsafeBufferPointer { scales in
                layer.bias.withUnsafeBufferPointer { bias in
                    for row in 0..<rows {
                        let rowScale = rowScales[row]
                        for column in 0..<layer.outputs {
                            let value = Float(accumulators[row * layer.outputs + column]) * rowScale * scales[column]
                                + bias[column]
                            destination[row * layer.outputs + column] = last ? value : max(value, 0)
                        }
                    }
                }
            }
            activations = UnsafePointer(hidden)
        }
    }

    /// Symmetric per-row int8 quantization.
    private func quantizeRows(_ source: UnsafePointer<Float>, rows: Int, width: Int,
                              into destination: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>) {
        for row in 0..<rows {
            let values = source + row * width
            var largest: Float = 0
            for index in 0..<width { largest = max(largest, abs(values[index])) }
            let scale = largest > 0 ? largest / 127 : 1
            scales[row] = scale
            let inverse = 1 / scale
            for index in 0..<width {
                destination[row * width + index] = Int8(max(-127, min(127, (values[index] * inverse).rounded())))
            }
        }
    }
}

/// An int8 GEMM: (M, N, K, A[M×K], B[N×K], C[M×N] int32).
typealias GemmS8 = (Int, Int, Int, UnsafePointer<Int8>, UnsafePointer<Int8>, UnsafeMutablePointer<Int32>) -> Void

/// A small deterministic generator (SplitMix64) so runs use the same weights.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextFloat(in range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
}
