/// The `architecture` of a `rank.mmoe` config.json (written by tools/train/recsys).
public struct RankArchitecture: Codable, Sendable {
    /// Catalogue size.
    public var items: Int
    /// Item embedding width D.
    public var dimension: Int
    /// Behaviour items the attention reads (most recent first).
    public var sequenceLength: Int
    /// Shared experts.
    public var experts: Int
    /// Width of each expert.
    public var expertHidden: Int
    /// Genre columns of `item_genres`.
    public var genres: Int
    /// Hour-of-day buckets of the context one-hot (one more column = unknown).
    public var hourBuckets: Int
    /// Weekdays of the context one-hot (one more column = unknown).
    public var weekdays: Int
    /// Most candidates per call.
    public var maxCandidates: Int

    enum CodingKeys: String, CodingKey {
        case items, dimension, sequenceLength = "sequence_length", experts, expertHidden = "expert_hidden", genres
        case hourBuckets = "hour_buckets", weekdays, maxCandidates = "max_candidates"
    }

    /// Width of the feature row the experts and gates read.
    public var featureWidth: Int { 4 * dimension + genres + 2 + (hourBuckets + 1) + (weekdays + 1) }
}

/// Per-request data shared by all candidate rows of one Rank call (the scheduler's context).
public final class RankContext: @unchecked Sendable {
    /// Known behaviour rows, most recent first, at most the model's sequence length.
    public let sequence: [Int32]
    /// Hour bucket (0..<hourBuckets) or nil = unknown.
    public let hourBucket: Int?
    /// ISO weekday 0 (Monday) ... 6, or nil = unknown.
    public let weekday: Int?

    public init(sequence: [Int32], hourBucket: Int?, weekday: Int?) {
        self.sequence = sequence
        self.hourBucket = hourBucket
        self.weekday = weekday
    }
}
