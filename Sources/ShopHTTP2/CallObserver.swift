import ShopWire

/// One gRPC call as it ended, for metrics.
public struct EndedCall: Sendable {
    /// The service and method; nil for calls refused before they reached a handler (a path no
    /// registered service answers, an unsupported grpc-encoding, a deadline already passed), so
    /// that clients cannot grow a metrics label set without bound.
    public var method: MethodPath?
    /// The status sent to the client; `.cancelled` when the stream went away first (client
    /// reset, connection lost, shutdown).
    public var code: GRPCStatus.Code
    /// From the complete request headers to the stream's close.
    public var nanoseconds: UInt64
    /// The reactor that served the call (0 ..< reactors): observers can keep one shard each.
    public var reactorIndex: Int

    public init(method: MethodPath?, code: GRPCStatus.Code, nanoseconds: UInt64, reactorIndex: Int) {
        self.method = method
        self.code = code
        self.nanoseconds = nanoseconds
        self.reactorIndex = reactorIndex
    }
}

/// Told about every gRPC call when its stream closes, on the reactor thread that served it
/// (so it must be quick and thread-safe across reactors). Requests that are not gRPC calls
/// (wrong method or content type, answered with an HTTP error) are not reported.
public protocol CallObserver: AnyObject, Sendable {
    func callEnded(_ call: EndedCall)
}
