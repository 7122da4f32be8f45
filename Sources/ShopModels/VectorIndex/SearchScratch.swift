/// The pieces of one search's scratch memory, carved out of one workspace region.
struct SearchScratch {
    /// What a search needs room for.
    struct Shape {
        var queries: Int, dimension: Int, candidateSlots: Int
        /// Floats of kernel output per tile of queries.
        var tileFloats: Int
        /// Whether queries are rotated (into a copy) before quantization.
        var rotated: Bool
        /// IVF only (0 for exact): lists probed per query, number of lists, queries per IVF chunk.
        var nprobe = 0, lists = 0, chunkQueries = 0
    }

    /// Byte offsets of each piece (64-byte aligned).
    struct Layout {
        let rotatedQueries: Int, queryInt8: Int, queryScales: Int, candidateScores: Int, candidateRows: Int, candidateSizes: Int,
            thresholds: Int, tile: Int
        let probeScores: Int, probeLists: Int, listStarts: Int, listQueries: Int, gathered: Int, gatheredScales: Int, sink: Int
        let totalBytes: Int

        init(_ s: Shape) {
            var offset = 0
            func take(_ bytes: Int) -> Int {
                defer { offset += (bytes + 63) / 64 * 64 }
                return offset
            }
            rotatedQueries = take(s.rotated ? s.queries * s.dimension * 4 : 0)
            queryInt8 = take(s.queries * s.dimension)
            queryScales = take(s.queries * 4)
            candidateScores = take(s.queries * s.candidateSlots * 4)
            candidateRows = take(s.queries * s.candidateSlots * 4)
            candidateSizes = take(s.queries * 4)
            thresholds = take(s.queries * 4)
            tile = take(s.tileFloats * 4)
            probeScores = take(s.nprobe * 4)
            probeLists = take(s.chunkQueries * s.nprobe * 8)
            listStarts = take(s.nprobe > 0 ? (s.lists + 1) * 4 : 0)
            listQueries = take(s.chunkQueries * s.nprobe * 4)
            gathered = take(s.nprobe > 0 ? VectorIndex.queryTile * s.dimension : 0)
            gatheredScales = take(s.nprobe > 0 ? VectorIndex.queryTile * 4 : 0)
            sink = take(1)
            totalBytes = offset
        }
    }

    /// The queries rotated by the index's rotation (when it has one).
    let rotatedQueries: UnsafeMutablePointer<Float>
    let queryInt8: UnsafeMutablePointer<Int8>
    let queryScales: UnsafeMutablePointer<Float>
    /// ``TopKCandidates`` storage: `candidateSlots` per query, the sizes and the thresholds.
    let candidateScores: UnsafeMutablePointer<Float>
    let candidateRows: UnsafeMutablePointer<Int32>
    let candidateSizes: UnsafeMutablePointer<Int32>
    let thresholds: UnsafeMutablePointer<Float>
    /// Kernel output: a tile of queries × (block rows, lists, or list rows).
    let tile: UnsafeMutablePointer<Float>
    /// IVF: centroid scores of one query's probed lists (unused values of shop_topk_f32).
    let probeScores: UnsafeMutablePointer<Float>
    /// IVF: the probed lists of each query of a chunk, `[chunk, nprobe]`.
    let probeLists: UnsafeMutablePointer<Int64>
    /// IVF: the chunk's (list, query) pairs grouped by list: list `l`'s queries are
    /// `listQueries[listStarts[l] ..< listStarts[l + 1]]`.
    let listStarts: UnsafeMutablePointer<Int32>
    let listQueries: UnsafeMutablePointer<Int32>
    /// IVF: the INT8 rows and scales of the queries scored against one list in one kernel call.
    let gathered: UnsafeMutablePointer<Int8>
    let gatheredScales: UnsafeMutablePointer<Float>
    /// A byte written and never read (see ``TopKCandidates/prefetchRows(_:table:rowBytes:)``).
    let sink: UnsafeMutablePointer<Int8>

    init(layout: Layout, base: UnsafeMutableRawPointer) {
        func at<T>(_ offset: Int, _: T.Type) -> UnsafeMutablePointer<T> { (base + offset).assumingMemoryBound(to: T.self) }
        rotatedQueries = at(layout.rotatedQueries, Float.self)
        queryInt8 = at(layout.queryInt8, Int8.self)
        queryScales = at(layout.queryScales, Float.self)
        candidateScores = at(layout.candidateScores, Float.self)
        candidateRows = at(layout.candidateRows, Int32.self)
        candidateSizes = at(layout.candidateSizes, Int32.self)
        thresholds = at(layout.thresholds, Float.self)
        tile = at(layout.tile, Float.self)
        probeScores = at(layout.probeScores, Float.self)
        probeLists = at(layout.probeLists, Int64.self)
        listStarts = at(layout.listStarts, Int32.self)
        listQueries = at(layout.listQueries, Int32.self)
        gathered = at(layout.gathered, Int8.self)
        gatheredScales = at(layout.gatheredScales, Float.self)
        sink = at(layout.sink, Int8.self)
    }
}
