/// The best `k` (score, row) candidates of each query, in caller-provided scratch memory.
///
/// While scanning, each query appends candidates that reach its threshold to a buffer of
/// `capacity` (> k) slots: O(1) per candidate. When the buffer is full it is cut back to its best
/// `k` by selection (quickselect) and the threshold becomes the k-th best score, so a candidate
/// costs one compare against a value that only rises. ``rescore(_:_:)`` cuts the buffer to `k`
/// one last time, replaces the scores and sorts the `k` entries best first for
/// ``drain(_:slots:ids:to:)``.
///
/// Order: a higher score is better; equal scores prefer the smaller row. The order is total, so
/// the kept set does not depend on the order candidates are visited in (exact and IVF scans agree).
struct TopKCandidates {
    let k: Int
    /// Slots per query (the buffer); `>= k`.
    let capacity: Int
    let scores: UnsafeMutablePointer<Float>
    let rows: UnsafeMutablePointer<Int32>
    let sizes: UnsafeMutablePointer<Int32>
    /// The score a candidate must reach to be appended (-infinity until the first cut).
    let thresholds: UnsafeMutablePointer<Float>
    /// Scratch byte where prefetch loads leave their value so the optimizer keeps them (never read).
    let sink: UnsafeMutablePointer<Int8>

    /// Buffer slots per query for `k` kept candidates: large enough that cuts are rare, at most 2k
    /// for large k (scratch memory).
    static func capacity(k: Int) -> Int { k > 0 ? k + max(k, slack) : 0 }
    static let slack = 32

    /// Empties the candidate sets of queries `0 ..< count`.
    func reset(count: Int) {
        sizes.update(repeating: 0, count: count)
        thresholds.update(repeating: -.infinity, count: count)
    }

    /// The score a candidate must reach (`>=`) to possibly be among query `q`'s best `k`.
    @inline(__always) func threshold(_ q: Int) -> Float { thresholds[q] }

    /// Raises query `q`'s threshold to `bound`, which the caller guarantees at least `k` of the
    /// candidates it is about to offer reach.
    @inline(__always) func raiseThreshold(_ q: Int, to bound: Float) { thresholds[q] = max(thresholds[q], bound) }

    /// Offers a candidate (whose score reached ``threshold(_:)``) to query `q`.
    @inline(__always) func offer(_ q: Int, score: Float, row: Int32) {
        var size = Int(sizes[q])
        if size == capacity {
            cut(q)
            size = k
        }
        let base = q * capacity
        scores[base + size] = score
        rows[base + size] = row
        sizes[q] = Int32(size + 1)
    }

    /// Keeps only query `q`'s best `k` candidates (in no particular order) and raises its threshold
    /// to the worst of them: the k-th largest score by quickselect on a copy of the scores, then
    /// one compaction pass (equal scores at the cut keep the smaller rows).
    func cut(_ q: Int) {
        let size = Int(sizes[q])
        guard size > k else { return }
        let base = q * capacity
        let kth = withUnsafeTemporaryAllocation(of: Float.self, capacity: size) { copy -> Float in
            _ = copy.initialize(from: UnsafeBufferPointer(start: scores + base, count: size))
            return Self.largest(k, of: copy)
        }
        var kept = 0
        for i in 0..<size where scores[base + i] >= kth {
            scores[base + kept] = scores[base + i]
            rows[base + kept] = rows[base + i]
            kept += 1
        }
        if kept > k { dropExcessTies(base: base, kept: kept, excess: kept - k, score: kth) }
        sizes[q] = Int32(k)
        thresholds[q] = max(thresholds[q], kth)
    }

    /// The `k`-th largest of `values` (1 <= k <= count); reorders `values`.
    @inline(__always) static func largest(_ k: Int, of values: UnsafeMutableBufferPointer<Float>) -> Float {
        var lo = 0, hi = values.count - 1
        let target = k - 1  // in descending order
        while hi - lo > 2 {
            let mid = lo + (hi - lo) / 2
            // Median of three at `mid`, then Hoare partition around its value (descending).
            if values[mid] > values[lo] { values.swapAt(lo, mid) }
            if values[hi] > values[lo] { values.swapAt(lo, hi) }
            if values[hi] > values[mid] { values.swapAt(mid, hi) }
            let pivot = values[mid]
            var i = lo, j = hi
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return values[target] }
        }
        // At most three left: sort them descending.
        for a in lo...hi { for b in (a + 1)..<(hi + 1) where values[b] > values[a] { values.swapAt(a, b) } }
        return values[target]
    }

    /// Removes `excess` of the entries scoring exactly `score` among the first `kept`, largest rows
    /// first (rare: needs equal scores at the cut).
    private func dropExcessTies(base: Int, kept: Int, excess: Int, score: Float) {
        var size = kept
        for _ in 0..<excess {
            var worst = -1
            for i in 0..<size where scores[base + i] == score && (worst < 0 || rows[base + i] > rows[base + worst]) { worst = i }
            size -= 1
            scores[base + worst] = scores[base + size]
            rows[base + worst] = rows[base + size]
        }
    }

    @inline(__always) private func worse(_ s1: Float, _ r1: Int32, _ s2: Float, _ r2: Int32) -> Bool {
        s1 < s2 || (s1 == s2 && r1 > r2)
    }

    /// Touches every cache line of every candidate row of query `q` in `table` (rows of `rowBytes`),
    /// so the cache misses of the re-scoring overlap instead of coming one after another.
    @inline(__always) func prefetchRows(_ q: Int, table: UnsafeRawPointer, rowBytes: Int) {
        let base = q * capacity
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

    /// Cuts query `q`'s candidates to its best `k`, replaces every entry's score by `score(row)` and
    /// sorts them best first (insertion sort: k is small).
    @inline(__always) func rescore(_ q: Int, _ score: (Int32) -> Float) {
        cut(q)
        let base = q * capacity
        let size = Int(sizes[q])
        for i in 0..<size { scores[base + i] = score(rows[base + i]) }
        for i in 1..<max(size, 1) {
            let s = scores[base + i], r = rows[base + i]
            var j = i
            while j > 0, worse(scores[base + j - 1], rows[base + j - 1], s, r) {
                scores[base + j] = scores[base + j - 1]
                rows[base + j] = rows[base + j - 1]
                j -= 1
            }
            scores[base + j] = s
            rows[base + j] = r
        }
    }

    /// After ``rescore(_:_:)``: writes query `q`'s best `slots` entries best first to `out[0 ..< slots]`
    /// (empty slots as ``SearchHit/none``) and empties its set.
    func drain(_ q: Int, slots: Int, ids: UnsafePointer<Int64>?, to out: UnsafeMutablePointer<SearchHit>) {
        let base = q * capacity
        let filled = min(Int(sizes[q]), slots)
        for i in 0..<filled {
            let row = rows[base + i]
            out[i] = SearchHit(id: ids.map { $0[Int(row)] } ?? Int64(row), row: row, score: scores[base + i])
        }
        for slot in filled..<slots { out[slot] = .none }
        sizes[q] = 0
    }
}
