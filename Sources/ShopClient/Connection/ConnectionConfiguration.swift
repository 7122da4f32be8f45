/// TLS settings of a client connection. Peer verification is on unless turned off explicitly.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file of trusted CA certificates; nil uses the system trust store.
    public var caFile: String?
    /// PEM client certificate (chain) for mutual TLS.
    public var certificateFile: String?
    /// PEM private key of `certificateFile`.
    public var keyFile: String?
    /// Name to send as SNI and to verify the server certificate against; defaults to the
    /// target host.
    public var serverName: String?
    /// Verify the server certificate chain and name (default true).
    public var verifyPeer: Bool

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
                serverName: String? = nil, verifyPeer: Bool = true) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.verifyPeer = verifyPeer
    }
}

/// Settings of one client connection (one TCP connection, many concurrent HTTP/2 streams).
public struct ConnectionConfiguration: Sendable {
    public var target: Target
    /// nil: cleartext HTTP/2 with prior knowledge (h2c).
    public var tls: TLSConfiguration?
    /// How long connecting (TCP + TLS handshake) may take.
    public var connectTimeoutNanoseconds: UInt64
    /// Largest response message accepted (default 64 MiB).
    public var maxReceiveMessageBytes: Int
    /// HTTP/2 per-stream receive window announced to the server.
    public var initialStreamWindow: Int32
    /// HTTP/2 connection receive window.
    public var connectionWindow: Int32
    /// `user-agent` header.
    public var userAgent: String

    public init(target: Target, tls: TLSConfiguration? = nil,
                connectTimeoutNanoseconds: UInt64 = 10_000_000_000,
                maxReceiveMessageBytes: Int = 64 << 20,
                initialStreamWindow: Int32 = 4 << 20, connectionWindow: Int32 = 32 << 20,
                userAgent: String = "shopctl/0.1 (nghttp2)") {
        self.target = target
        self.tls = tls
        self.connectTimeoutNanoseconds = connectTimeoutNanoseconds
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.initialStreamWindow = initialStreamWindow
        self.connectionWindow = connectionWindow
        self.userAgent = userAgent
    }
}
