/// The `architecture` of a `recall.multichannel` config.json (written by tools/train/recsys).
public struct RecallArchitecture: Codable, Sendable {
    /// Catalogue size (rows of every item tensor).
    public var items: Int
    /// Width of the user vector and of the index vectors.
    public var dimension: Int
    /// Behaviour items the user tower reads (most recent first).
    public var sequenceLength: Int
    /// The most recent items of the tower's second (short-term) bag.
    public var shortLength: Int
    /// Tensor prefix of the vector index.
    public var indexPrefix: String
    /// `limit` when the request gives 0.
    public var defaultLimit: Int
    /// Largest `limit`.
    public var maxLimit: Int
    /// Default quota per channel (config name → items).
    public var channelQuotas: [String: Int]
    /// Weight of each channel's normalised score in the merge (they sum to 1).
    public var channelWeights: [String: Double]
    /// Weight factor per step back in the history for the neighbour channels.
    public var historyDecay: Double
    /// History items the item-to-item and real-time channels read.
    public var historyItems: Int
    /// Largest share of a merge score taken away from a neighbour of a disliked item.
    public var dislikePenalty: Double

    enum CodingKeys: String, CodingKey {
        case items, dimension, sequenceLength = "sequence_length", shortLength = "short_length"
        case indexPrefix = "index_prefix", defaultLimit = "default_limit", maxLimit = "max_limit"
        case channelQuotas = "channel_quotas", channelWeights = "channel_weights", historyDecay = "history_decay"
        case historyItems = "history_items", dislikePenalty = "dislike_penalty"
    }

    /// The default quota of `channel` (0 when config.json does not list it).
    public func quota(_ channel: RecallChannelKind) -> Int { channelQuotas[channel.configName] ?? 0 }

    /// The merge weights per channel.
    public var weights: [RecallChannelKind: Double] {
        Dictionary(uniqueKeysWithValues: RecallChannelKind.allCases.map { ($0, channelWeights[$0.configName] ?? 0) })
    }
}
