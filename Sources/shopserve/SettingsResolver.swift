import ArgumentParser
import CShopSys
import Foundation
import Logging
import ShopHTTP2

/// Everything shopserve runs with, after merging flags, environment and config file.
struct ServeSettings {
    var server: ServerConfiguration
    /// Where the Prometheus endpoint listens; nil = no endpoint.
    var metricsListen: ListenAddress?
    var workers: Int
    var pinWorkers: Bool
    var modelsDirectory: String
    /// True when the models directory was given (flag, environment or file), not defaulted.
    var modelsDirectoryGiven: Bool
    /// Seconds between repository scans; nil when polling is off.
    var modelPollInterval: Double?
    /// How many of the newest valid versions of each model stay served.
    var modelVersions: Int
    /// Where PriceService's audit records go; nil = standard output.
    var priceAuditLog: String?
    var logFormat: LogFormat
    var logLevel: Logger.Level
}

/// Merges the three sources of settings, in precedence order flags > `SHOPSERVE_*` environment >
/// config file > defaults, and parses each value with an error that names the key and source.
struct SettingsResolver {
    /// Every setting name (the long flag name without dashes prefix).
    static let keys = [
        "config", "listen", "metrics-listen", "models", "reactors", "workers", "pin-workers", "model-poll-interval", "model-versions",
        "tls-cert", "tls-key", "tls-client-ca",
        "max-concurrent-streams", "max-header-list-size", "initial-stream-window", "initial-connection-window",
        "max-connections", "idle-timeout", "keepalive-interval", "keepalive-timeout", "max-resets-per-second",
        "max-settings-per-second", "max-pings-per-second", "max-continuation-frames", "max-receive-message-size",
        "grace-period", "compression", "log-format", "log-level", "price-audit-log",
    ]

    private var values: [String: (values: [String], source: String)] = [:]

    init(flags: [String: [String]], environment: [String: String]) throws {
        for (key, value) in flags { values[key] = (value, "--\(key)") }
        for key in Self.keys where values[key] == nil {
            let variable = Self.environmentName(key)
            if let value = environment[variable] {
                values[key] = (key == "listen" ? Self.splitList(value) : [value], variable)
            }
        }
        if let path = values["config"]?.values.first {
            for (key, value) in try Self.readConfigFile(path) where values[key] == nil {
                values[key] = (value, "config file \(path)")
            }
        }
    }

