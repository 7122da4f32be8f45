import ShopKernels

/// Small FP32 helpers shared by index building and search.
enum VectorMath {
    /// Euclidean norm of `dimension` floats.
    @inline(__always) static func norm(_ x: UnsafePointer<Float>, dimension: Int) -> Float {
        var sum: Float = 0
        for j in 0..<dimension { sum += x[j] * x[j] }
        return sum.squareRoot()
    }

    /// `Σ x[j] · v[j]` for FP32 `x` and integer (INT8 or INT16) `v`, 16 lanes at a time.
    @inline(__always) static func dot<Element: FixedWidthInteger & SIMDScalar>(
        _ x: UnsafePointer<Float>, _ v: UnsafePointer<Element>, dimension d: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        while j + 16 <= d {
            let xs = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
            let vs = UnsafeRawPointer(v + j).loadUnaligned(as: SIMD16<Element>.self)
            acc += xs * SIMD16<Float>(vs)
            j += 16
        }
        var sum = acc.sum()
        while j < d {
            sum += x[j] * Float(v[j])
            j += 1
        }
        return sum
    }

    /// A copy of `vectors` with every row scaled to unit length (zero rows stay zero).
    static func normalizedRows(_ vectors: [Float], dimension: Int) -> [Float] {
        var out = vectors
        out.withUnsafeMutableBufferPointer { buffer in
            for start in stride(from: 0, to: buffer.count, by: dimension) {
                let row = buffer.baseAddress! + start
                let n = norm(row, dimension: dimension)
                if n > 0 { for j in 0..<dimension { row[j] /= n } }
            }
        }
        return out
    }

    /// Rows quantized with shop_quantize_rows (the per-row scheme of docs/model-format.md), in one
    /// owned allocation: INT8 `[count, dimension]` then `count` F32 scales.
    static func quantizedRows(_ vectors: [Float], count: Int, dimension: Int) throws
        -> (OwnedMemory, UnsafeBufferPointer<Int8>, UnsafeBufferPointer<Float>) {
        let scaleStart = (count * dimension + 63) / 64 * 64
        let memory = OwnedMemory(byteCount: scaleStart + count * MemoryLayout<Float>.stride)
        let base = memory.bytes.baseAddress!
        let q8 = base.bindMemory(to: Int8.self, capacity: count * dimension)
        let scales = (base + scaleStart).bindMemory(to: Float.self, capacity: count)
        let rc = vectors.withUnsafeBufferPointer {
            shop_quantize_rows(count, dimension, $0.baseAddress, dimension, q8, dimension, scales, nil)
        }
        guard rc == SHOP_OK else { throw VectorIndexError.kernelFailure("shop_quantize_rows", rc) }
        return (memory, UnsafeBufferPointer(start: q8, count: count * dimension), UnsafeBufferPointer(start: scales, count: count))
    }

    /// Index of the largest of `n` floats (the first one on ties); `n` must be >= 1.
    @inline(__always) static func argmax(_ x: UnsafePointer<Float>, count n: Int) -> Int {
        var best = x[0]
        var bestIndex = 0
        var j = 0
        while j + 16 <= n {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
            if any(v .> SIMD16<Float>(repeating: best)) {
                for t in 0..<16 where x[j + t] > best {
                    best = x[j + t]
                    bestIndex = j + t
                }
            }
            j += 16
        }
        while j < n {
            if x[j] > best { best = x[j]; bestIndex = j }
            j += 1
        }
        return bestIndex
    }
}
