/// One bounded min-heap per query, in caller-provided scratch memory: the best `k` (score, row)
/// pairs seen so far, worst at the root so a candidate is compared against one value.
///
/// Order: a higher score is better; equal scores prefer the smaller row. The order is total, so
/// the result does not depend on the order candidates are visited in (exact and IVF scans agree).
struct TopKHeaps {
    let k: Int
    let scores: UnsafeMutablePointer<Float>
    let rows: UnsafeMutablePointer<Int32>
    let sizes: UnsafeMutablePointer<Int32>
    /// Scratch byte where prefetch loads leave their value so the optimizer keeps them (never read).
    let sink: UnsafeMutablePointer<Int8>

    /// Empties the heaps of queries `0 ..< count`.
    func reset(count: Int) { sizes.update(repeating: 0, count: count) }

    /// The score a candidate must reach (`>=`) to possibly enter query `q`'s heap.
    @inline(__always) func threshold(_ q: Int) -> Float {
        Int(sizes[q]) < k ? -.infinity : scores[q * k]
    }

    @inline(__always) private func worse(_ s1: Float, _ r1: Int32, _ s2: Float, _ r2: Int32) -> Bool {
        s1 < s2 || (s1 == s2 && r1 > r2)
    }

    /// Offers a candidate to query `q`'s heap.
    @inline(__always) func offer(_ q: Int, score: Float, row: Int32) {
        let base = q * k
        let size = Int(sizes[q])
        if size < k {
            var i = size
            while i > 0 {
                let parent = (i - 1) / 2
                guard worse(score, row, scores[base + parent], rows[base + parent]) else { break }
                scores[base + i] = scores[base + parent]
                rows[base + i] = rows[base + parent]
                i = parent
            }
            scores[base + i] = score
            rows[base + i] = row
            sizes[q] = Int32(size + 1)
        } else if worse(scores[base], rows[base], score, row) {
            siftDown(base: base, size: size, score: score, row: row)
        }
    }

    /// Places (score, row) at the root of a heap of `size` entries and restores the heap order.
    @inline(__always) private func siftDown(base: Int, size: Int, score: Float, row: Int32) {
        siftDown(base: base, size: size, from: 0, score: score, row: row)
    }

    /// Places (score, row) at position `from` of a heap of `size` entries and sifts it down.
    @inline(__always) private func siftDown(base: Int, size: Int, from: Int, score: Float, row: Int32) {
        var i = from
        while true {
            var child = 2 * i + 1
            if child >= size { break }
            if child + 1 < size, worse(scores[base + child + 1], rows[base + child + 1], scores[base + child], rows[base + child]) {
                child += 1
            }
            guard worse(scores[base + child], rows[base + child], score, row) else { break }
            scores[base + i] = scores[base + child]
            rows[base + i] = rows[base + child]
            i = child
        }
        scores[base + i] = score
        rows[base + i] = row
    }

    /// Touches every cache line of every candidate row of query `q` in `table` (rows of `rowBytes`),
    /// so the cache misses of the re-scoring overlap instead of coming one after another.
    @inline(__always) func prefetchRows(_ q: Int, table: UnsafeRawPointer, rowBytes: Int) {
        let base = q * k
        var touched: UInt8 = 0
        for i in 0..<Int(sizes[q]) {
            let row = table + Int(rows[base + i]) * rowBytes
            var offset = 0
            while offset < rowBytes {
                touched |= row.load(fromByteOffset: offset, as: UInt8.self)
                offset += 64
            }
        }
        sink.pointee = Int8(bitPattern: touched)
    }

    /// Replaces every entry's score of query `q` by `score(row)` and restores the heap order.
    @inline(__always) func rescore(_ q: Int, _ score: (Int32) -> Float) {
        let base = q * k
        let size = Int(sizes[q])
        for i in 0..<size { scores[base + i] = score(rows[base + i]) }
        var i = size / 2
        while i > 0 {
            i -= 1
            siftDown(base: base, size: size, from: i, score: scores[base + i], row: rows[base + i])
        }
    }

    /// Writes query `q`'s best `slots` entries best first to `out[0 ..< slots]` (empty slots as
    /// ``SearchHit/none``) and empties the heap.
    func drain(_ q: Int, slots: Int, ids: UnsafePointer<Int64>?, to out: UnsafeMutablePointer<SearchHit>) {
        let base = q * k
        var size = Int(sizes[q])
        while size > slots { pop(base: base, size: &size) }
        for slot in size..<slots { out[slot] = .none }
        while size > 0 {
            let score = scores[base], row = rows[base]
            pop(base: base, size: &size)
            out[size] = SearchHit(id: ids.map { $0[Int(row)] } ?? Int64(row), row: row, score: score)
        }
        sizes[q] = 0
    }

    /// Removes the root (the worst entry) of the heap at `base`.
    @inline(__always) private func pop(base: Int, size: inout Int) {
        size -= 1
        if size > 0 { siftDown(base: base, size: size, score: scores[base + size], row: rows[base + size]) }
    }
}
