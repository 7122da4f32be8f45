import Atomics
import CNGHTTP2
import Logging
import ShopWire

/// What every reactor and connection of one server shares: configuration, the router, TLS,
/// the nghttp2 callbacks/options, and the global connection count. Read-only after start-up
/// except for the atomics.
final class ServerContext: @unchecked Sendable {
    let configuration: ServerConfiguration
    let router: ServiceRouter
    let logger: Logger
    let tls: TLSContext?
    let callbacks: OpaquePointer
    let options: OpaquePointer
    let openConnections = ManagedAtomic<Int>(0)
    let draining = ManagedAtomic<Bool>(false)

    var limits: ServerLimits { configuration.limits }

    init(configuration: ServerConfiguration, router: ServiceRouter, logger: Logger) throws {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        tls = try configuration.tls.map { try TLSContext(configuration: $0) }
        callbacks = SessionCallbacks.make()
        var options: OpaquePointer?
        nghttp2_option_new(&options)
        self.options = options!
        let limits = configuration.limits
        nghttp2_option_set_max_outbound_ack(options, 100)
        nghttp2_option_set_max_settings(options, 32)
        nghttp2_option_set_max_continuations(options, max(0, limits.maxContinuationFrames))
        let resetRate = UInt64(max(1, limits.maxResetStreamsPerSecond))
        nghttp2_option_set_stream_reset_rate_limit(options, resetRate * 2, resetRate)
        nghttp2_option_set_max_deflate_dynamic_table_size(options, 4096)
    }

    deinit {
        nghttp2_session_callbacks_del(callbacks)
        nghttp2_option_del(options)
    }
}
