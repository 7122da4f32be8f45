/// A bidirectional-streaming method, as callbacks over one call.
public struct BidiStreamingMethod<Request, Response> {
    /// One request message. The pointer is valid only during the callback (its arena is reset
    /// afterwards). A thrown `GRPCStatus` ends the call with that status.
    public var onMessage: (_ request: UnsafeMutablePointer<Request>, _ stream: ResponseStream<Response>) throws -> Void
    /// The client half-closed. Default: finish with OK.
    public var onEnd: (_ stream: ResponseStream<Response>) -> Void

    public init(onMessage: @escaping (UnsafeMutablePointer<Request>, ResponseStream<Response>) throws -> Void,
                onEnd: @escaping (ResponseStream<Response>) -> Void = { $0.finish(.ok) }) {
        self.onMessage = onMessage
        self.onEnd = onEnd
    }
}

/// Drives one bidi call: each inbound message is decoded into a per-message arena and handed
/// to the method; the half-close is passed on; a message that does not decode ends the call
/// with INVALID_ARGUMENT.
public final class BidiStreamingCallHandler<Request, Response>: ServerCallHandler {
    private let requestType: ProtoMessageType<Request>
    private let requestArena = MessageArena()
    private let responseArena = MessageArena()
    private let method: BidiStreamingMethod<Request, Response>
    private let stream: ResponseStream<Response>

    public init(call: ServerCall, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
                method: BidiStreamingMethod<Request, Response>) {
        requestType = request
        self.method = method
        stream = ResponseStream(call: call, responseType: response, arena: responseArena, resetsAfterSend: true,
                                onEnd: { [requestArena, responseArena] in
                                    requestArena.reset()
                                    responseArena.reset()
                                })
    }

    public func receive(message: UnsafeRawBufferPointer) {
        guard !stream.isFinished else { return }
        defer { if !stream.isFinished { requestArena.reset() } }
        do {
            let request = try requestType.decode(message, in: requestArena)
            try method.onMessage(request, stream)
        } catch {
            stream.finish(throwing: error)
        }
    }

    public func receiveEnd() {
        guard !stream.isFinished else { return }
        method.onEnd(stream)
    }

    public func cancelled() { stream.cancelled() }
}
