/// The channels of a recall answer (the raw values are `shop.v1.RecallChannel`'s numbers).
public enum RecallChannelKind: Int, CaseIterable, Sendable, Comparable {
    /// Nearest item embeddings to the user-tower embedding (two-tower model, vector index).
    case embedding = 1
    /// Co-occurrence neighbours of the user's stored history.
    case itemToItem = 2
    /// Recent popularity.
    case hot = 3
    /// Co-occurrence neighbours of the request's `recent_item_ids`.
    case realTime = 4
    /// Context-shaped popularity for users without history.
    case coldStart = 5

    /// The channel's key in config.json (`channel_quotas`, `channel_weights`).
    public var configName: String {
        switch self {
        case .embedding: return "embedding"
        case .itemToItem: return "item_to_item"
        case .hot: return "hot"
        case .realTime: return "real_time"
        case .coldStart: return "cold_start"
        }
    }

    public static func < (a: RecallChannelKind, b: RecallChannelKind) -> Bool { a.rawValue < b.rawValue }
}
