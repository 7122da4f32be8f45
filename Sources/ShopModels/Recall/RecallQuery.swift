/// One recall request in model terms (the service has validated the ranges).
public struct RecallQuery: Sendable {
    /// The user; empty or unknown = no stored history.
    public var userId: String = ""
    /// Session items, most recent first.
    public var recentItemIds: [String] = []
    /// Items never to return.
    public var excludedItemIds: [String] = []
    /// Items never to return whose neighbours are down-weighted.
    public var dislikedItemIds: [String] = []
    /// Items to return; nil = the model's default.
    public var limit: Int?
    /// Per-channel quota overrides.
    public var quotas: [RecallChannelKind: Int] = [:]
    /// Local hour 0...23, nil = unknown.
    public var hourOfDay: Int?
    /// ISO weekday 0 (Monday) ... 6 (Sunday), nil = unknown.
    public var weekday: Int?

    public init() {}
}

/// A recall answer in model terms.
public struct RecallAnswer: Sendable {
    /// One returned item.
    public struct Item: Sendable, Equatable {
        public var itemId: String
        public var score: Float
        public var channel: RecallChannelKind
    }
    /// How one channel contributed.
    public struct ChannelSummary: Sendable, Equatable {
        public var channel: RecallChannelKind
        public var quota: Int
        public var candidateCount: Int
        public var returnedCount: Int
    }
    /// The merged items, best first.
    public var items: [Item] = []
    /// One entry per enabled channel (quota > 0), in channel order.
    public var channelSummaries: [ChannelSummary] = []
    /// Unknown ids among recent, excluded and disliked items.
    public var unknownItemIdCount = 0
    /// True when the user had no usable history.
    public var coldStart = false
}

/// A recall request resolved against the catalogue: what the model's batch run needs. Built by
/// ``RecallModel/plan(_:)`` on the caller's thread; the batch run fills ``answer``.
public final class RecallPlan: @unchecked Sendable {
    let query: RecallQuery
    /// Stored history of a known user, most recent first.
    let stored: [Int32]
    /// Known recent items, most recent first.
    let recent: [Int32]
    /// Known disliked items.
    let disliked: [Int32]
    /// Excluded[row]: never returned (excluded, disliked, recent, stored history).
    let excluded: [Bool]
    /// The user tower's input: recent then stored rows, at most the sequence length.
    public let sequence: [Int32]
    let limit: Int
    let unknownCount: Int
    /// Written by the batch run (`RecallModel.run`), read after the computation completes.
    public internal(set) var answer: RecallAnswer?

    init(query: RecallQuery, stored: [Int32], recent: [Int32], disliked: [Int32], excluded: [Bool],
         sequence: [Int32], limit: Int, unknownCount: Int) {
        self.query = query
        self.stored = stored
        self.recent = recent
        self.disliked = disliked
        self.excluded = excluded
        self.sequence = sequence
        self.limit = limit
        self.unknownCount = unknownCount
    }

    /// No stored history and no known recent item: only the cold-start channel answers.
    public var isColdStart: Bool { stored.isEmpty && recent.isEmpty }
}
