import ShopWire

/// Every service shopserve registers, built in one place:
/// ```swift
/// let services = makeShopServices(models: serving)   // a ModelServing, or NoModelsLoaded()
/// serving.onChange = { services.refreshModelHealth() }
/// services.register(in: router)
/// server.onDrainStart = { services.beginDraining() }
/// ```
public final class ShopServiceSet {
    /// `grpc.health.v1.Health`; statuses per service ("" overall).
    public let health: HealthService
    /// `grpc.reflection.v1` and `v1alpha`.
    public let reflection: [ReflectionService]
    /// The model-backed `shop.v1` services.
    public let shopServices: [ModelBackedService]
    private let models: any ModelAvailability

    /// Everything to register, in a stable order.
    public var all: [GRPCService] { [health as GRPCService] + reflection + shopServices }

    /// Fully-qualified names of every service in the set.
    public var serviceNames: [String] { all.map(\.serviceName).sorted() }

    init(models: any ModelAvailability, descriptors: DescriptorIndex, price: PriceServiceOptions) {
        self.models = models
        health = HealthService()
        shopServices = ShopServiceCatalog.makeServices(models: models, price: price)
        let names = [HealthService.name, ReflectionService.v1Name, ReflectionService.v1alphaName]
            + shopServices.map(\.serviceName)
        reflection = ReflectionService.both(index: descriptors, listedServices: names)
        health.setServing(HealthService.name)
        for service in reflection { health.setServing(service.serviceName) }
        refreshModelHealth()
    }

    /// Registers every service with the router (before the server starts).
    public func register(in router: ServiceRouter) {
        for service in all { router.register(service) }
    }

    /// Re-reads model availability into health: a shop service is SERVING exactly when its
    /// model is loaded. Call after models load or reload.
    public func refreshModelHealth() {
        for service in shopServices {
            if models.isLoaded(service.modelName) {
                health.setServing(service.serviceName)
            } else {
                health.setNotServing(service.serviceName)
            }
        }
    }

    /// The server is draining: health reports NOT_SERVING for everything from now on.
    /// shopserve hooks this to `GRPCServer.onDrainStart`.
    public func beginDraining() { health.beginDraining() }
}

/// Builds every service shopserve serves.
/// - Parameters:
///   - models: which models are loaded (shop methods answer UNAVAILABLE for the others).
///   - descriptors: what reflection serves; the protos compiled into ShopProtoC by default.
///   - price: PriceService settings (where its audit log goes; standard output by default).
public func makeShopServices(models: any ModelAvailability = NoModelsLoaded(),
                             descriptors: DescriptorIndex = .compiledIn,
                             price: PriceServiceOptions = PriceServiceOptions()) -> ShopServiceSet {
    ShopServiceSet(models: models, descriptors: descriptors, price: price)
}
