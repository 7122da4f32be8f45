/// Item-to-item neighbours: for every item row its `width` best co-occurrence neighbours (rows,
/// `-1` padded) with INT8 per-row weights, read in place from the model file.
///
/// Tensors `P.neighbours` I32 `[N, K]`, `P.weights` I8 `[N, K]` + `P.weights.scale` F32 `[N]`.
/// Immutable; thread-safe.
public final class NeighbourTable: @unchecked Sendable {
    /// Items (rows of the table).
    public let items: Int
    /// Neighbours kept per item (K).
    public let width: Int
    private let neighbours: TensorView<Int32>
    private let weights: TensorView<Int8>
    private let scales: TensorView<Float>

    public init(tensors: SafetensorsFile, prefix: String, items: Int) throws {
        neighbours = try tensors.tensor("\(prefix).neighbours", as: Int32.self)
        guard neighbours.shape.count == 2, neighbours.shape[0] == items else {
            throw ModelLoadError(file: tensors.path, .shapeMismatch(tensor: "\(prefix).neighbours", actual: neighbours.shape,
                                                                   expected: [items, neighbours.shape.last ?? 0]))
        }
        width = neighbours.shape[1]
        self.items = items
        weights = try tensors.tensor("\(prefix).weights", as: Int8.self, shape: [items, width])
        scales = try tensors.tensor("\(prefix).weights.scale", as: Float.self, shape: [items])
        for value in neighbours.buffer where value < -1 || Int(value) >= items {
            throw ModelLoadError(file: tensors.path, .modelRejected("\(prefix).neighbours holds row \(value) outside 0..<\(items)"))
        }
    }

    /// Calls `body(neighbour, weight)` for each neighbour of `row`, best first (weight dequantized).
    @inline(__always)
    public func forEachNeighbour(of row: Int32, _ body: (Int32, Float) -> Void) {
        let base = Int(row) * width
        let scale = scales[Int(row)]
        for k in 0..<width {
            let neighbour = neighbours[base + k]
            if neighbour < 0 { break }
            body(neighbour, Float(weights[base + k]) * scale)
        }
    }

    /// Adds Σ_k decay^k · weight(history[k] → j) to `scores[j]` over the first `limit` history rows
    /// (most recent first) and marks every neighbour in `touched`. Both arrays have `items` entries.
    public func accumulate(history: ArraySlice<Int32>, decay: Double, limit: Int,
                           scores: inout [Double], touched: inout [Bool]) {
        var factor = 1.0
        for row in history.prefix(limit) {
            forEachNeighbour(of: row) { neighbour, weight in
                scores[Int(neighbour)] += factor * Double(weight)
                touched[Int(neighbour)] = true
            }
            factor *= decay
        }
    }
}
