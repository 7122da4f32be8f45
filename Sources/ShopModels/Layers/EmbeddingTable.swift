import ShopKernels

/// An INT8 embedding table `[rows, dimension]` with one F32 scale per row, read in place from the
/// memory-mapped model file: `e[id] ≈ table[id, :] · scale[id]`.
///
/// Reads `NAME` (I8 `[rows, dimension]`) and `NAME.scale` (F32 `[rows]`), as `tools/quantize
/// --embedding NAME` writes them. The layer keeps the mapping alive and is immutable: any number of
/// threads may call it at once.
///
/// **Out-of-range ids** (negative, or `>= rows`: unknown items, ids from a newer catalogue) never
/// crash and never fail the batch: ``bag(ids:lengths:bags:mode:weights:output:outputStride:scratch:)``
/// skips them — they add nothing and do not count toward a mean's divisor (a bag whose ids are all
/// skipped is all zeros) — and returns how many it skipped; ``lookup(_:into:)`` writes zeros and
/// returns false.
public final class EmbeddingTable: @unchecked Sendable {
    /// How a bag combines its embeddings.
    public enum BagMode: String, Sendable, Codable {
        /// Σ weightᵢ · e[idᵢ].
        case sum
        /// The sum divided by the number of valid ids in the bag (not by the weights' sum).
        case mean
    }

    /// The tensor name (or a caller-given name), used in messages.
    public let name: String
    /// Number of embeddings (valid ids are `0..<rows`).
    public let rows: Int
    /// Width of each embedding.
    public let dimension: Int

    private let table: UnsafePointer<Int8>?
    private let scales: [Float]
    /// Keeps the mapped file alive (tensor-file tables).
    private let mapping: TensorView<Int8>?
    /// Owned copy (array tables), freed in deinit.
    private let owned: UnsafeMutablePointer<Int8>?

    /// Loads table `name` and its `name.scale` from a model file.
    /// - Throws: ``ModelLoadError`` naming the file and tensor if either is missing, has the wrong
    ///   dtype or shape, or a scale is not finite.
    public init(tensors: SafetensorsFile, name: String) throws {
        let (values, scales) = try tensors.int8Rows(name, rank: 2)
        self.name = name
        rows = values.shape[0]
        dimension = values.shape[1]
        self.scales = scales
        mapping = values
        table = values.buffer.baseAddress
        owned = nil
    }

    /// A table from arrays (tests, tables a model builds itself): `values` row-major `[rows, dimension]`.
    public init(name: String = "embedding", int8Values values: [Int8], scales: [Float], rows: Int, dimension: Int) throws {
        guard rows >= 0, dimension >= 0 else { throw LayerError("\(name): negative shape") }
        try requireCount(values, rows * dimension, name)
        try requireCount(scales, rows, "\(name).scale")
        try requireFinite(scales, "\(name).scale")
        self.name = name
        self.rows = rows
        self.dimension = dimension
        self.scales = scales
        mapping = nil
        let copy = UnsafeMutablePointer<Int8>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { if let base = $0.baseAddress { copy.initialize(from: base, count: $0.count) } }
        owned = copy
        table = UnsafePointer(copy)
    }

    deinit { owned?.deallocate() }

    /// Whether `id` names a row of the table.
    @inline(__always)
    public func contains(_ id: Int) -> Bool { id >= 0 && id < rows }

    /// The per-row scale of `id` (precondition: `contains(id)`).
    public func scale(of id: Int) -> Float { scales[id] }

    /// The raw INT8 row of `id` (precondition: `contains(id)`), valid while the table exists.
    public func quantizedRow(_ id: Int) -> UnsafeBufferPointer<Int8> {
        precondition(contains(id), "\(name): id \(id) out of range 0..<\(rows)")
        return UnsafeBufferPointer(start: table.map { $0 + id * dimension }, count: dimension)
    }

