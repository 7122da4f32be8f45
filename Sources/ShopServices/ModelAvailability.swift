import ShopWire

/// What the shop services know about their models: whether one is loaded, and which version
/// serves a call. shopserve passes a `ModelServing` (the repository + scheduler); without
/// models, `NoModelsLoaded`.
public protocol ModelAvailability: Sendable {
    /// True when a servable version of `model` is loaded.
    func isLoaded(_ model: String) -> Bool
    /// The version of `model` to serve one call with (`pinnedVersion` "" = newest). Throws
    /// the `GRPCStatus` to finish the call with (see `ModelServing.resolve`).
    func resolve(model: String, pinnedVersion: String) throws -> ServedModel
}

extension ModelAvailability {
    /// Without a `ModelServing` nothing can be computed: UNAVAILABLE while the model is not
    /// loaded, UNIMPLEMENTED when it is (availability known, no inference path).
    public func resolve(model: String, pinnedVersion: String) throws -> ServedModel {
        guard isLoaded(model) else { throw GRPCStatus(.unavailable, "model '\(model)' is not loaded") }
        throw GRPCStatus(.unimplemented, "model '\(model)' is loaded but no inference path serves it")
    }
}

/// No model is loaded: every shop method answers UNAVAILABLE.
public struct NoModelsLoaded: ModelAvailability {
    public init() {}
    public func isLoaded(_ model: String) -> Bool { false }
}

/// Availability from a closure (tests of the validation paths).
public struct ModelAvailabilityClosure: ModelAvailability {
    private let body: @Sendable (String) -> Bool
    public init(_ body: @escaping @Sendable (String) -> Bool) { self.body = body }
    public func isLoaded(_ model: String) -> Bool { body(model) }
}
