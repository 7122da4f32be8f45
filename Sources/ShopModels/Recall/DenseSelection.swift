/// Picks a channel's best candidates out of dense per-item scores.
enum DenseSelection {
    /// The `count` rows with the highest score among rows that are `eligible` and not `excluded`,
    /// best first (ties: lower row first), with their scores.
    static func best(_ scores: [Double], count: Int, eligible: [Bool]?, excluded: [Bool]) -> ChannelCandidates.Parts {
        guard count > 0 else { return ([], []) }
        var picked: [(row: Int32, score: Double)] = []
        picked.reserveCapacity(count + 1)
        // A bounded insertion list: the quota is small (≤ 1000) next to the catalogue.
        for row in 0..<scores.count where !excluded[row] && (eligible?[row] ?? true) {
            let score = scores[row]
            if picked.count == count, let last = picked.last, last.score >= score { continue }
            var position = picked.count
            while position > 0 && picked[position - 1].score < score { position -= 1 }
            picked.insert((Int32(row), score), at: position)
            if picked.count > count { picked.removeLast() }
        }
        return (picked.map(\.row), picked.map { Float($0.score) })
    }
}

extension ChannelCandidates {
    /// Rows and scores of a channel, best first.
    typealias Parts = (rows: [Int32], scores: [Float])
}
