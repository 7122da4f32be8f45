/// The candidates one recall channel produced: item rows best first with the channel's own scores.
public struct ChannelCandidates: Sendable {
    /// The channel.
    public var channel: RecallChannelKind
    /// Item rows, best first (at most the channel's quota).
    public var rows: [Int32]
    /// The channel's own score of each row (any scale; higher is better).
    public var scores: [Float]

    public init(channel: RecallChannelKind, rows: [Int32], scores: [Float]) {
        precondition(rows.count == scores.count, "one score per row")
        self.channel = channel
        self.rows = rows
        self.scores = scores
    }
}

/// One item of a merged recall answer.
public struct MergedItem: Sendable, Equatable {
    /// The item's row in the model's catalogue.
    public var row: Int32
    /// The merge score in [0, 1].
    public var score: Float
    /// The channel whose weighted score for this item was largest.
    public var channel: RecallChannelKind
}

/// Merges channel candidates into one answer (tools/train/recsys/merge.py is the reference).
///
/// A channel's scores are min-max normalised over its candidates to [0, 1] (a single candidate, or
/// all-equal scores, give 1) and multiplied by the channel's weight (the weights sum to 1). An
/// item's merge score is the sum over the channels that found it, times its penalty factor (1 unless
/// it neighbours a disliked item); it is tagged with the channel of the largest weighted score
/// (ties: the lower channel number). Items are ordered by descending score, then ascending row.
public enum ChannelMerge {
    public static func merge(_ candidates: [ChannelCandidates], weights: [RecallChannelKind: Double], limit: Int,
                             penalty: [Int32: Double] = [:]) -> [MergedItem] {
        var total: [Int32: Double] = [:]
        var best: [Int32: (value: Double, channel: RecallChannelKind)] = [:]
        for channel in candidates.sorted(by: { $0.channel < $1.channel }) {
            let weight = weights[channel.channel] ?? 0
            let normalised = normalise(channel.scores)
            for (row, score) in zip(channel.rows, normalised) {
                let value = weight * score
                total[row, default: 0] += value
                if let current = best[row], current.value >= value { continue }
                best[row] = (value, channel.channel)
            }
        }
        var scored = total.map { row, score in (row: row, score: score * (penalty[row] ?? 1)) }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
        return scored.prefix(max(limit, 0)).map {
            MergedItem(row: $0.row, score: Float($0.score), channel: best[$0.row]!.channel)
        }
    }

    /// (s − min) / (max − min) in Double; all ones when there is no spread.
    static func normalise(_ scores: [Float]) -> [Double] {
        guard let low = scores.min(), let high = scores.max(), high > low else {
            return Array(repeating: 1, count: scores.count)
        }
        let span = Double(high) - Double(low)
        return scores.map { (Double($0) - Double(low)) / span }
    }
}
