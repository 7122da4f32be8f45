/// An optional INT16 copy of the catalogue rows (`P.fine_vectors`), used only to re-score each
/// query's shortlist: `q · v_int16 · s_v` is ~256× closer to the FP32 inner product than the INT8
/// row, so the final order (and recall against FP32) is no longer limited by INT8 rounding, while
/// the scan itself stays INT8. Costs `2 × d` bytes per row (60,000 × 64: 7.7 MB).
struct FineVectors: @unchecked Sendable {
    /// INT16 rows `[n, d]` in flat-row order and their per-row scales (`v ≈ q · s`).
    let rows: UnsafeBufferPointer<Int16>
    let scales: UnsafeBufferPointer<Float>
    let dimension: Int

    /// Largest magnitude of a quantized component (symmetric, like the INT8 scheme).
    static let levels: Float = 32767

    /// `x · row` for an FP32 `x` (the scale not applied), 16 lanes at a time.
    @inline(__always) func dot(_ x: UnsafePointer<Float>, row: Int) -> Float {
        VectorMath.dot(x, rows.baseAddress! + row * dimension, dimension: dimension)
    }

    /// Quantizes `count` rows of `dimension` floats per row to INT16 (round to nearest; a zero
    /// row gets scale 0), into one owned allocation.
    static func quantize(_ vectors: [Float], count: Int, dimension d: Int) -> (OwnedMemory, FineVectors) {
        let scaleStart = (count * d * 2 + 63) / 64 * 64
        let memory = OwnedMemory(byteCount: scaleStart + count * MemoryLayout<Float>.stride)
        let base = memory.bytes.baseAddress!
        let q = base.bindMemory(to: Int16.self, capacity: count * d)
        let scales = (base + scaleStart).bindMemory(to: Float.self, capacity: count)
        vectors.withUnsafeBufferPointer { x in
            for r in 0..<count {
                var largest: Float = 0
                for j in 0..<d { largest = max(largest, abs(x[r * d + j])) }
                let scale = largest / levels
                scales[r] = scale
                let inverse = scale > 0 ? 1 / scale : 0
                for j in 0..<d {
                    q[r * d + j] = Int16(max(-levels, min(levels, (x[r * d + j] * inverse).rounded())))
                }
            }
        }
        let fine = FineVectors(rows: UnsafeBufferPointer(start: q, count: count * d),
                               scales: UnsafeBufferPointer(start: scales, count: count), dimension: d)
        return (memory, fine)
    }
}
