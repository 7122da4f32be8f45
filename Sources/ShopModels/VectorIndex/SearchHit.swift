/// One result of a vector search: the catalogue entry and its similarity to the query.
///
/// `score` is the cosine similarity computed in INT8 (`int32 dot · s_query · s_vector`, the query
/// normalized to unit length). When a filter leaves fewer than `k` entries, the remaining slots of a
/// query's result row are ``SearchHit/none`` (`row == -1`).
public struct SearchHit: Sendable, Equatable {
    /// The entry's external id (`P.ids`), or its row index when the index has no ids.
    public var id: Int64
    /// The entry's row in the flat vector table, or -1 for an empty slot.
    public var row: Int32
    /// Cosine similarity (INT8 approximation), or `-infinity` for an empty slot.
    public var score: Float

    public init(id: Int64, row: Int32, score: Float) {
        self.id = id
        self.row = row
        self.score = score
    }

    /// An empty result slot.
    public static let none = SearchHit(id: -1, row: -1, score: -.infinity)

    /// Whether this slot holds a result.
    public var isHit: Bool { row >= 0 }
}
