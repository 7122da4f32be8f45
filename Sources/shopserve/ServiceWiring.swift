import Logging
import ShopServices
import ShopWire

/// Builds the router shopserve serves: health, reflection (v1 + v1alpha) and the shop services
/// from `makeShopServices`; `onDrainStart` turns health NOT_SERVING when graceful shutdown begins.
enum ServiceWiring {
    struct Wiring {
        var router: ServiceRouter
        var onDrainStart: (() -> Void)?
    }

    static func makeRouter(settings: ServeSettings, logger: Logger) -> Wiring {
        // No model is loaded until the model repository is wired in: every shop method answers
        // UNAVAILABLE "model '<name>' is not loaded" and its health is NOT_SERVING.
        let services = makeShopServices(models: NoModelsLoaded())
        let router = ServiceRouter()
        services.register(in: router)
        return Wiring(router: router, onDrainStart: { services.beginDraining() })
    }
}
