import ArgumentParser
import Foundation
import Logging
import ShopHTTP2
import ShopMetrics
import ShopScheduler
import ShopWire

/// `shopserve`: the ShopServe gRPC server. Every option can also come from a `SHOPSERVE_*`
/// environment variable or a JSON config file (flags win over the environment, which wins
/// over the file).
@main
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopserve",
        abstract: "Serve ShopServe's gRPC API (recall, rank, price, image search, dialogue).",
        discussion: """
        Precedence: command-line flags, then environment variables, then the config file, then \
        defaults. Each option --some-name has the environment variable SHOPSERVE_SOME_NAME and \
        the config-file key "some-name" (for --listen: a list, or a comma-separated string). \
        Durations are seconds (fractions allowed). SIGTERM/SIGINT start a graceful shutdown \
        (exit 0); a second signal exits at once. SIGHUP reloads the model repository.
        """)

    @OptionGroup var options: ServeOptions

    func run() throws {
        let settings = try SettingsResolver(flags: options.flagValues(),
                                            environment: ProcessInfo.processInfo.environment)
            .resolve()
        LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
        let logger = Logger(label: "shopserve")
        let router: ServiceWiring.Wiring
        do {
            router = try ServiceWiring.makeRouter(settings: settings, logger: logger)
        } catch {
            logger.critical("cannot open the model repository: \(error)")
            throw ExitCode.failure
        }
        var serverConfiguration = settings.server
        let rpcMetrics = settings.metricsListen.map { _ in RPCMetrics(reactors: serverConfiguration.reactors) }
        serverConfiguration.callObserver = rpcMetrics
        let server = GRPCServer(configuration: serverConfiguration, router: router.router, logger: logger)
        server.onDrainStart = router.onDrainStart
        let metrics: MetricsEndpoint?
        do {
            metrics = try Self.startMetrics(settings.metricsListen, scheduler: router.models?.scheduler, rpcs: rpcMetrics,
                                            logger: logger)
        } catch {
            logger.critical("cannot start the metrics endpoint: \(error)")
            router.finish(logger: logger)
            throw ExitCode.failure
        }
        // Before start(): a signal that arrives while binding still means "shut down gracefully".
        let signals = ShutdownSignals(logger: logger) { server.beginGracefulShutdown() }
        signals.install()
        let reloadSignal = router.models.map { ReloadSignal(models: $0, logger: logger) }
        reloadSignal?.install()
        do {
            try server.start()
        } catch {
            logger.critical("cannot start: \(error)")
            router.finish(logger: logger)
            throw ExitCode.failure
        }
        let scheme = settings.server.tls == nil ? "h2c" : (settings.server.tls?.clientCAFile == nil ? "tls" : "mtls")
        for address in server.boundAddresses {
            logger.info("listening on \(address) (\(scheme))")
        }
        logger.info("serving", metadata: [
            "reactors": "\(settings.server.reactors)", "workers": "\(settings.workers)",
            "models": "\(router.models?.repository.root ?? "none")", "services": "\(router.router.serviceNames)",
        ])
        // The signal handlers live as long as the server (a released dispatch source stops
        // handling its signal).
        withExtendedLifetime((signals, reloadSignal)) { server.waitUntilStopped() }
        router.finish(logger: logger)
        metrics?.stop()
        logger.info("stopped")
    }

    /// Starts the Prometheus endpoint when `address` is set; it reads the gRPC call totals and
    /// `scheduler`'s per-model metrics at each scrape (no model series when none is served).
    private static func startMetrics(_ address: ListenAddress?, scheduler: BatchScheduler?, rpcs: RPCMetrics?,
                                     logger: Logger) throws -> MetricsEndpoint? {
        guard let address else { return nil }
        let endpoint = MetricsEndpoint {
            (PrometheusExposition.render(models: scheduler?.metricsSnapshot() ?? [], rpcs: rpcs?.snapshot() ?? []),
             PrometheusExposition.contentType)
        }
        try endpoint.start(host: address.host, port: address.port)
        logger.info("metrics on http://\(ListenAddress(host: address.host, port: Int(endpoint.port)))\(MetricsEndpoint.path)")
        return endpoint
    }
}
