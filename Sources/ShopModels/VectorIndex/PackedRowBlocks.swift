import ShopKernels

/// Consecutive row ranges of an INT8 table, each packed once for ``shop_gemm_s8s8_f32`` so a
/// search can score one range (a block of the catalogue, or one IVF list) with one kernel call.
///
/// The packed copy is the kernel's private layout (about the same size as the rows); it is made at
/// load time because the memory-mapped tensors are read-only and in the plain row-major layout.
struct PackedRowBlocks: @unchecked Sendable {
    /// Row boundaries: block `b` holds rows `rowStarts[b] ..< rowStarts[b + 1]`.
    let rowStarts: [Int]
    private let byteOffsets: [Int]
    private let memory: OwnedMemory

    var blockCount: Int { rowStarts.count - 1 }
    /// Rows in the largest block.
    let maxBlockRows: Int

    /// Packs `rows` (row-major `[rowStarts.last!, dimension]`) range by range.
    init(rows: UnsafePointer<Int8>?, dimension: Int, rowStarts: [Int]) throws {
        precondition(rowStarts.first == 0 && !rowStarts.isEmpty)
        var offsets: [Int] = []
        offsets.reserveCapacity(rowStarts.count)
        var total = 0
        var largest = 0
        for b in 0..<(rowStarts.count - 1) {
            let n = rowStarts[b + 1] - rowStarts[b]
            largest = max(largest, n)
            let size = shop_packed_weights_size(n, dimension)
            guard size > 0 else { throw VectorIndexError.invalidArgument("cannot pack \(n) x \(dimension) rows") }
            offsets.append(total)
            total += (size + 63) / 64 * 64
        }
        offsets.append(total)
        memory = OwnedMemory(byteCount: total)
        for b in 0..<(rowStarts.count - 1) {
            let n = rowStarts[b + 1] - rowStarts[b]
            let source = rows.map { $0 + rowStarts[b] * dimension }
            let rc = shop_pack_weights(n, dimension, n == 0 ? nil : source, dimension,
                                       memory.bytes.baseAddress! + offsets[b], offsets[b + 1] - offsets[b])
            guard rc == SHOP_OK else {
                throw VectorIndexError.kernelFailure("shop_pack_weights", rc)
            }
        }
        self.rowStarts = rowStarts
        self.byteOffsets = offsets
        self.maxBlockRows = largest
    }

    /// Boundaries cutting `count` rows into blocks of `blockRows` (the last one shorter).
    static func uniformStarts(count: Int, blockRows: Int) -> [Int] {
        var starts = Array(stride(from: 0, to: count, by: blockRows))
        starts.append(count)
        return starts
    }

    /// The packed buffer of block `b`.
    func packed(_ b: Int) -> UnsafeRawPointer { UnsafeRawPointer(memory.bytes.baseAddress! + byteOffsets[b]) }

    /// Bytes held by the packed copies.
    var byteCount: Int { byteOffsets.last ?? 0 }
}
