import ArgumentParser

/// The command-line options. Every one is optional here: a value that is not given falls back to
/// the environment, then the config file, then the default (see `SettingsResolver`).
struct ServeOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "JSON config file with any of these options as keys.")
    var configFile: String?

    @Option(help: ArgumentHelp("Address to listen on, HOST:PORT or [IPV6]:PORT; repeatable; port 0 picks a free port. (default: 127.0.0.1:50051)", valueName: "host:port"))
    var listen: [String] = []

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (HTTP/1.1, its own listener); port 0 picks a free port. (default: off)", valueName: "host:port"))
    var metricsListen: String?

    @Option(help: "Model repository directory. (default: the bundled models/)")
    var models: String?

    @Option(help: "Reactor (network I/O) threads. (default: available cores)")
    var reactors: Int?

    @Option(help: "Compute worker threads for the inference scheduler. (default: available cores)")
    var workers: Int?

    @Option(help: "Pin compute worker i to CPU i mod cores: true or false. (default: false)")
    var pinWorkers: Bool?

    @Option(help: "Versions of each model kept served (the newest valid ones); requests may pin any of them. (default: 1)")
    var modelVersions: Int?

    @Option(help: "Re-scan the model repository every this many seconds; 0 disables (reload with SIGHUP). (default: 10)")
    var modelPollInterval: Double?

    @Option(help: "PEM certificate chain; enables TLS (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS).")
    var tlsClientCa: String?

    @Option(help: "Max concurrent streams per connection. (default: 128)")
    var maxConcurrentStreams: Int?

    @Option(help: "Max request header list size in bytes. (default: 16384)")
    var maxHeaderListSize: Int?

    @Option(help: "Initial per-stream flow-control window in bytes. (default: 1048576)")
    var initialStreamWindow: Int?

    @Option(help: "Initial connection flow-control window in bytes. (default: 4194304)")
    var initialConnectionWindow: Int?

    @Option(help: "Max open connections (all reactors). (default: 4096)")
    var maxConnections: Int?

    @Option(help: "Close connections without streams after this many seconds; 0 disables. (default: 300)")
    var idleTimeout: Double?

    @Option(help: "Send a keepalive PING after this many silent seconds; 0 disables. (default: 120)")
    var keepaliveInterval: Double?

    @Option(help: "Close the connection if a keepalive PING is unanswered for this many seconds. (default: 20)")
    var keepaliveTimeout: Double?

    @Option(help: "Client RST_STREAM frames allowed per second per connection (rapid reset). (default: 200)")
    var maxResetsPerSecond: Int?

    @Option(help: "Client SETTINGS frames allowed per second per connection. (default: 50)")
    var maxSettingsPerSecond: Int?

    @Option(help: "Client PING frames allowed per second per connection. (default: 50)")
    var maxPingsPerSecond: Int?

    @Option(help: "CONTINUATION frames allowed per header block. (default: 8)")
    var maxContinuationFrames: Int?

    @Option(help: "Max request message size in bytes (RESOURCE_EXHAUSTED beyond). (default: 4194304)")
    var maxReceiveMessageSize: Int?

    @Option(help: "Seconds in-flight calls may run after shutdown begins. (default: 10)")
    var gracePeriod: Double?

    @Option(help: "Compress responses with gzip when the client accepts it: true or false. (default: true)")
    var compression: Bool?

    @Option(help: "File the price decisions' audit records (JSON lines) are appended to; '-' = standard output. (default: -)")
    var priceAuditLog: String?

    @Option(help: "Log format: text or json. (default: text)")
    var logFormat: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (default: info)")
    var logLevel: String?

    /// The options that were given, keyed by their long name (`max-connections`).
    func flagValues() -> [String: [String]] {
        var values: [String: [String]] = [:]
        func put(_ key: String, _ value: CustomStringConvertible?) {
            if let value { values[key] = [value.description] }
        }
        if !listen.isEmpty { values["listen"] = listen }
        put("config", configFile)
        put("metrics-listen", metricsListen)
        put("models", models)
        put("reactors", reactors)
        put("workers", workers)
        put("pin-workers", pinWorkers)
        put("model-poll-interval", modelPollInterval)
        put("model-versions", modelVersions)
        put("price-audit-log", priceAuditLog)
        put("tls-cert", tlsCert)
        put("tls-key", tlsKey)
        put("tls-client-ca", tlsClientCa)
        put("max-concurrent-streams", maxConcurrentStreams)
        put("max-header-list-size", maxHeaderListSize)
        put("initial-stream-window", initialStreamWindow)
        put("initial-connection-window", initialConnectionWindow)
        put("max-connections", maxConnections)
        put("idle-timeout", idleTimeout)
        put("keepalive-interval", keepaliveInterval)
        put("keepalive-timeout", keepaliveTimeout)
        put("max-resets-per-second", maxResetsPerSecond)
        put("max-settings-per-second", maxSettingsPerSecond)
        put("max-pings-per-second", maxPingsPerSecond)
        put("max-continuation-frames", maxContinuationFrames)
        put("max-receive-message-size", maxReceiveMessageSize)
        put("grace-period", gracePeriod)
        put("compression", compression)
        put("log-format", logFormat)
        put("log-level", logLevel)
        return values
    }
}
