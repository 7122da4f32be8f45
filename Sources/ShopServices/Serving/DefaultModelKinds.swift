import ShopModels

/// The model kinds shopserve (and tests that load the bundled models) know: one line per
/// kind, added by the engineer who brings the model.
///
/// ```swift
/// registry.register(kind: RankModel.kind, factory: RankModel.init(context:))
/// ```
public enum DefaultModelKinds {
    /// A registry with the built-in `tensors` kind and every kind listed here.
    public static func makeRegistry() -> ModelKindRegistry {
        let registry = ModelKindRegistry()
        register(in: registry)
        return registry
    }

    /// Registers every shop model kind in `registry`.
    public static func register(in registry: ModelKindRegistry) {
        // One line per model kind, e.g.:
        // registry.register(kind: RankModel.kind, factory: RankModel.init(context:))
        registry.register(kind: DialogueModel.kind, factory: DialogueModel.init(context:))
        registry.register(kind: PriceModel.kind) { try PriceModel(context: $0) }
        registry.register(kind: RecallModel.kind, factory: RecallModel.init(context:))
        registry.register(kind: RankModel.kind, factory: RankModel.init(context:))
        registry.register(kind: ImageSearchModel.kind, factory: ImageSearchModel.init(context:))
    }
}
