/// Everything the transport needs to run: where to listen, how many reactor threads, TLS,
/// hardening limits, shutdown grace and response compression.
public struct ServerConfiguration: Sendable {
    /// Addresses to listen on (each reactor opens its own SO_REUSEPORT listener per address).
    public var listen: [ListenAddress]
    /// Number of reactor (I/O) threads; each owns an epoll instance and its connections.
    public var reactors: Int
    /// TLS settings; nil serves cleartext HTTP/2 with prior knowledge (h2c).
    public var tls: TLSConfiguration?
    /// HTTP/2 and gRPC hardening limits.
    public var limits: ServerLimits
    /// How long in-flight calls may run after graceful shutdown begins.
    public var gracePeriod: Duration
    /// Compress responses with gzip when the client accepts it.
    public var compressionEnabled: Bool
    /// Told about every call as it ends (metrics); nil: nobody.
    public var callObserver: CallObserver?

    public init(listen: [ListenAddress] = [ListenAddress(host: "127.0.0.1", port: 50051)],
                reactors: Int = 1, tls: TLSConfiguration? = nil, limits: ServerLimits = ServerLimits(),
                gracePeriod: Duration = .seconds(10), compressionEnabled: Bool = true, callObserver: CallObserver? = nil) {
        self.listen = listen
        self.reactors = reactors
        self.tls = tls
        self.limits = limits
        self.gracePeriod = gracePeriod
        self.compressionEnabled = compressionEnabled
        self.callObserver = callObserver
    }
}

/// A host (IPv4 or IPv6 literal, or `localhost`) and a port; port 0 asks the kernel for one.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPV6]:PORT` or `:PORT` (all IPv4 interfaces).
    public init?(parsing text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") { return nil }
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = hostPart.isEmpty ? "0.0.0.0" : String(hostPart)
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Certificate, key and optional client-CA for TLS 1.2+ with ALPN `h2`.
public struct TLSConfiguration: Sendable {
    /// PEM certificate chain file.
    public var certificateFile: String
    /// PEM private key file.
    public var privateKeyFile: String
    /// PEM file of CAs whose client certificates are accepted; when set, clients must present a
    /// certificate (mutual TLS).
    public var clientCAFile: String?

    public init(certificateFile: String, privateKeyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
    }
}

/// Hardening limits. Every field has a safe default; each is exposed as a `shopserve` option.
public struct ServerLimits: Sendable, Equatable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised and enforced per connection.
    public var maxConcurrentStreams: Int = 128
    /// SETTINGS_MAX_HEADER_LIST_SIZE; larger request header blocks reset the stream.
    public var maxHeaderListSize: Int = 16 * 1024
    /// SETTINGS_INITIAL_WINDOW_SIZE for request streams.
    public var initialStreamWindowSize: Int = 1 << 20
    /// Receive window of the whole connection.
    public var initialConnectionWindowSize: Int = 4 << 20
    /// Open connections across all reactors; more are closed right after accept.
    public var maxConnections: Int = 4096
    /// A connection without open streams for this long is closed with GOAWAY.
    public var idleTimeout: Duration = .seconds(300)
    /// Send a PING when the peer was silent this long (zero disables keepalive).
    public var keepaliveInterval: Duration = .seconds(120)
    /// Close the connection when a keepalive PING is not answered within this time.
    public var keepaliveTimeout: Duration = .seconds(20)
    /// Client RST_STREAM frames allowed per second (rapid-reset, CVE-2023-44487), burst = 2×.
    public var maxResetStreamsPerSecond: Int = 200
    /// SETTINGS frames a client may send per second before the connection is closed.
    public var maxSettingsFramesPerSecond: Int = 50
    /// PING frames a client may send per second before the connection is closed.
    public var maxPingFramesPerSecond: Int = 50
    /// CONTINUATION frames allowed in one header block (CVE-2024-28182).
    public var maxContinuationFrames: Int = 8
    /// Largest request message, compressed or decompressed (RESOURCE_EXHAUSTED beyond).
    public var maxReceiveMessageSize: Int = 4 << 20

    public init() {}
}

extension Duration {
    /// Whole nanoseconds, saturating, for the reactor's timers.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (total, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : total &+ UInt64(attoseconds / 1_000_000_000)
    }
}
