import Logging
import ShopWire

/// Builds the router shopserve serves. The health, reflection and shop services (module
/// ShopServices) are registered here once they land; `onDrainStart` is where health turns
/// NOT_SERVING when graceful shutdown begins.
enum ServiceWiring {
    struct Wiring {
        var router: ServiceRouter
        var onDrainStart: (() -> Void)?
    }

    static func makeRouter(settings: ServeSettings, logger: Logger) -> Wiring {
        Wiring(router: ServiceRouter(), onDrainStart: nil)
    }
}
