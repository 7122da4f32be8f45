/// Turns a list assignment per flat row into the IVF storage order: entries grouped by list,
/// rows ascending inside a list (a stable counting sort).
struct IVFLayout {
    /// `listCount + 1` boundaries into `rows`.
    let listOffsets: [Int]
    /// The flat row of each entry, in list order.
    let rows: [Int64]

    init(assignments: [Int32], listCount: Int) {
        var offsets = [Int](repeating: 0, count: listCount + 1)
        for list in assignments { offsets[Int(list) + 1] += 1 }
        for l in 0..<listCount { offsets[l + 1] += offsets[l] }
        var next = offsets
        var rows = [Int64](repeating: 0, count: assignments.count)
        for (row, list) in assignments.enumerated() {
            rows[next[Int(list)]] = Int64(row)
            next[Int(list)] += 1
        }
        listOffsets = offsets
        self.rows = rows
    }

    /// `source` rows (of `dimension` elements) copied into list order.
    func gather<Element>(_ source: UnsafeBufferPointer<Element>, dimension: Int) -> [Element] {
        guard !rows.isEmpty else { return [] }
        return [Element](unsafeUninitializedCapacity: rows.count * dimension) { out, initialized in
            for (i, row) in rows.enumerated() {
                let from = Int(row) * dimension
                for j in 0..<dimension { (out.baseAddress! + i * dimension + j).initialize(to: source[from + j]) }
            }
            initialized = rows.count * dimension
        }
    }
}
