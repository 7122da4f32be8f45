import ShopKernels
import ShopScheduler

extension VectorIndex {
    /// The ``WorkerWorkspace`` region a search uses unless told otherwise (chosen high so it does not
    /// collide with the low regions a model uses for its own activations, e.g. the query itself).
    public static let defaultScratchRegion = 15

    /// Queries scored together per kernel call (the score tile stays in L2).
    static let queryTile = 32

    /// Finds the `k` most similar vectors for each of `count` queries.
    ///
    /// The batch is quantized per row (INT8, like every activation in ShopServe) and scored with
    /// INT8 GEMMs: `.exact` walks the whole table block by block (one GEMM per block for up to 32
    /// queries at once), `.ivf` first scores the centroids (one GEMM), then the probed lists.
    /// Queries need not be normalized: scores are cosine similarities.
    ///
    /// - Parameters:
    ///   - queries: `count × dimension` floats, row-major, finite.
    ///   - results: room for `count × k` hits; row `i` gets query `i`'s hits, best first, padded with
    ///     ``SearchHit/none`` when fewer than `k` entries pass `filter` (or `k > self.count`).
    ///   - scratch: the calling thread's workspace; region `scratchRegion` grows as needed.
    /// - Throws: ``VectorIndexError`` for `k < 0`, a non-finite query, `.ivf` without lists.
    public func search(queries: UnsafePointer<Float>, count queryCount: Int, k: Int, mode: SearchMode = .exact,
                       filter: SearchFilter? = nil, results: UnsafeMutablePointer<SearchHit>,
                       scratch: WorkerWorkspace, scratchRegion: Int = VectorIndex.defaultScratchRegion) throws {
        guard k >= 0, queryCount >= 0, !queryCount.multipliedReportingOverflow(by: k).overflow else {
            throw VectorIndexError.invalidArgument("k (\(k)) and the query count (\(queryCount)) must be >= 0 and their product representable")
        }
        var nprobe = 0
        if case .ivf(let requested) = mode {
            guard let ivf else { throw VectorIndexError.noIVFLists }
            guard requested >= 1 else { throw VectorIndexError.invalidArgument("nprobe must be >= 1, got \(requested)") }
            nprobe = min(requested, ivf.listCount)
        }
        for q in 0..<queryCount where !(0..<dimension).allSatisfy({ queries[q * dimension + $0].isFinite }) {
            throw VectorIndexError.nonFiniteQuery(index: q)
        }
        guard queryCount > 0, k > 0 else { return }
        let heapK = Self.candidateCount(k: k, count: count, fine: fine != nil)
        guard heapK > 0 else {
            results.update(repeating: .none, count: queryCount * k)
            return
        }
        var shape = SearchScratch.Shape(queries: queryCount, dimension: dimension,
                                        candidateSlots: TopKCandidates.capacity(k: heapK),
                                        tileFloats: Self.queryTile * flat.maxBlockRows, rotated: rotation != nil)
        if let ivf, nprobe > 0 {
            shape.tileFloats = Self.queryTile * max(ivf.listCount, ivf.maxListRows)
            shape.nprobe = nprobe
            shape.lists = ivf.listCount
            shape.chunkQueries = min(queryCount, Self.ivfChunkQueries)
        }
        let layout = SearchScratch.Layout(shape)
        let work = SearchScratch(layout: layout, base: scratch.region(scratchRegion, bytes: layout.totalBytes))
        var queries = queries
        if let rotation {
            rotation.apply(queries, count: queryCount, into: work.rotatedQueries)
            queries = UnsafePointer(work.rotatedQueries)
        }
        try prepareQueries(queries, count: queryCount, into: work)
        let heaps = TopKCandidates(k: heapK, capacity: TopKCandidates.capacity(k: heapK), scores: work.candidateScores,
                                   rows: work.candidateRows, sizes: work.candidateSizes, thresholds: work.thresholds,
                                   sink: work.sink)
        heaps.reset(count: queryCount)
        let scan = CandidateScan(heaps: heaps, filter: ResolvedFilter(filter, categories: categories, ids: ids))
        if let ivf, nprobe > 0 {
            try searchIVF(ivf, queryCount: queryCount, nprobe: nprobe, work: work, scan: scan)
        } else {
            try searchExact(queryCount: queryCount, work: work, scan: scan)
        }
        for q in 0..<queryCount {
            rescore(heaps, query: q, vector: queries + q * dimension)
            heaps.drain(q, slots: k, ids: ids?.baseAddress, to: results + q * k)
        }
    }

