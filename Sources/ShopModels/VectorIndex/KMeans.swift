import ShopKernels

/// Spherical k-means for IVF lists: trains unit-length centroids on a random sample, then assigns
/// every vector to the centroid of largest inner product. Assignment runs as INT8 GEMMs of the
/// quantized vectors against the quantized centroids (the same arithmetic the search's coarse step
/// uses); centroid updates average the FP32 normalized vectors.
struct KMeans {
    let options: IVFBuildOptions
    let seed: UInt64

    struct Clustering {
        let listCount: Int
        /// Unit-length centroids `[listCount, d]` (a list left empty keeps a sampled vector).
        let centroids: [Float]
        /// The list of every vector.
        let assignments: [Int32]
    }

    init(options: IVFBuildOptions, seed: UInt64) throws {
        guard options.lists >= 1, options.iterations >= 0, (options.sampleSize ?? 1) >= 1 else {
            throw VectorIndexError.invalidArgument("IVF options need lists >= 1, iterations >= 0, sampleSize >= 1")
        }
        self.options = options
        self.seed = seed
    }

    func cluster(_ normalized: [Float], quantized: UnsafeBufferPointer<Int8>, scales: UnsafeBufferPointer<Float>,
                 count: Int, dimension d: Int) throws -> Clustering {
        let lists = max(1, min(options.lists, count))
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<count)
        let sampleCount = min(count, options.sampleSize ?? 40 * lists)
        for i in 0..<sampleCount { order.swapAt(i, Int.random(in: i..<count, using: &generator)) }
        let sample = Array(order[0..<sampleCount])

        // Initial centroids: the first `lists` sampled vectors (distinct rows).
        var centroids = [Float](repeating: 0, count: lists * d)
        for l in 0..<min(lists, sampleCount) {
            for j in 0..<d { centroids[l * d + j] = normalized[sample[l] * d + j] }
        }
        let sampleQ8 = sample.flatMap { row in (0..<d).map { quantized[row * d + $0] } }
        let sampleScales = sample.map { scales[$0] }
        for _ in 0..<options.iterations {
            let assignment = try assign(sampleQ8, sampleScales, centroids: centroids, lists: lists, dimension: d)
            var sums = [Float](repeating: 0, count: lists * d)
            var sizes = [Int](repeating: 0, count: lists)
            for (i, row) in sample.enumerated() {
                let l = Int(assignment[i])
                sizes[l] += 1
                for j in 0..<d { sums[l * d + j] += normalized[row * d + j] }
            }
            for l in 0..<lists {
                if sizes[l] == 0 {  // re-seed an empty list with a random sampled vector
                    let row = sample[Int.random(in: 0..<sampleCount, using: &generator)]
                    for j in 0..<d { sums[l * d + j] = normalized[row * d + j] }
                }
            }
            centroids = VectorMath.normalizedRows(sums, dimension: d)
        }
        let all = Array(quantized)
        let assignments = try assign(all, Array(scales), centroids: centroids, lists: lists, dimension: d)
        return Clustering(listCount: lists, centroids: centroids, assignments: assignments)
    }

    /// The centroid of largest INT8 inner product for each of `rows.count / d` quantized rows.
    private func assign(_ rows: [Int8], _ rowScales: [Float], centroids: [Float], lists: Int,
                        dimension d: Int) throws -> [Int32] {
        let n = rowScales.count
        let (memory, q8, centroidScales) = try VectorMath.quantizedRows(centroids, count: lists, dimension: d)
        let packed = try PackedRowBlocks(rows: q8.baseAddress, dimension: d, rowStarts: [0, lists])
        let chunk = max(1, min(256, (1 << 18) / lists))
        var tile = [Float](repeating: 0, count: chunk * lists)
        var result = [Int32](repeating: 0, count: n)
        try rows.withUnsafeBufferPointer { a in
            try rowScales.withUnsafeBufferPointer { aScales in
                try tile.withUnsafeMutableBufferPointer { tile in
                    for start in stride(from: 0, to: n, by: chunk) {
                        let m = min(chunk, n - start)
                        let rc = shop_gemm_s8s8_f32(m, a.baseAddress! + start * d, d, aScales.baseAddress! + start,
                                                    packed.packed(0), centroidScales.baseAddress, nil, SHOP_ACT_NONE,
                                                    tile.baseAddress, lists)
                        guard rc == SHOP_OK else {
                            throw VectorIndexError.kernelFailure("shop_gemm_s8s8_f32", rc)
                        }
                        for i in 0..<m {
                            result[start + i] = Int32(VectorMath.argmax(tile.baseAddress! + i * lists, count: lists))
                        }
                    }
                }
            }
        }
        withExtendedLifetime(memory) {}
        return result
    }
}
