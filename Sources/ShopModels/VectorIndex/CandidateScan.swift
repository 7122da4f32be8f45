/// Feeds one row of kernel scores into a query's top-k candidates: a vector compare against the
/// query's threshold skips (almost) every score, and only candidates that would enter are filtered.
struct CandidateScan {
    let heaps: TopKCandidates
    /// The filter, resolved against the index's tables (nil admits everything).
    let filter: ResolvedFilter?

    /// Offers `scores[0 ..< length]` to query `query`; score `j` belongs to flat row
    /// `rowMap[rowBase + j]` (IVF list order) or `rowBase + j` when `rowMap` is nil.
    @inline(__always) func scan(_ scores: UnsafePointer<Float>, length: Int, query: Int, rowBase: Int,
                                rowMap: UnsafePointer<Int64>?) {
        var threshold = heaps.threshold(query)
        // A query's first row: start from a bound instead of -infinity (later rows rarely beat the
        // threshold the first one left).
        if threshold == -.infinity, filter == nil, length >= Self.boundGroups, heaps.k <= Self.boundGroups {
            threshold = Self.lowerBound(scores, length: length, reachedBy: heaps.k)
            heaps.raiseThreshold(query, to: threshold)
        }
        var j = 0
        while j + 16 <= length {
            let v = UnsafeRawPointer(scores + j).loadUnaligned(as: SIMD16<Float>.self)
            if any(v .>= SIMD16<Float>(repeating: threshold)) {
                // Quarters first (one SSE compare each), then the scores of the quarters that pass.
                for quarter in stride(from: j, to: j + 16, by: 4)
                where any(UnsafeRawPointer(scores + quarter).loadUnaligned(as: SIMD4<Float>.self) .>= SIMD4<Float>(repeating: threshold)) {
                    for t in quarter..<(quarter + 4) where scores[t] >= threshold {
                        offer(scores[t], t, query: query, rowBase: rowBase, rowMap: rowMap)
                        threshold = heaps.threshold(query)
                    }
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

    /// Disjoint groups of a row whose maxima give ``lowerBound(_:length:)``.
    static let boundGroups = 32

    /// A score that at least `count` (<= 32) of `scores[0 ..< length]` (length >= 32) reach: the
    /// `count`-th largest of the maxima of 32 disjoint groups (lane `l` of every even or odd
    /// 16-block). Every score of the row that reaches it is offered, so once the row is scanned the
    /// query holds at least `count` candidates that reach it, and with `count` = k it is a valid
    /// threshold from the start of the row: the first rows of a query no longer fill its buffer with
    /// candidates that a cut would throw away.
    @inline(__always) static func lowerBound(_ scores: UnsafePointer<Float>, length: Int, reachedBy count: Int) -> Float {
        // Plain loops over a fixed 32 lanes: LLVM turns them into packed max instructions
        // (SIMD16's pointwiseMax does not, on the baseline target).
        var m = (SIMD16<Float>(), SIMD16<Float>())
        return withUnsafeMutableBytes(of: &m) { raw in
            let lanes = raw.baseAddress!.assumingMemoryBound(to: Float.self)
            for l in 0..<32 { lanes[l] = scores[l] }
            var j = 32
            while j + 32 <= length {
                for l in 0..<32 {
                    let v = scores[j + l]
                    lanes[l] = v > lanes[l] ? v : lanes[l]
                }
                j += 32
            }
            return TopKCandidates.largest(count, of: UnsafeMutableBufferPointer(start: lanes, count: 32))
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
