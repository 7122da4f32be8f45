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

/// The outcome of any call with one request: every response message (unless they were
/// handed to an `onMessage` callback), headers, status and trailers.
public struct CallResult: Sendable {
    public var headers: Metadata
    public var messages: [[UInt8]]
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
        let result = await call(method, request: request, options: options)
        var status = result.status
        if status.code == .ok && result.messages.count != 1 {
            status = GRPCStatus(.internal, "unary call got \(result.messages.count) response messages, expected 1")
        }
        return UnaryResponse(headers: result.headers, message: status.code == .ok ? result.messages.first : nil,
                             status: status, trailers: result.trailers)
    }

    /// Sends one request and waits for the call to end (any number of responses). With
    /// `onMessage`, each response is handed over as it arrives (on the event-loop thread)
    /// instead of being collected. Never throws; cancelling the Task cancels the call.
    public func call(_ method: MethodPath, request: [UInt8], options: CallOptions = CallOptions(),
                     onMessage: (@Sendable ([UInt8]) -> Void)? = nil) async -> CallResult {
        let collector = CallCollector(onMessage: onMessage)
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

/// Collects a call's response; resumes the waiting task when the call finishes (the two may
/// happen in either order, hence the lock).
private final class CallCollector: ClientCallDelegate, @unchecked Sendable {
    private let onMessage: (@Sendable ([UInt8]) -> Void)?
    private var headers = Metadata()
    private var messages: [[UInt8]] = []
    private var result: CallResult?
    private var continuation: CheckedContinuation<CallResult, Never>?
    private let lock = Lock()

    init(onMessage: (@Sendable ([UInt8]) -> Void)?) { self.onMessage = onMessage }

    func attach(_ continuation: CheckedContinuation<CallResult, Never>) {
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

    func callReceived(message: [UInt8]) {
        if let onMessage { onMessage(message) } else { messages.append(message) }
    }

    func callFinished(status: GRPCStatus, trailers: Metadata) {
        let finished = CallResult(headers: headers, messages: messages, status: status, trailers: trailers)
        lock.lock()
        if let continuation {
            self.continuation = nil
            lock.unlock()
            continuation.resume(returning: finished)
        } else {
            result = finished
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
