/// Tells the shop services whether the model behind them is loaded. shopserve passes the model
/// repository's answer; until models land, `NoModelsLoaded`.
public protocol ModelAvailability: Sendable {
    /// True when a servable version of `model` is loaded.
    func isLoaded(_ model: String) -> Bool
}

/// No model is loaded: every shop method answers UNAVAILABLE.
public struct NoModelsLoaded: ModelAvailability {
    public init() {}
    public func isLoaded(_ model: String) -> Bool { false }
}

/// Availability from a closure (e.g. `{ repository.currentVersion(of: $0) != nil }`).
public struct ModelAvailabilityClosure: ModelAvailability {
    private let body: @Sendable (String) -> Bool
    public init(_ body: @escaping @Sendable (String) -> Bool) { self.body = body }
    public func isLoaded(_ model: String) -> Bool { body(model) }
}
