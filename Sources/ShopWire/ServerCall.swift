/// The fully-qualified method of an RPC, as in the HTTP/2 `:path` `/package.Service/Method`.
public struct MethodPath: Hashable, Sendable, CustomStringConvertible {
    /// Fully-qualified service name, e.g. `shop.v1.RankService`.
    public var service: String
    /// Method name, e.g. `Rank`.
    public var method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// Parses `/package.Service/Method`; nil when the path does not have that shape.
    public init?(path: String) {
        guard path.hasPrefix("/") else { return nil }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        service = String(parts[0])
        method = String(parts[1])
    }

    public var description: String { "/\(service)/\(method)" }
}

/// Runs closures on the thread that owns a call (its reactor). Safe to use from any thread:
/// this is how a compute worker hands a result back to the stream's connection.
public protocol CallExecutor: AnyObject, Sendable {
    /// Schedules `work` to run on the owning thread, soon. Never runs it inline.
    func execute(_ work: @escaping @Sendable () -> Void)
    /// True when the caller is already on the owning thread.
    var inOwningThread: Bool { get }
}

/// A monotonic deadline in nanoseconds of `CLOCK_MONOTONIC` (the clock of `Deadline.now()`).
public struct Deadline: Comparable, Hashable, Sendable {
    public var uptimeNanoseconds: UInt64
    public init(uptimeNanoseconds: UInt64) { self.uptimeNanoseconds = uptimeNanoseconds }

    /// The current instant of the monotonic clock.
    public static func now() -> Deadline {
        Deadline(uptimeNanoseconds: DispatchTimeNanos.now())
    }
    /// A deadline `nanoseconds` from now (saturating).
    public static func after(nanoseconds: UInt64) -> Deadline {
        let (sum, overflow) = DispatchTimeNanos.now().addingReportingOverflow(nanoseconds)
        return Deadline(uptimeNanoseconds: overflow ? .max : sum)
    }
    public static let distantFuture = Deadline(uptimeNanoseconds: .max)

    public var hasPassed: Bool { self <= .now() }
    /// Nanoseconds left, 0 when passed.
    public var remainingNanoseconds: UInt64 {
        let now = DispatchTimeNanos.now()
        return uptimeNanoseconds > now ? uptimeNanoseconds - now : 0
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.uptimeNanoseconds < rhs.uptimeNanoseconds }
}

#if canImport(Glibc)
import Glibc
#endif

/// Reads `CLOCK_MONOTONIC` in nanoseconds.
enum DispatchTimeNanos {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// One server-side RPC as a handler sees it. Created by the transport for each HTTP/2 stream
/// whose headers were valid gRPC; owned by one reactor thread.
///
/// Threading: every method and property must be used on the owning thread
/// (`executor.inOwningThread`). From another thread (a compute worker), hop with
/// `executor.execute { ... }`. Calls after `finish` or after cancellation are ignored.
public protocol ServerCall: AnyObject {
    /// The method being called.
    var path: MethodPath { get }
    /// Request headers other than the HTTP/2 pseudo-headers and the gRPC reserved ones
    /// (`content-type`, `te`, `grpc-timeout`, `grpc-encoding`, `grpc-accept-encoding`).
    var requestMetadata: Metadata { get }
    /// From `grpc-timeout`, or nil when the client sent none.
    var deadline: Deadline? { get }
    /// `x-request-id` from the client, or one the server generated; echoed in the response headers.
    var requestID: String { get }
    /// The peer address, e.g. `ipv4:127.0.0.1:53412`.
    var peer: String { get }
    /// Runs work on the thread that owns this call.
    var executor: any CallExecutor { get }
    /// True once the client cancelled (RST_STREAM), the deadline passed, or the connection closed.
    var isCancelled: Bool { get }

    /// Adds response headers; only effective before the first message is sent.
    func addResponseHeader(_ name: String, _ value: String)
    /// Sends one serialized message (the transport frames and, if negotiated, compresses it).
    func send(message: [UInt8])
    /// Ends the call with a status and optional extra trailers. Sends trailers-only when no
    /// message was sent.
    func finish(status: GRPCStatus, trailers: Metadata)
}

extension ServerCall {
    /// Ends the call with a status and no extra trailers.
    public func finish(_ status: GRPCStatus) { finish(status: status, trailers: Metadata()) }
}

/// Receives the inbound side of one call. All callbacks arrive on the call's owning thread.
public protocol ServerCallHandler: AnyObject {
    /// One complete request message, unframed and decompressed. The buffer is only valid for
    /// the duration of the callback: copy what must outlive it.
    func receive(message: UnsafeRawBufferPointer)
    /// The client half-closed its side (END_STREAM): no more messages will arrive.
    func receiveEnd()
    /// The call was cancelled (client RST_STREAM, deadline passed, connection lost, server
    /// shutdown past its grace period). Release resources; `finish` is no longer needed.
    func cancelled()
}

/// A gRPC service: turns a method name into a handler for a new call.
public protocol GRPCService: AnyObject {
    /// Fully-qualified name, e.g. `grpc.health.v1.Health`.
    var serviceName: String { get }
    /// Method names this service implements (for routing and diagnostics).
    var methodNames: [String] { get }
    /// A handler for a new call to `method`, or nil when the method does not exist (the
    /// transport then answers UNIMPLEMENTED).
    func makeHandler(method: String, call: ServerCall) -> ServerCallHandler?
}

/// Maps `/Service/Method` to services. Built once at start-up, then read-only (shared by all
/// reactors without locks).
public final class ServiceRouter: @unchecked Sendable {
    private var services: [String: GRPCService] = [:]

    public init(_ services: [GRPCService] = []) {
        for service in services { register(service) }
    }

    /// Adds a service; call before the server starts.
    public func register(_ service: GRPCService) {
        services[service.serviceName] = service
    }

    public func service(named name: String) -> GRPCService? { services[name] }

    public var serviceNames: [String] { services.keys.sorted() }
}
