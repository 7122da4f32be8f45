/// Feeds one row of kernel scores into a query's top-k heap: a vector compare against the heap's
/// threshold skips (almost) every score, and only candidates that would enter are filtered.
struct CandidateScan {
    let heaps: TopKHeaps
    /// The filter, resolved against the index's tables (nil admits everything).
    let filter: ResolvedFilter?

    /// Offers `scores[0 ..< length]` to query `query`; score `j` belongs to flat row
    /// `rowMap[rowBase + j]` (IVF list order) or `rowBase + j` when `rowMap` is nil.
    @inline(__always) func scan(_ scores: UnsafePointer<Float>, length: Int, query: Int, rowBase: Int,
                                rowMap: UnsafePointer<Int64>?) {
        var threshold = heaps.threshold(query)
        var j = 0
        while j + 16 <= length {
            let v = UnsafeRawPointer(scores + j).loadUnaligned(as: SIMD16<Float>.self)
            if any(v .>= SIMD16<Float>(repeating: threshold)) {
                for t in j..<(j + 16) where scores[t] >= threshold {
                    offer(scores[t], t, query: query, rowBase: rowBase, rowMap: rowMap)
                    threshold = heaps.threshold(query)
                }
            }
            j += 16
        }
        while j < length {
            if scores[j] >= threshold {
                offer(scores[j], j, query: query, rowBase: rowBase, rowMap: rowMap)
                threshold = heaps.threshold(query)
            }
            j += 1
        }
    }

    @inline(__always) private func offer(_ score: Float, _ j: Int, query: Int, rowBase: Int,
                                         rowMap: UnsafePointer<Int64>?) {
        let row = rowMap.map { Int($0[rowBase + j]) } ?? rowBase + j
        if let filter, !filter.admits(row: row) { return }
        heaps.offer(query, score: score, row: Int32(truncatingIfNeeded: row))
    }
}

/// A ``SearchFilter`` bound to one index's category and id tables.
struct ResolvedFilter {
    let filter: SearchFilter
    let categories: UnsafeBufferPointer<Int32>?
    let ids: UnsafeBufferPointer<Int64>?

    /// nil when `filter` admits everything.
    init?(_ filter: SearchFilter?, categories: UnsafeBufferPointer<Int32>?, ids: UnsafeBufferPointer<Int64>?) {
        guard let filter, !filter.isTrivial else { return nil }
        self.filter = filter
        self.categories = categories
        self.ids = ids
    }

    @inline(__always) func admits(row: Int) -> Bool {
        if let allowed = filter.allowedCategories {
            guard let categories, allowed.contains(categories[row]) else { return false }
        }
        if !filter.excludedIDs.isEmpty {
            let id = ids.map { $0[row] } ?? Int64(row)
            if filter.excludedIDs.contains(id) { return false }
        }
        return true
    }
}
