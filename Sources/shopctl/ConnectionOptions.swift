import ArgumentParser
import ShopClient
import ShopWire

/// Options shared by every subcommand: where to connect, TLS, timeout, metadata.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Server address HOST:PORT ([::1]:PORT for IPv6).")
    var target: String = "127.0.0.1:50051"

    @Flag(name: .long, help: "Use TLS (ALPN h2). Implied by --ca, --cert, --key, --server-name.")
    var tls = false

    @Option(name: .long, help: "PEM file of CA certificates to trust (default: the system store).")
    var ca: String?

    @Option(name: .long, help: "PEM client certificate for mutual TLS.")
    var cert: String?

    @Option(name: .long, help: "PEM private key of --cert.")
    var key: String?

    @Option(name: .long, help: "Name for SNI and certificate verification (default: the target host).")
    var serverName: String?

    @Flag(name: .long, help: "Do not verify the server certificate (testing only).")
    var insecureSkipVerify = false

    @Option(name: .long, help: "Deadline per call, e.g. 500ms, 5s, 1m (sent as grpc-timeout).")
    var timeout: String?

    @Option(name: [.customShort("H"), .customLong("header")], help: "Request metadata 'name: value' (repeatable).")
    var headers: [String] = []

    @Flag(name: .long, help: "Compress requests with gzip.")
    var gzip = false

    var usesTLS: Bool { tls || ca != nil || cert != nil || key != nil || serverName != nil || insecureSkipVerify }

    func validate() throws {
        do {
            _ = try Target(parsing: target)
            _ = try metadata()
            if let timeout { _ = try DurationText.parse(timeout) }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")  // exit code 64, like every usage error
        }
    }

    /// Opens the connection (it connects in the background).
    func connect() throws -> ClientConnection {
        try ClientConnection(configuration: try configuration())
    }

    /// Target and TLS settings, for callers that open many connections (bench).
    func configuration() throws -> ConnectionConfiguration {
        var tlsConfiguration: TLSConfiguration?
        if usesTLS {
            tlsConfiguration = TLSConfiguration(caFile: ca, certificateFile: cert, keyFile: key,
                                                serverName: serverName, verifyPeer: !insecureSkipVerify)
        }
        return ConnectionConfiguration(target: try Target(parsing: target), tls: tlsConfiguration)
    }

    /// Per-call options; `defaultTimeout` applies when --timeout is not given.
    func callOptions(defaultTimeout: Duration?) throws -> CallOptions {
        let deadline = try timeout.map(DurationText.parse) ?? defaultTimeout
        return CallOptions(metadata: try metadata(), timeout: deadline, compressRequest: gzip)
    }

    func metadata() throws -> Metadata {
        var metadata = Metadata()
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else {
                throw ValidationError("header '\(header)' is not 'name: value'")
            }
            let name = header[..<colon].trimmingCharacters(in: .whitespaces)
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw ValidationError("header '\(header)' has an empty name") }
            metadata.add(name, value)
        }
        return metadata
    }
}
