import ShopKernels

/// DIN-style target attention: pools a variable-length sequence of keys (e.g. the embeddings of a
/// user's recent items) with weights that depend on a query (e.g. the candidate item).
///
/// For each batch row with query `q` `[D]` and valid keys `k_1 … k_L` (`L = lengths[row]`):
/// `score_i = scorer([q, k_i, q − k_i, q ⊙ k_i])` (an INT8 ``MLP`` with `4·D` inputs and one output),
/// `w = softmax(score_1 … score_L)` over the valid positions only, and `output = Σ w_i · k_i`.
/// All (row, position) pairs of the batch go through the scorer as ONE GEMM (`M = Σ lengths`).
/// A row with no valid keys yields zeros. Lengths are clamped to `0 … maxLength`.
///
/// Immutable after init; `forward` is safe from several threads at once.
public final class AttentionPooling: @unchecked Sendable {
    /// D: width of the query and of each key (and of the output).
    public let dimension: Int
    /// The scoring MLP (`4·D` inputs, 1 output).
    public let scorer: MLP

    /// Pools with `scorer`, which must take `4·D` inputs and give one output.
    public init(scorer: MLP) throws {
        guard scorer.inputFeatures % 4 == 0, scorer.inputFeatures > 0 else {
            throw LayerError("attention scorer takes \(scorer.inputFeatures) inputs; expected 4·D ([q, k, q−k, q⊙k])")
        }
        guard scorer.outputFeatures == 1 else {
            throw LayerError("attention scorer gives \(scorer.outputFeatures) outputs; expected 1 (a score)")
        }
        self.scorer = scorer
        dimension = scorer.inputFeatures / 4
    }

    /// Loads the scorer's layers from a model file (e.g. `[("att.fc1", .relu), ("att.out", .none)]`).
    public convenience init(tensors: SafetensorsFile, layers: [(prefix: String, activation: Activation)]) throws {
        let mlp = try MLP(tensors: tensors, layers: layers)
        do {
            try self.init(scorer: mlp)
        } catch let error as LayerError {
            throw ModelLoadError(file: tensors.path, .modelRejected(error.message))
        }
    }

    /// Scratch bytes `forward` needs for `rows` rows of up to `maxLength` keys (the worst case,
    /// every row full).
    public func scratchBytes(rows: Int, maxLength: Int) -> Int {
        let pairs = rows * maxLength
        return LayerScratch.size(floats: pairs * 4 * dimension) + LayerScratch.size(floats: pairs)
            + scorer.scratchBytes(rows: pairs)
    }

    /// Attention pooling over a batch.
    /// - Parameters:
    ///   - queries: `[rows, D]`.
    ///   - keys: `[rows, maxLength, D]`, row `r`'s valid keys first (positions `≥ lengths[r]` are
    ///     padding and never read).
    ///   - lengths: `[rows]` valid keys per row.
    ///   - output: `[rows, D]`.
    ///   - attention: optional `[rows, maxLength]`: receives the weights (0 at padded positions).
    public func forward(queries: UnsafePointer<Float>, keys: UnsafePointer<Float>, lengths: UnsafePointer<Int32>,
                        maxLength: Int, rows: Int, output: UnsafeMutablePointer<Float>,
                        attention: UnsafeMutablePointer<Float>? = nil, scratch: inout LayerScratch) {
        precondition(rows >= 0 && maxLength >= 0, "attention pooling: bad arguments (rows \(rows), maxLength \(maxLength))")
        let d = dimension
        var pairs = 0
        for r in 0..<rows { pairs += Self.validLength(lengths[r], maxLength) }
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        let features = scratch.floats(pairs * 4 * d)
        let scores = scratch.floats(pairs)
        // One scorer input row [q, k, q − k, q ⊙ k] per valid (row, position).
        var pair = 0
        for r in 0..<rows {
            let q = queries + r * d
            for i in 0..<Self.validLength(lengths[r], maxLength) {
                let k = keys + (r * maxLength + i) * d
                let f = features + pair * 4 * d
                for j in 0..<d {
                    f[j] = q[j]
                    f[d + j] = k[j]
                    f[2 * d + j] = q[j] - k[j]
                    f[3 * d + j] = q[j] * k[j]
                }
                pair += 1
            }
        }
        scorer.forward(features, rows: pairs, output: scores, scratch: &scratch)
        // Masked softmax per row, then the weighted sum of its keys.
        pair = 0
        for r in 0..<rows {
            let length = Self.validLength(lengths[r], maxLength)
            let out = output + r * d
            out.update(repeating: 0, count: d)
            if length > 0 {
                let w = scores + pair
                _ = shop_softmax_rows_f32(1, length, w, length, w, length)
                for i in 0..<length {
                    let k = keys + (r * maxLength + i) * d
                    let weight = w[i]
                    for j in 0..<d { out[j] += weight * k[j] }
                }
            }
            if let attention {
                let a = attention + r * maxLength
                for i in 0..<maxLength { a[i] = i < length ? scores[pair + i] : 0 }
            }
            pair += length
        }
    }

    /// Plain mean pooling of the valid keys of each row (`[rows, maxLength, dimension]` →
    /// `[rows, dimension]`); a row with no valid keys yields zeros. Lengths are clamped to
    /// `0 … maxLength`.
    public static func meanPool(keys: UnsafePointer<Float>, lengths: UnsafePointer<Int32>, maxLength: Int, rows: Int,
                                dimension d: Int, output: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let length = validLength(lengths[r], maxLength)
            let out = output + r * d
            out.update(repeating: 0, count: d)
            for i in 0..<length {
                let k = keys + (r * maxLength + i) * d
                for j in 0..<d { out[j] += k[j] }
            }
            if length > 0 {
                let n = Float(length)
                for j in 0..<d { out[j] /= n }
            }
        }
    }

    @inline(__always)
    static func validLength(_ length: Int32, _ maxLength: Int) -> Int { min(max(Int(length), 0), maxLength) }
}