    /// Writes the dequantized embedding of `id` to `output[0..<dimension]`; for an out-of-range
    /// id writes zeros and returns false.
    @discardableResult
    public func lookup(_ id: Int, into output: UnsafeMutablePointer<Float>) -> Bool {
        guard contains(id), let table else {
            output.update(repeating: 0, count: dimension)
            return false
        }
        let scale = scales[id], row = table + id * dimension
        for d in 0..<dimension { output[d] = scale * Float(row[d]) }
        return true
    }

    /// Scratch bytes a bag call over `ids` ids in `bags` bags needs.
    public func bagScratchBytes(ids: Int, bags: Int) -> Int {
        LayerScratch.size(bytes: ids * 8) + LayerScratch.size(bytes: (bags + 1) * 8) + LayerScratch.size(floats: ids)
    }

    /// Embedding bags over a batch: bag `b` holds the next `lengths[b]` ids of `ids` (bag 0 starts
    /// at `ids[0]`; negative lengths count as 0), and
    /// `output[b, :] = Σ weightᵢ · e[idᵢ]` (`mean`: divided by the bag's number of valid ids),
    /// accumulated in id order by `shop_embedding_bag`. `weights`, when given, has one weight per
    /// id. Out-of-range ids are skipped (see the type's documentation).
    /// - Returns: the number of ids skipped.
    @discardableResult
    public func bag(ids: UnsafePointer<Int32>, lengths: UnsafePointer<Int32>, bags: Int, mode: BagMode,
                    weights: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
                    scratch: inout LayerScratch) -> Int {
        bagImplementation(ids: ids, lengths: lengths, bags: bags, mode: mode, weights: weights, output: output,
                          outputStride: outputStride ?? dimension, scratch: &scratch)
    }

    /// ``bag(ids:lengths:bags:mode:weights:output:outputStride:scratch:)`` with 64-bit ids.
    @discardableResult
    public func bag(ids: UnsafePointer<Int64>, lengths: UnsafePointer<Int32>, bags: Int, mode: BagMode,
                    weights: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
                    scratch: inout LayerScratch) -> Int {
        bagImplementation(ids: ids, lengths: lengths, bags: bags, mode: mode, weights: weights, output: output,
                          outputStride: outputStride ?? dimension, scratch: &scratch)
    }

    private func bagImplementation<ID: BinaryInteger>(ids: UnsafePointer<ID>, lengths: UnsafePointer<Int32>, bags: Int,
                                                      mode: BagMode, weights: UnsafePointer<Float>?,
                                                      output: UnsafeMutablePointer<Float>, outputStride: Int,
                                                      scratch: inout LayerScratch) -> Int {
        precondition(bags >= 0 && outputStride >= dimension, "\(name): bad bag arguments")
        guard bags > 0 else { return 0 }
        var total = 0
        for b in 0..<bags { total += max(Int(lengths[b]), 0) }
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        let indices = scratch.buffer(of: Int64.self, count: total)
        let offsets = scratch.buffer(of: Int.self, count: bags + 1)
        let kept = weights == nil ? nil : scratch.floats(total)
        // Compact the valid ids (and their weights) so the kernel never sees an invalid one.
        var read = 0, written = 0
        offsets[0] = 0
        for b in 0..<bags {
            for _ in 0..<max(Int(lengths[b]), 0) {
                let id = Int64(truncatingIfNeeded: ids[read])
                if id >= 0 && id < Int64(rows) {
                    indices[written] = id
                    if let kept, let weights { kept[written] = weights[read] }
                    written += 1
                }
                read += 1
            }
            offsets[b + 1] = written
        }
        let rc = shop_embedding_bag(rows, dimension, table, dimension, scales, indices, offsets, bags, kept,
                                    mode == .mean ? SHOP_BAG_MEAN : SHOP_BAG_SUM, output, outputStride)
        precondition(rc == SHOP_OK, "\(name): shop_embedding_bag failed: \(String(cString: shop_kernels_strerror(rc)))")
        return total - written
    }
}
