import ShopWire

/// The outcome of a unary call.
public struct UnaryResponse: Sendable {
    /// Response headers (empty for trailers-only responses).
    public var headers: Metadata
    /// The response message when the status is OK.
    public var message: [UInt8]?
    public var status: GRPCStatus
    public var trailers: Metadata
}

/// A server-streaming call in progress: iterate `messages`; the sequence ends normally on
/// OK and throws the `GRPCStatus` otherwise. Leaving the loop early cancels the call.
public struct ServerStreamingCall: Sendable {
    public let call: ClientCall
    public let messages: AsyncThrowingStream<[UInt8], any Error>

    /// Cancels the call (RST_STREAM); the sequence then throws CANCELLED.
    public func cancel() { call.cancel() }
}

extension ClientConnection {
    /// Sends one request and waits for the single response. Never throws: failures are in
    /// `status`. Cancelling the surrounding Task cancels the call.
    public func unary(_ method: MethodPath, request: [UInt8], options: CallOptions = CallOptions()) async -> UnaryResponse {
        let collector = UnaryCollector()
        let call = start(method, request: request, options: options, delegate: collector)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                collector.attach(continuation)
            }
        } onCancel: {
            call.cancel()
        }
    }

    /// Sends one request and returns the stream of responses.
    public func serverStreaming(_ method: MethodPath, request: [UInt8], options: CallOptions = CallOptions()) -> ServerStreamingCall {
        var continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation!
        let messages = AsyncThrowingStream<[UInt8], any Error>(bufferingPolicy: .unbounded) { continuation = $0 }
        let forwarder = StreamForwarder(continuation: continuation)
        let call = start(method, request: request, options: options, delegate: forwarder)
        continuation.onTermination = { termination in
            if case .cancelled = termination { call.cancel() }
        }
        return ServerStreamingCall(call: call, messages: messages)
    }
}

/// Collects a unary response; resumes the waiting task when the call finishes (the two may
/// happen in either order, hence the lock).
private final class UnaryCollector: ClientCallDelegate, @unchecked Sendable {
    private var headers = Metadata()
    private var messages: [[UInt8]] = []
    private var result: UnaryResponse?
    private var continuation: CheckedContinuation<UnaryResponse, Never>?
    private let lock = Lock()

    func attach(_ continuation: CheckedContinuation<UnaryResponse, Never>) {
        lock.lock()
        if let result {
            lock.unlock()
            continuation.resume(returning: result)
        } else {
            self.continuation = continuation
            lock.unlock()
        }
    }

    func callReceivedHeaders(_ headers: Metadata) { self.headers = headers }
    func callReceived(message: [UInt8]) { messages.append(message) }

    func callFinished(status: GRPCStatus, trailers: Metadata) {
        var status = status
        if status.code == .ok && messages.count != 1 {
            status = GRPCStatus(.internal, "unary call got \(messages.count) response messages, expected 1")
        }
        let response = UnaryResponse(headers: headers, message: status.code == .ok ? messages.first : nil,
                                     status: status, trailers: trailers)
        lock.lock()
        if let continuation {
            self.continuation = nil
            lock.unlock()
            continuation.resume(returning: response)
        } else {
            result = response
            lock.unlock()
        }
    }
}

/// Forwards streamed responses into an AsyncThrowingStream.
private final class StreamForwarder: ClientCallDelegate {
    let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    init(continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation) { self.continuation = continuation }

    func callReceived(message: [UInt8]) { continuation.yield(message) }

    func callFinished(status: GRPCStatus, trailers: Metadata) {
        if status.code == .ok {
            continuation.finish()
        } else {
            continuation.finish(throwing: status)
        }
    }
}
