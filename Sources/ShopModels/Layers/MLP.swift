/// A chain of ``QuantizedLinear`` layers run over a whole batch; intermediate activations live in
/// the caller's ``LayerScratch`` (two ping-pong buffers of `rows × widest hidden layer`).
///
/// Immutable after init: `forward` is safe from several threads at once (each with its own scratch).
public final class MLP: RowLayer, @unchecked Sendable {
    /// The layers, first to last.
    public let layers: [QuantizedLinear]
    /// Features of each input row (the first layer's).
    public let inputFeatures: Int
    /// Features of each output row (the last layer's).
    public let outputFeatures: Int
    /// Widest intermediate (hidden) width; 0 for a single layer.
    private let hiddenWidth: Int

    /// Chains `layers`; each layer's output width must be the next one's input width.
    /// - Throws: ``LayerError`` naming the two layers that do not fit.
    public init(layers: [QuantizedLinear]) throws {
        guard let first = layers.first, let last = layers.last else { throw LayerError("an MLP needs at least one layer") }
        for (a, b) in zip(layers, layers.dropFirst()) where a.outputFeatures != b.inputFeatures {
            throw LayerError("layer '\(a.name)' has \(a.outputFeatures) outputs but layer '\(b.name)' takes \(b.inputFeatures) inputs")
        }
        self.layers = layers
        inputFeatures = first.inputFeatures
        outputFeatures = last.outputFeatures
        hiddenWidth = layers.dropLast().map(\.outputFeatures).max() ?? 0
    }

    /// Loads each `(prefix, activation)` as a ``QuantizedLinear`` from a model file, e.g.
    /// `[("fc1", .relu), ("fc2", .relu), ("head", .sigmoid)]`.
    /// - Throws: ``ModelLoadError`` for a missing or malformed tensor, or when two consecutive
    ///   layers' widths do not match (naming both tensors).
    public convenience init(tensors: SafetensorsFile, layers specs: [(prefix: String, activation: Activation)]) throws {
        let layers = try specs.map { try QuantizedLinear(tensors: tensors, prefix: $0.prefix, activation: $0.activation) }
        do {
            try self.init(layers: layers)
        } catch let error as LayerError {
            throw ModelLoadError(file: tensors.path, .modelRejected(error.message))
        }
    }

    /// Rows run through all the layers together: a batch is cut into tiles whose two hidden
    /// buffers (≤ 128 KB each) stay in the core's L2 cache, so the cost per row does not grow
    /// with the batch (an untiled 800-row batch of 256-wide layers spills its activations).
    var tileRows: Int { max(16, 32 * 1024 / max(hiddenWidth, 1)) }

    /// Scratch bytes `forward` needs for `rows` rows.
    public func scratchBytes(rows: Int) -> Int {
        let rows = min(rows, tileRows)
        let buffers = layers.count > 2 ? 2 : layers.count - 1
        let own = buffers * LayerScratch.size(floats: rows * hiddenWidth)
        return own + layers.reduce(0) { max($0, $1.scratchBytes(rows: rows)) }  // no array: called per batch
    }

    /// Like ``forward(_:rows:output:scratch:)`` with row strides in floats for the input and output.
    public func forward(_ input: UnsafePointer<Float>, rows: Int, inputStride: Int,
                        output: UnsafeMutablePointer<Float>, outputStride: Int, scratch: inout LayerScratch) {
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        let count = layers.count
        let tile = min(rows, tileRows)
        // Hidden activations alternate between two buffers (one suffices for two layers).
        let ping = count > 1 ? scratch.floats(tile * hiddenWidth) : output
        let pong = count > 2 ? scratch.floats(tile * hiddenWidth) : output
        var first = 0
        while first < rows {
            let rowsInTile = min(tile, rows - first)
            var source = input + first * inputStride
            var sourceStride = inputStride
            for (index, layer) in layers.enumerated() {
                if index == count - 1 {
                    layer.forward(source, rows: rowsInTile, inputStride: sourceStride, output: output + first * outputStride,
                                  outputStride: outputStride, scratch: &scratch)
                } else {
                    let destination = index & 1 == 0 ? ping : pong
                    layer.forward(source, rows: rowsInTile, inputStride: sourceStride, output: destination,
                                  outputStride: layer.outputFeatures, scratch: &scratch)
                    source = UnsafePointer(destination)
                    sourceStride = layer.outputFeatures
                }
            }
            first += rowsInTile
        }
    }
}
