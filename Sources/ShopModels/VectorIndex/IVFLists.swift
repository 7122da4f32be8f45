import ShopKernels

/// The inverted lists of an IVF index: centroids, and the catalogue rows grouped by nearest
/// centroid, stored (and packed for the kernels) in list order so one list is one contiguous scan.
struct IVFLists: @unchecked Sendable {
    /// Number of lists C.
    let listCount: Int
    /// FP32 centroids `[C, d]` (as stored; unit length when built by this project).
    let centroids: UnsafeBufferPointer<Float>
    /// List `l` holds list-order entries `listOffsets[l] ..< listOffsets[l + 1]`.
    let listOffsets: [Int]
    /// Flat row of each list-order entry.
    let rows: UnsafeBufferPointer<Int64>
    /// List-order INT8 vectors `[n, d]` and their scales (copies of the flat rows `rows[i]`).
    let vectors: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    /// Each list packed for the GEMM.
    let packedLists: PackedRowBlocks
    /// The centroids quantized per row and packed as one block (the coarse step is one INT8 GEMM).
    let packedCentroids: PackedRowBlocks
    let centroidScales: UnsafeBufferPointer<Float>
    private let centroidMemory: OwnedMemory

    /// Wraps validated storage (the caller guarantees shapes and ranges).
    init(centroids: UnsafeBufferPointer<Float>, dimension: Int, listOffsets: [Int],
         rows: UnsafeBufferPointer<Int64>, vectors: UnsafeBufferPointer<Int8>,
         scales: UnsafeBufferPointer<Float>) throws {
        listCount = listOffsets.count - 1
        self.centroids = centroids
        self.listOffsets = listOffsets
        self.rows = rows
        self.vectors = vectors
        self.scales = scales
        packedLists = try PackedRowBlocks(rows: vectors.baseAddress, dimension: dimension, rowStarts: listOffsets)

        let c = listCount
        centroidMemory = OwnedMemory(byteCount: c * dimension + 64 + c * MemoryLayout<Float>.stride)
        let base = centroidMemory.bytes.baseAddress!
        let q8 = base.bindMemory(to: Int8.self, capacity: c * dimension)
        let scaleStart = (c * dimension + 63) / 64 * 64
        let qScales = (base + scaleStart).bindMemory(to: Float.self, capacity: c)
        let rc = shop_quantize_rows(c, dimension, centroids.baseAddress, dimension, q8, dimension, qScales, nil)
        guard rc == SHOP_OK else {
            throw VectorIndexError.kernelFailure("shop_quantize_rows", rc)
        }
        centroidScales = UnsafeBufferPointer(start: qScales, count: c)
        packedCentroids = try PackedRowBlocks(rows: q8, dimension: dimension, rowStarts: [0, c])
    }

    /// Entries in the longest list.
    var maxListRows: Int { packedLists.maxBlockRows }
}
