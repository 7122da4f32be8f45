/// Scales each of `rows` rows of `data` (`[rows, dim]`, row-major) to unit L2 norm in place; an
/// all-zero row stays zero. (Embeddings for cosine similarity: a dot product of normalized rows.)
public func l2Normalize(_ data: UnsafeMutablePointer<Float>, rows: Int, dim: Int) {
    for r in 0..<rows {
        let row = data + r * dim
        var sum: Float = 0
        for j in 0..<dim { sum += row[j] * row[j] }
        guard sum > 0 else { continue }
        let inverse = 1 / sum.squareRoot()
        for j in 0..<dim { row[j] *= inverse }
    }
}
