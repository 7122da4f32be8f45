/// A server-streaming method: `(request, stream) throws -> Void`. Send any number of
/// responses with `stream.send { arena in ... }`, then `stream.finish(status)`; set
/// `stream.onCancel` to learn about cancellation. A thrown `GRPCStatus` ends the call.
///
/// The request pointer lives until the call ends (copy what must outlive it); responses are
/// built in a scratch arena that is reset after each send.
public typealias ServerStreamingMethod<Request, Response> =
    (_ request: UnsafeMutablePointer<Request>, _ stream: ResponseStream<Response>) throws -> Void

/// Drives one server-streaming call: exactly one request message and the half-close, then the
/// method streams responses until it finishes or the call is cancelled.
public final class ServerStreamingCallHandler<Request, Response>: ServerCallHandler {
    private let requestArena = MessageArena()
    private let responseArena = MessageArena()
    private var collector: SingleRequestCollector<Request>
    private let method: ServerStreamingMethod<Request, Response>
    private let stream: ResponseStream<Response>

    public init(call: ServerCall, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
                method: @escaping ServerStreamingMethod<Request, Response>) {
        collector = SingleRequestCollector(requestType: request)
        self.method = method
        stream = ResponseStream(call: call, responseType: response, arena: responseArena, resetsAfterSend: true,
                                onEnd: { [requestArena, responseArena] in
                                    requestArena.reset()
                                    responseArena.reset()
                                })
    }

    public func receive(message: UnsafeRawBufferPointer) {
        guard !stream.isFinished else { return }
        if let failure = collector.receive(message, arena: requestArena) { stream.finish(failure) }
    }

    public func receiveEnd() {
        guard !stream.isFinished else { return }
        switch collector.end() {
        case .failure(let status):
            stream.finish(status)
        case .success(let request):
            do {
                try method(request, stream)
            } catch {
                stream.finish(throwing: error)
            }
        }
    }

    public func cancelled() { stream.cancelled() }
}
