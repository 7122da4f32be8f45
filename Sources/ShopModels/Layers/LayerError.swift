/// A layer was built from arrays (not a model file) that do not fit together, or a forward call
/// got a shape the layer cannot handle. Errors about a model file's tensors are
/// ``ModelLoadError``s naming the file and the tensor instead.
public struct LayerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, in one line (names the layer or argument).
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
