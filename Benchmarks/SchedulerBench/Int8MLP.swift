import ShopModels
import ShopKernels
import ShopScheduler

/// A dense INT8 multi-layer perceptron as a `BatchModel`, on the ShopKernels C API: weights
/// quantized symmetrically per output channel (int8 + F32 scale per channel, F32 bias) and
/// packed once with `shop_pack_weights`; each layer is one fused `shop_linear_f32` call
/// (per-row activation quantization, int32 GEMM, dequantize, bias, ReLU between layers) over
/// the whole batch. Input and output rows are F32.
final class Int8MLP: BatchModel, @unchecked Sendable {
    struct KernelError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "ShopKernels: \(String(cString: shop_kernels_strerror(code)))" }
    }

    private struct Layer {
        let inputs: Int
        let outputs: Int
        let packedWeights: UnsafeMutableRawPointer
        let scales: [Float]  // per output channel
        let bias: [Float]
    }

    private let layers: [Layer]
    var inputRowBytes: Int { layers[0].inputs * 4 }
    var outputRowBytes: Int { layers[layers.count - 1].outputs * 4 }

    /// Random weights (uniform ±√(6/inputs), fixed seed) for `widths` = [input, hidden…, output].
    init(widths: [Int], seed: UInt64) throws {
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
            let size = shop_packed_weights_size(outputs, inputs)
            let packed = UnsafeMutableRawPointer.allocate(byteCount: max(size, 64), alignment: 64)
            let code = weights.withUnsafeBufferPointer {
                shop_pack_weights(outputs, inputs, $0.baseAddress, inputs, packed, size)
            }
            guard code == SHOP_OK else {
                packed.deallocate()
                throw KernelError(code: code)
            }
            let bias = (0..<outputs).map { _ in random.nextFloat(in: -0.01...0.01) }
            layers.append(Layer(inputs: inputs, outputs: outputs, packedWeights: packed, scales: scales, bias: bias))
        }
        self.layers = layers
    }

    deinit {
        for layer in layers { layer.packedWeights.deallocate() }
    }

    func run(_ batch: ModelBatch) throws {
        let rows = batch.rows
        let widest = layers.map(\.outputs).max()!
        // Hidden activations ping-pong between two worker-owned regions.
        let hidden = [batch.workspace.region(0, bytes: rows * widest * 4).assumingMemoryBound(to: Float.self),
                      batch.workspace.region(1, bytes: rows * widest * 4).assumingMemoryBound(to: Float.self)]
        var source = UnsafePointer(batch.input.baseAddress!.assumingMemoryBound(to: Float.self))
        for (index, layer) in layers.enumerated() {
            let last = index == layers.count - 1
            let destination = last ? batch.output.baseAddress!.assumingMemoryBound(to: Float.self) : hidden[index % 2]
            let code = layer.scales.withUnsafeBufferPointer { scales in
                layer.bias.withUnsafeBufferPointer { bias in
                    shop_linear_f32(rows, source, layer.inputs, layer.packedWeights, scales.baseAddress, bias.baseAddress,
                                    last ? SHOP_ACT_NONE : SHOP_ACT_RELU, destination, layer.outputs)
                }
            }
            guard code == SHOP_OK else { throw KernelError(code: code) }
            source = UnsafePointer(destination)
        }
    }
}

extension SplitMix64 {
    /// A uniform float in `range` from the next 24 random bits.
    mutating func nextFloat(in range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
}
