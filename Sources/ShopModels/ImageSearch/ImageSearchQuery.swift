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

    /// For an image query: writes the model input (``ImageSearchModel/inputFloats`` floats) on the
    /// worker thread, e.g. by decoding and resizing the request's image there rather than on the
    /// call's network thread. nil: the input row already holds the model input.
    public let prepareInput: (@Sendable (UnsafeMutableBufferPointer<Float>) throws -> Void)?
    /// The error `prepareInput` threw (set by the worker, read by the call after the batch
    /// completed); the row's output is then meaningless.
    public internal(set) var inputFailure: Error?

    public init(source: Source, limit: Int, mode: SearchMode, filter: SearchFilter?,
                prepareInput: (@Sendable (UnsafeMutableBufferPointer<Float>) throws -> Void)? = nil) {
        self.source = source
        self.limit = limit
        self.mode = mode
        self.filter = filter
        self.prepareInput = prepareInput
    }
}