    /// `max-connections` → `SHOPSERVE_MAX_CONNECTIONS`.
    static func environmentName(_ key: String) -> String {
        "SHOPSERVE_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    private static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Reads a JSON object whose keys are setting names; values are strings, numbers, booleans,
    /// or (for `listen`) arrays of strings.
    private static func readConfigFile(_ path: String) throws -> [String: [String]] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot read config file \(path): \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("config file \(path) is not a JSON object")
        }
        var result: [String: [String]] = [:]
        for (key, value) in object {
            guard keys.contains(key), key != "config" else {
                throw ValidationError("config file \(path): unknown key '\(key)'")
            }
            switch value {
            case let list as [Any]: result[key] = list.map { "\($0)" }
            case let flag as Bool where key == "compression" || key == "pin-workers":
                result[key] = [flag ? "true" : "false"]
            case let text as String: result[key] = key == "listen" ? splitList(text) : [text]
            default: result[key] = ["\(value)"]
            }
        }
        return result
    }

    // MARK: Typed access

    private func string(_ key: String) -> String? { values[key]?.values.first }

    private func parse<T>(_ key: String, _ expected: String, _ convert: (String) -> T?) throws -> T? {
        guard let entry = values[key], let text = entry.values.first else { return nil }
        guard let value = convert(text) else {
            throw ValidationError("invalid value '\(text)' for \(key) (from \(entry.source)): expected \(expected)")
        }
        return value
    }

    private func count(_ key: String, minimum: Int = 0) throws -> Int? {
        try parse(key, "an integer ≥ \(minimum)") { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }

    private func seconds(_ key: String) throws -> Duration? {
        try parse(key, "a number of seconds ≥ 0") { text in
            Double(text).flatMap { $0 >= 0 && $0.isFinite ? Duration.milliseconds(Int64($0 * 1000)) : nil }
        }
    }

    // MARK: Resolution

    func resolve() throws -> ServeSettings {
        let cores = Int(max(1, shop_available_cpus()))
        var server = ServerConfiguration()
        if let listen = values["listen"] {
            server.listen = try listen.values.map { text in
                guard let address = ListenAddress(parsing: text) else {
                    throw ValidationError("invalid listen address '\(text)' (from \(listen.source)): expected HOST:PORT or [IPV6]:PORT")
                }
                return address
            }
        }
        let metricsListen = try parse("metrics-listen", "HOST:PORT or [IPV6]:PORT") { ListenAddress(parsing: $0) }
        server.reactors = try count("reactors", minimum: 1) ?? cores
        let workers = try count("workers", minimum: 1) ?? cores
        let pinWorkers = try parse("pin-workers", "true or false", { Bool($0.lowercased()) }) ?? false
        let pollSeconds = try parse("model-poll-interval", "a number of seconds ≥ 0") { text in
            Double(text).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
        } ?? 10
        let modelVersions = try count("model-versions", minimum: 1) ?? 1

        let cert = string("tls-cert"), key = string("tls-key"), clientCA = string("tls-client-ca")
        if cert != nil || key != nil || clientCA != nil {
            guard let cert, let key else { throw ValidationError("TLS needs both --tls-cert and --tls-key") }
            server.tls = TLSConfiguration(certificateFile: cert, privateKeyFile: key, clientCAFile: clientCA)
        }

        var limits = ServerLimits()
        if let value = try count("max-concurrent-streams", minimum: 1) { limits.maxConcurrentStreams = value }
        if let value = try count("max-header-list-size", minimum: 1024) { limits.maxHeaderListSize = value }
        if let value = try count("initial-stream-window", minimum: 65_535) { limits.initialStreamWindowSize = value }
        if let value = try count("initial-connection-window", minimum: 65_535) { limits.initialConnectionWindowSize = value }
        if let value = try count("max-connections", minimum: 1) { limits.maxConnections = value }
        if let value = try seconds("idle-timeout") { limits.idleTimeout = value }
        if let value = try seconds("keepalive-interval") { limits.keepaliveInterval = value }
        if let value = try seconds("keepalive-timeout") { limits.keepaliveTimeout = value }
        if let value = try count("max-resets-per-second", minimum: 1) { limits.maxResetStreamsPerSecond = value }
        if let value = try count("max-settings-per-second", minimum: 1) { limits.maxSettingsFramesPerSecond = value }
        if let value = try count("max-pings-per-second", minimum: 1) { limits.maxPingFramesPerSecond = value }
        if let value = try count("max-continuation-frames", minimum: 0) { limits.maxContinuationFrames = value }
        if let value = try count("max-receive-message-size", minimum: 1) { limits.maxReceiveMessageSize = value }
        server.limits = limits
        if let value = try seconds("grace-period") { server.gracePeriod = value }
        if let value = try parse("compression", "true or false", { Bool($0.lowercased()) }) { server.compressionEnabled = value }

        let logFormat = try parse("log-format", "text or json") { LogFormat(rawValue: $0.lowercased()) } ?? .text
        let logLevel = try parse("log-level", "a log level") { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        return ServeSettings(server: server, metricsListen: metricsListen, workers: workers, pinWorkers: pinWorkers,
                             modelsDirectory: string("models") ?? Self.bundledModelsDirectory(),
                             modelsDirectoryGiven: string("models") != nil,
                             modelPollInterval: pollSeconds > 0 ? pollSeconds : nil, modelVersions: modelVersions,
                             priceAuditLog: string("price-audit-log").flatMap { $0 == "-" ? nil : $0 },
                             logFormat: logFormat, logLevel: logLevel)
    }

    /// The `models/` shipped with the package: next to the binary, or at the package root when
    /// the binary runs from `.build/<config>/`, else `models` in the working directory.
    static func bundledModelsDirectory() -> String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            binary.appendingPathComponent("models"),
            binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models"),
            binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models"),
        ]
        var isDirectory: ObjCBool = false
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue {
            return candidate.standardizedFileURL.path
        }
        return "models"
    }
}
