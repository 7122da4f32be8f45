/// The pieces of one search's scratch memory, carved out of one workspace region.
struct SearchScratch {
    /// Byte offsets of each piece (64-byte aligned).
    struct Layout {
        let queryInt8: Int, queryScales: Int, heapScores: Int, heapRows: Int, heapSizes: Int
        let tile: Int, listTile: Int, probeScores: Int, probeLists: Int
        let totalBytes: Int

        init(queries: Int, dimension: Int, k: Int, tileFloats: Int, nprobe: Int) {
            var offset = 0
            func take(_ bytes: Int) -> Int {
                defer { offset += (bytes + 63) / 64 * 64 }
                return offset
            }
            queryInt8 = take(queries * dimension)
            queryScales = take(queries * 4)
            heapScores = take(queries * k * 4)
            heapRows = take(queries * k * 4)
            heapSizes = take(queries * 4)
            tile = take(tileFloats * 4)
            listTile = take(nprobe > 0 ? tileFloats * 4 : 0)
            probeScores = take(nprobe * 4)
            probeLists = take(nprobe * 8)
            totalBytes = offset
        }
    }

    let queryInt8: UnsafeMutablePointer<Int8>
    let queryScales: UnsafeMutablePointer<Float>
    let heapScores: UnsafeMutablePointer<Float>
    let heapRows: UnsafeMutablePointer<Int32>
    let heapSizes: UnsafeMutablePointer<Int32>
    /// Kernel output: a tile of queries × (block rows or lists).
    let tile: UnsafeMutablePointer<Float>
    /// Kernel output for one IVF list.
    let listTile: UnsafeMutablePointer<Float>
    let probeScores: UnsafeMutablePointer<Float>
    let probeLists: UnsafeMutablePointer<Int64>

    init(layout: Layout, base: UnsafeMutableRawPointer) {
        queryInt8 = (base + layout.queryInt8).assumingMemoryBound(to: Int8.self)
        queryScales = (base + layout.queryScales).assumingMemoryBound(to: Float.self)
        heapScores = (base + layout.heapScores).assumingMemoryBound(to: Float.self)
        heapRows = (base + layout.heapRows).assumingMemoryBound(to: Int32.self)
        heapSizes = (base + layout.heapSizes).assumingMemoryBound(to: Int32.self)
        tile = (base + layout.tile).assumingMemoryBound(to: Float.self)
        listTile = (base + layout.listTile).assumingMemoryBound(to: Float.self)
        probeScores = (base + layout.probeScores).assumingMemoryBound(to: Float.self)
        probeLists = (base + layout.probeLists).assumingMemoryBound(to: Int64.self)
    }
}
