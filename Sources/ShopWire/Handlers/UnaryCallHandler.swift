/// A unary method: `(request, responder) throws -> Void`. Answer on the owning thread with
/// `responder.respond { arena in ... }` or `responder.finish(status)`, now or later; a thrown
/// `GRPCStatus` ends the call with that status.
///
/// The request pointer lives in the call's arena until the call ends; copy what a worker
/// thread needs before leaving the owning thread.
public typealias UnaryMethod<Request, Response> =
    (_ request: UnsafeMutablePointer<Request>, _ responder: UnaryResponder<Response>) throws -> Void

/// The answering side of a unary call.
public struct UnaryResponder<Response>: @unchecked Sendable {
    /// The stream under the hood (call, cancellation hook, owning-thread helper).
    public let stream: ResponseStream<Response>
    public var call: ServerCall { stream.call }

    /// Sends the one response and finishes with OK.
    public func respond(_ build: (MessageArena) throws -> UnsafePointer<Response>) {
        do {
            try stream.send(build)
            stream.finish(.ok)
        } catch {
            stream.finish(throwing: error)
        }
    }

    /// Ends the call without a response.
    public func finish(_ status: GRPCStatus) { stream.finish(status) }
}

/// Drives one unary call: collects exactly one request message and the half-close, decodes it
/// into a per-call arena, runs the method, and ends the call with its response or status.
public final class UnaryCallHandler<Request, Response>: ServerCallHandler {
    private let arena = MessageArena()
    private var collector: SingleRequestCollector<Request>
    private let method: UnaryMethod<Request, Response>
    private let stream: ResponseStream<Response>

    public init(call: ServerCall, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
                method: @escaping UnaryMethod<Request, Response>) {
        collector = SingleRequestCollector(requestType: request)
        self.method = method
        stream = ResponseStream(call: call, responseType: response, arena: arena, resetsAfterSend: false,
                                onEnd: { [arena] in arena.reset() })
    }

    public func receive(message: UnsafeRawBufferPointer) {
        guard !stream.isFinished else { return }
        if let failure = collector.receive(message, arena: arena) { stream.finish(failure) }
    }

    public func receiveEnd() {
        guard !stream.isFinished else { return }
        switch collector.end() {
        case .failure(let status):
            stream.finish(status)
        case .success(let request):
            do {
                try method(request, UnaryResponder(stream: stream))
            } catch {
                stream.finish(throwing: error)
            }
        }
    }

    public func cancelled() { stream.cancelled() }
}
