import ShopModels
import ShopScheduler

/// A dense INT8 multi-layer perceptron as a `BatchModel`, on the layers the served models use
/// (ShopModels `MLP` of `QuantizedLinear`): weights quantized symmetrically per output channel
/// (int8 + F32 scale per channel, F32 bias), per-row activation quantization, int32 GEMM,
/// dequantize, bias, ReLU between layers; rows run in L2-sized tiles. Input and output rows
/// are F32.
final class Int8MLP: BatchModel, @unchecked Sendable {
    private let mlp: MLP
    var inputRowBytes: Int { mlp.inputFeatures * 4 }
    var outputRowBytes: Int { mlp.outputFeatures * 4 }

    /// Random weights (uniform ±√(6/inputs), fixed seed) for `widths` = [input, hidden…, output].
    init(widths: [Int], seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var layers: [QuantizedLinear] = []
        for (index, (inputs, outputs)) in zip(widths, widths.dropFirst()).enumerated() {
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
            let last = index == widths.count - 2
            layers.append(try QuantizedLinear(name: "layer\(index)", int8Weights: weights, scales: scales, bias: bias,
                                              outputFeatures: outputs, inputFeatures: inputs, activation: last ? .none : .relu))
        }
        mlp = try MLP(layers: layers)
    }

    func run(_ batch: ModelBatch) throws {
        var scratch = LayerScratch(workspace: batch.workspace, region: 0, bytes: mlp.scratchBytes(rows: batch.rows))
        mlp.forward(batch.input.baseAddress!.assumingMemoryBound(to: Float.self), rows: batch.rows,
                    output: batch.output.baseAddress!.assumingMemoryBound(to: Float.self), scratch: &scratch)
    }
}

extension SplitMix64 {
    /// A uniform float in `range` from the next 24 random bits.
    mutating func nextFloat(in range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
}
