/// What one search request asks for beyond its input row; travels to the batch as the compute
/// request's context (`BatchSegment.context`).
public final class ImageSearchQuery: @unchecked Sendable {
    /// Whether the input row holds a model-input image (784 floats) or a query embedding
    /// (the first `embeddingDimension` floats).
    public enum Source: Sendable, Equatable {
        case image
        case embedding
    }

    public let source: Source
    /// Matches wanted (1 ... ``ImageSearchModel/maxMatches``).
    public let limit: Int
    public let mode: SearchMode
    /// Allowed categories (nil: all).
    public let filter: SearchFilter?

    public init(source: Source, limit: Int, mode: SearchMode, filter: SearchFilter?) {
        self.source = source
        self.limit = limit
        self.mode = mode
        self.filter = filter
    }
}
