import ShopKernels

/// An INT8 nearest-neighbour index over L2-normalized vectors (similarity = inner product = cosine),
/// exact or IVF, searched in batches with the project's INT8 GEMM.
///
/// Storage: one INT8 row per vector with an F32 scale (`v ≈ q · s`), optional external ids and
/// categories, optional IVF lists (see docs/model-format.md, "Vector index"). Loaded from a model's
/// safetensors file the tensors are used in place (memory-mapped); the kernels' packed copy of the
/// rows is made once at load. No FP32 vectors are kept. Each query's shortlist is re-scored with
/// the FP32 query against the INT8 rows, or against the optional INT16 rows (``FineVectors``,
/// `P.fine_vectors`) when the index has them.
///
/// Immutable after init: any number of threads may search at once, each with its own scratch.
public final class VectorIndex: @unchecked Sendable {
    /// Number of vectors.
    public let count: Int
    /// Dimension of every vector.
    public let dimension: Int
    /// Whether the shortlist is re-scored against INT16 rows (`P.fine_vectors`) instead of INT8 ones.
    public var hasFineVectors: Bool { fine != nil }
    /// Whether the index has IVF lists (``SearchMode/ivf(nprobe:)`` is available).
    public var hasIVF: Bool { ivf != nil }
    /// Number of IVF lists (0 without IVF).
    public var listCount: Int { ivf?.listCount ?? 0 }

    let vectors: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    let ids: UnsafeBufferPointer<Int64>?
    let categories: UnsafeBufferPointer<Int32>?
    let flat: PackedRowBlocks
    let ivf: IVFLists?
    /// The rotation the stored vectors went through (queries get it at search time), if any.
    let rotation: Rotation?
    /// INT16 rows for re-scoring, if any.
    let fine: FineVectors?
    /// Keeps the memory behind the buffers above alive (a mapped file or owned copies).
    private let owners: [AnyObject]

    /// Catalogue rows scored per kernel call in exact search (the packed block stays in L1/L2).
    static let exactBlockRows = 512

    /// Wraps validated storage; packs the rows for the kernels.
    init(count: Int, dimension: Int, vectors: UnsafeBufferPointer<Int8>, scales: UnsafeBufferPointer<Float>,
         ids: UnsafeBufferPointer<Int64>?, categories: UnsafeBufferPointer<Int32>?, ivf: IVFLists?,
         rotation: Rotation?, fine: FineVectors? = nil, owners: [AnyObject]) throws {
        self.count = count
        self.dimension = dimension
        self.vectors = vectors
        self.scales = scales
        self.ids = ids
        self.categories = categories
        self.ivf = ivf
        self.rotation = rotation
        self.fine = fine
        self.owners = owners
        flat = try PackedRowBlocks(rows: vectors.baseAddress, dimension: dimension,
                                   rowStarts: PackedRowBlocks.uniformStarts(count: count, blockRows: Self.exactBlockRows))
    }

    /// Builds an index in memory from FP32 vectors (tests, benchmarks, tools).
    ///
    /// Each row is L2-normalized, rotated (unless `rotate` is false), then quantized per row, like
    /// `tools/train/common/vector_index.py`.
    /// - Parameters:
    ///   - vectors: `count × dimension` floats, row-major, finite.
    ///   - ids: external ids (default: the row index); `categories`: one per row (optional).
    ///   - ivf: build IVF lists with sampled spherical k-means (nil: exact search only).
    ///   - rotate: apply a seeded random orthogonal rotation before quantizing (see `Rotation`):
    ///     the same neighbours in FP32, fewer INT8 rounding losses.
    ///   - fineVectors: also keep an INT16 copy of the rows to re-score each query's shortlist
    ///     (recall against FP32 no longer capped by INT8 rounding; `2 × dimension` bytes per row).
    public convenience init(vectors: [Float], count: Int, dimension: Int, ids: [Int64]? = nil,
                            categories: [Int32]? = nil, ivf: IVFBuildOptions? = nil, rotate: Bool = true,
                            fineVectors: Bool = false, seed: UInt64 = 0) throws {
        guard count >= 0, dimension >= 1, dimension <= Int(SHOP_MAX_K), count <= Int(Int32.max) else {
            throw VectorIndexError.invalidArgument("count \(count) / dimension \(dimension) out of range")
        }
        guard vectors.count == count * dimension else {
            throw VectorIndexError.invalidArgument("\(vectors.count) floats for \(count) x \(dimension) vectors")
        }
        if let ids, ids.count != count { throw VectorIndexError.invalidArgument("\(ids.count) ids for \(count) vectors") }
        if let categories, categories.count != count {
            throw VectorIndexError.invalidArgument("\(categories.count) categories for \(count) vectors")
        }
        guard vectors.allSatisfy({ $0.isFinite }) else { throw VectorIndexError.invalidArgument("vectors contain NaN or infinity") }

        var normalized = VectorMath.normalizedRows(vectors, dimension: dimension)
        var owners: [AnyObject] = []
        var rotation: Rotation?
        if rotate {
            let (memory, matrix) = OwnedMemory.copy(Rotation.random(dimension: dimension, seed: seed))
            owners.append(memory)
            let r = Rotation(matrix: matrix, dimension: dimension)
            var rotated = [Float](repeating: 0, count: normalized.count)
            rotated.withUnsafeMutableBufferPointer { out in
                if let target = out.baseAddress { r.apply(normalized, count: count, into: target) }
            }
            normalized = rotated
            rotation = r
        }
        let (quantMemory, q8, qScales) = try VectorMath.quantizedRows(normalized, count: count, dimension: dimension)
        owners.append(quantMemory)
        var fine: FineVectors?
        if fineVectors {
            let (memory, rows) = FineVectors.quantize(normalized, count: count, dimension: dimension)
            owners.append(memory)
            fine = rows
        }
        let idBuffer = ids.map { ids -> UnsafeBufferPointer<Int64> in
            let (memory, buffer) = OwnedMemory.copy(ids)
            owners.append(memory)
            return buffer
        }
        let categoryBuffer = categories.map { categories -> UnsafeBufferPointer<Int32> in
            let (memory, buffer) = OwnedMemory.copy(categories)
            owners.append(memory)
            return buffer
        }
        var lists: IVFLists?
        if let ivf {
            let clustering = try KMeans(options: ivf, seed: seed).cluster(normalized, quantized: q8, scales: qScales,
                                                               count: count, dimension: dimension)
            let layout = IVFLayout(assignments: clustering.assignments, listCount: clustering.listCount)
            let (centroidMemory, centroids) = OwnedMemory.copy(clustering.centroids)
            let (rowMemory, rows) = OwnedMemory.copy(layout.rows)
            let (listVectorMemory, listVectors) = OwnedMemory.copy(layout.gather(q8, dimension: dimension))
            let (listScaleMemory, listScales) = OwnedMemory.copy(layout.gather(qScales, dimension: 1))
            owners += [centroidMemory, rowMemory, listVectorMemory, listScaleMemory]
            lists = try IVFLists(centroids: centroids, dimension: dimension, listOffsets: layout.listOffsets,
                                 rows: rows, vectors: listVectors, scales: listScales)
        }
        try self.init(count: count, dimension: dimension, vectors: q8, scales: qScales, ids: idBuffer,
                      categories: categoryBuffer, ivf: lists, rotation: rotation, fine: fine, owners: owners)
    }

    /// The external id of `row`.
    @inline(__always) func id(ofRow row: Int) -> Int64 { ids.map { $0[row] } ?? Int64(row) }
}
