import ShopKernels

extension VectorIndex {
    /// Queries whose probes are grouped by list at once (bounds the scratch for any batch size).
    static let ivfChunkQueries = 1024

    /// IVF search: per chunk of queries, one GEMM against the centroids picks each query's `nprobe`
    /// lists; the (list, query) pairs are then grouped by list so every probed list is scored with
    /// one GEMM for all the queries that probe it (up to 32 per call), not one GEMV per query.
    func searchIVF(_ ivf: IVFLists, queryCount: Int, nprobe: Int, work: SearchScratch, scan: CandidateScan) throws {
        for c0 in stride(from: 0, to: queryCount, by: Self.ivfChunkQueries) {
            let chunk = min(Self.ivfChunkQueries, queryCount - c0)
            try selectLists(ivf, firstQuery: c0, count: chunk, nprobe: nprobe, work: work)
            // Each query's best list first (it holds most of its neighbours, so its threshold rises
            // early and the rest of the scan rejects almost everything), then the others.
            let firstBand = min(Self.ivfFirstBand, nprobe)
            for ranks in [0..<firstBand, firstBand..<nprobe] where !ranks.isEmpty {
                groupByList(ivf, count: chunk, nprobe: nprobe, ranks: ranks, work: work)
                for list in 0..<ivf.listCount {
                    let first = Int(work.listStarts[list]), end = Int(work.listStarts[list + 1])
                    for g0 in stride(from: first, to: end, by: Self.queryTile) {
                        try scoreList(ivf, list, queries: work.listQueries + g0, count: min(Self.queryTile, end - g0),
                                      firstQuery: c0, work: work, scan: scan)
                    }
                }
            }
        }
    }

    /// Probe ranks scored in the first pass of an IVF chunk (1 measured fewer instructions than 2 or all).
    static let ivfFirstBand = 1

    /// Writes the `nprobe` best lists of queries `first ..< first + count` to `work.probeLists`.
    private func selectLists(_ ivf: IVFLists, firstQuery first: Int, count: Int, nprobe: Int, work: SearchScratch) throws {
        let lists = ivf.listCount
        for t0 in stride(from: 0, to: count, by: Self.queryTile) {
            let m = min(Self.queryTile, count - t0)
            let rc = shop_gemm_s8s8_f32(m, work.queryInt8 + (first + t0) * dimension, dimension, work.queryScales + first + t0,
                                        ivf.packedCentroids.packed(0), ivf.centroidScales.baseAddress, nil,
                                        SHOP_ACT_NONE, work.tile, lists)
            guard rc == SHOP_OK else { throw VectorIndexError.kernelFailure("shop_gemm_s8s8_f32", rc) }
            for i in 0..<m {
                let scores = work.tile + i * lists, out = work.probeLists + (t0 + i) * nprobe
                if nprobe <= Self.insertionTopKLimit {
                    Self.bestIndices(scores, count: lists, take: nprobe, scores: work.probeScores, into: out)
                    continue
                }
                let found = shop_topk_f32(lists, scores, nprobe, true, work.probeScores, out)
                guard found == nprobe else { throw VectorIndexError.kernelFailure("shop_topk_f32", Int32(clamping: found)) }
            }
        }
    }

    /// Largest nprobe picked by ``bestIndices(_:count:take:scores:into:)`` (shop_topk_f32 above).
    static let insertionTopKLimit = 32

    /// The indices of the `take` largest of `x[0 ..< count]` (take <= count), best first, equal
    /// scores in index order (as shop_topk_f32): a sorted array with insertion, and a 16-wide
    /// compare that skips the blocks with nothing above the current `take`-th best.
    @inline(__always) static func bestIndices(_ x: UnsafePointer<Float>, count: Int, take: Int,
                                              scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Int64>) {
        var size = 0
        @inline(__always) func insert(_ j: Int) {
            let score = x[j]
            guard size < take || score > scores[take - 1] else { return }
            var i = min(size, take - 1)
            while i > 0, score > scores[i - 1] {  // strictly: an equal score came from a smaller index
                scores[i] = scores[i - 1]
                out[i] = out[i - 1]
                i -= 1
            }
            scores[i] = score
            out[i] = Int64(j)
            size = min(size + 1, take)
        }
        var j = 0
        while j < count, size < take {
            insert(j)
            j += 1
        }
        while j + 16 <= count {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self)
            if any(v .> SIMD16<Float>(repeating: scores[take - 1])) {
                for t in j..<(j + 16) { insert(t) }
            }
            j += 16
        }
        while j < count {
            insert(j)
            j += 1
        }
    }

    /// Counting sort of the chunk's (list, query) pairs of probe ranks `ranks` by list into
    /// `listStarts` / `listQueries`.
    private func groupByList(_ ivf: IVFLists, count: Int, nprobe: Int, ranks: Range<Int>, work: SearchScratch) {
        let starts = work.listStarts
        starts.update(repeating: 0, count: ivf.listCount + 1)
        for q in 0..<count {
            for p in ranks { starts[Int(work.probeLists[q * nprobe + p]) + 1] += 1 }
        }
        for l in 0..<ivf.listCount { starts[l + 1] += starts[l] }
        // Fill using starts[l] as the cursor, then shift back so starts[l] is the start again.
        for q in 0..<count {
            for p in ranks {
                let list = Int(work.probeLists[q * nprobe + p])
                work.listQueries[Int(starts[list])] = Int32(q)
                starts[list] += 1
            }
        }
        for l in stride(from: ivf.listCount, to: 0, by: -1) { starts[l] = starts[l - 1] }
        starts[0] = 0
    }

    /// Scores list `list` for `count` queries (chunk-relative indices) in one kernel call.
    private func scoreList(_ ivf: IVFLists, _ list: Int, queries: UnsafePointer<Int32>, count: Int, firstQuery: Int,
                           work: SearchScratch, scan: CandidateScan) throws {
        let start = ivf.listOffsets[list], rows = ivf.listOffsets[list + 1] - start
        guard rows > 0 else { return }
        for i in 0..<count {
            let q = firstQuery + Int(queries[i])
            (work.gathered + i * dimension).update(from: work.queryInt8 + q * dimension, count: dimension)
            work.gatheredScales[i] = work.queryScales[q]
        }
        let rc = shop_gemm_s8s8_f32(count, work.gathered, dimension, work.gatheredScales, ivf.packedLists.packed(list),
                                    ivf.scales.baseAddress! + start, nil, SHOP_ACT_NONE, work.tile, rows)
        guard rc == SHOP_OK else { throw VectorIndexError.kernelFailure("shop_gemm_s8s8_f32", rc) }
        for i in 0..<count {
            scan.scan(work.tile + i * rows, length: rows, query: firstQuery + Int(queries[i]), rowBase: start,
                      rowMap: ivf.rows.baseAddress)
        }
    }
}
