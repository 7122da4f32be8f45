import ShopWire

/// Per-call settings.
public struct CallOptions: Sendable {
    /// Custom metadata sent as request headers (names are lower-cased; `-bin` values must
    /// already be base64).
    public var metadata: Metadata
    /// The call fails with DEADLINE_EXCEEDED after this long; sent to the server as
    /// `grpc-timeout`. nil: no deadline.
    public var timeout: Duration?
    /// Compress the request message with gzip (`grpc-encoding: gzip`).
    public var compressRequest: Bool

    public init(metadata: Metadata = Metadata(), timeout: Duration? = nil, compressRequest: Bool = false) {
        self.metadata = metadata
        self.timeout = timeout
        self.compressRequest = compressRequest
    }

    /// The timeout in nanoseconds (saturating; negative becomes zero).
    var timeoutNanoseconds: UInt64? {
        guard let timeout else { return nil }
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 { return 0 }
        let (scaled, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}

/// Receives the response side of one client call.
///
/// Callbacks arrive on the connection's event-loop thread, in this order: `callReceivedHeaders`
/// at most once, `callReceived(message:)` for each response message, then
/// `callFinished(status:trailers:)` exactly once. Keep them short: they run on the I/O thread.
/// Starting new calls from inside a callback is allowed and cheap.
public protocol ClientCallDelegate: AnyObject {
    /// False: the call does not collect response metadata for this delegate
    /// (`callReceivedHeaders` is not called, `callFinished` gets empty trailers), which saves
    /// per-call work for clients that only need statuses, such as a load generator. Read once
    /// when the call starts. Default true.
    var wantsResponseMetadata: Bool { get }
    /// The response headers (not sent for trailers-only responses).
    func callReceivedHeaders(_ headers: Metadata)
    /// One complete response message, unframed and decompressed.
    func callReceived(message: [UInt8])
    /// The same message as a buffer valid only during the call; the default copies it into
    /// an array and calls `callReceived(message:)`. Implement it to avoid that copy.
    func callReceived(messageBytes: UnsafeRawBufferPointer)
    /// The final status: from `grpc-status`/`grpc-message`, or synthesized by the client
    /// (deadline, cancellation, connection failure, protocol violation).
    func callFinished(status: GRPCStatus, trailers: Metadata)
}

extension ClientCallDelegate {
    public var wantsResponseMetadata: Bool { true }
    public func callReceivedHeaders(_ headers: Metadata) {}
    public func callReceived(messageBytes: UnsafeRawBufferPointer) { callReceived(message: [UInt8](messageBytes)) }
}
