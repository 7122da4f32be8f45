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

    /// Whether ``pairedDot(_:row:)`` applies (whole 32-value blocks).
    var pairs: Bool { dimension % 32 == 0 }

    /// Writes `x` (`dimension` floats) in the order ``pairedDot(_:row:)`` reads: per block of 32,
    /// the 16 even-indexed values, then the 16 odd-indexed ones.
    @inline(__always) func pair(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        for b in stride(from: 0, to: dimension, by: 32) {
            for i in 0..<16 {
                out[b + i] = x[b + 2 * i]
                out[b + 16 + i] = x[b + 2 * i + 1]
            }
        }
    }

    /// `x · row` for `x` in ``pair(_:into:)`` order (requires ``pairs``). Each 32-bit lane of the
    /// row holds two INT16 values; each becomes a float without a conversion instruction (the
    /// baseline target has none for 16-bit lanes): `bits(0x4B000000 | (v + 32768)) − (2²³ + 32768)`
    /// is exactly `v`.
    @inline(__always) func pairedDot(_ x: UnsafePointer<Float>, row: Int) -> Float {
        let v = UnsafeRawPointer(rows.baseAddress! + row * dimension)
        let raw = UnsafeRawPointer(x)
        let magic = SIMD16<UInt32>(repeating: 0x4B00_8000), offset = SIMD16<Float>(repeating: 8_421_376)
        var acc = SIMD16<Float>()
        for b in stride(from: 0, to: dimension, by: 32) {
            let u = v.loadUnaligned(fromByteOffset: b * 2, as: SIMD16<UInt32>.self)
            let even = unsafeBitCast((u & SIMD16<UInt32>(repeating: 0xFFFF)) ^ magic, to: SIMD16<Float>.self) - offset
            let odd = unsafeBitCast((u &>> 16) ^ magic, to: SIMD16<Float>.self) - offset
            acc += raw.loadUnaligned(fromByteOffset: b * 4, as: SIMD16<Float>.self) * even
            acc += raw.loadUnaligned(fromByteOffset: b * 4 + 64, as: SIMD16<Float>.self) * odd
        }
        return acc.sum()
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