    /// Candidates kept per query by the INT8 scan before the FP32-query re-scoring picks the best `k`:
    /// `k + max(k, 16)`, or with INT16 rows `k + max(k / 2, extra)` (the INT8 shortlist of 20 holds
    /// the FP32 top 10 in 99.99% of cases on Fashion-MNIST PCA-64; each candidate costs an INT16 dot).
    static func candidateCount(k: Int, count: Int, fine: Bool = false) -> Int {
        k >= count ? count : min(count, k + (fine ? max(k / 2, fineExtra) : max(k, 16)))
    }
    static let fineExtra = 10

    /// Re-scores query `q`'s candidates with the FP32 query against the INT16 rows if the index has
    /// them, else the INT8 rows (`q · v · s_v`, divided by ‖q‖): removes the query's quantization
    /// error (and with INT16 rows, nearly all of the catalogue's) from the final order and scores.
    private func rescore(_ heaps: TopKCandidates, query q: Int, vector: UnsafePointer<Float>) {
        let norm = VectorMath.norm(vector, dimension: dimension)
        let inverseNorm: Float = norm > 0 ? 1 / norm : 0
        if let fine {
            heaps.prefetchRows(q, table: UnsafeRawPointer(fine.rows.baseAddress!), rowBytes: 2 * dimension)
            guard fine.pairs else {
                heaps.rescore(q) { row in fine.dot(vector, row: Int(row)) * fine.scales[Int(row)] * inverseNorm }
                return
            }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { paired in
                fine.pair(vector, into: paired.baseAddress!)
                heaps.rescore(q) { row in fine.pairedDot(paired.baseAddress!, row: Int(row)) * fine.scales[Int(row)] * inverseNorm }
            }
            return
        }
        let table = vectors.baseAddress!
        heaps.prefetchRows(q, table: UnsafeRawPointer(table), rowBytes: dimension)
        heaps.rescore(q) { row in
            VectorMath.dot(vector, table + Int(row) * dimension, dimension: dimension) * scales[Int(row)] * inverseNorm
        }
    }

    /// Quantizes the queries per row and folds 1 / ‖q‖ into their scales (scores become cosines).
    private func prepareQueries(_ queries: UnsafePointer<Float>, count: Int, into work: SearchScratch) throws {
        let rc = shop_quantize_rows(count, dimension, queries, dimension, work.queryInt8, dimension, work.queryScales, nil)
        guard rc == SHOP_OK else { throw VectorIndexError.kernelFailure("shop_quantize_rows", rc) }
        for q in 0..<count {
            let norm = VectorMath.norm(queries + q * dimension, dimension: dimension)
            work.queryScales[q] = norm > 0 ? work.queryScales[q] / norm : 0
        }
    }

    /// Scores every block of the table against tiles of queries.
    private func searchExact(queryCount: Int, work: SearchScratch, scan: CandidateScan) throws {
        for block in 0..<flat.blockCount {
            let start = flat.rowStarts[block], rows = flat.rowStarts[block + 1] - start
            for q0 in stride(from: 0, to: queryCount, by: Self.queryTile) {
                let m = min(Self.queryTile, queryCount - q0)
                let rc = shop_gemm_s8s8_f32(m, work.queryInt8 + q0 * dimension, dimension, work.queryScales + q0,
                                            flat.packed(block), scales.baseAddress! + start, nil, SHOP_ACT_NONE,
                                            work.tile, rows)
                guard rc == SHOP_OK else { throw VectorIndexError.kernelFailure("shop_gemm_s8s8_f32", rc) }
                for i in 0..<m {
                    scan.scan(work.tile + i * rows, length: rows, query: q0 + i, rowBase: start, rowMap: nil)
                }
            }
        }
    }
}
