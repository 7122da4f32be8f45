/// The sending side of a call, as a method implementation sees it: build a response in an
/// arena, send it, finish with a status. Shared by unary, server-streaming and bidi handlers.
///
/// Threading: use it on the call's owning thread. A result computed elsewhere comes back with
/// `call.executor.execute { stream.send { ... } }` (or `stream.onOwningThread { ... }`).
/// Everything after `finish` or cancellation is ignored, so late results are harmless.
public final class ResponseStream<Response>: @unchecked Sendable {
    /// The underlying call (metadata, deadline, peer, executor).
    public let call: ServerCall
    private let responseType: ProtoMessageType<Response>
    /// Where responses are built; reset after each send when `resetsAfterSend`.
    private let arena: MessageArena
    private let resetsAfterSend: Bool
    private let onEnd: () -> Void

    /// True once the call was finished by this side or cancelled by the peer.
    public private(set) var isFinished = false
    /// Called once (on the owning thread) when the call is cancelled before it finished.
    public var onCancel: (() -> Void)?

    init(call: ServerCall, responseType: ProtoMessageType<Response>, arena: MessageArena,
         resetsAfterSend: Bool, onEnd: @escaping () -> Void) {
        self.call = call
        self.responseType = responseType
        self.arena = arena
        self.resetsAfterSend = resetsAfterSend
        self.onEnd = onEnd
    }

    /// Builds one response in an arena and sends it. The closure is not run when the call has
    /// already ended. The built message only needs to live until `build` returns.
    public func send(_ build: (MessageArena) throws -> UnsafePointer<Response>) rethrows {
        guard !isFinished else { return }
        let message = try build(arena)
        call.send(message: responseType.encode(message))
        if resetsAfterSend { arena.reset() }
    }

    /// Ends the call with `status` (and extra trailers).
    public func finish(_ status: GRPCStatus = .ok, trailers: Metadata = Metadata()) {
        guard !isFinished else { return }
        isFinished = true
        call.finish(status: status, trailers: trailers)
        onEnd()
    }

    /// Ends the call with the status an implementation threw.
    public func finish(throwing error: Error) {
        finish(GRPCStatus(handlerError: error))
    }

    /// Runs `work` on the call's owning thread (inline when already there).
    public func onOwningThread(_ work: @escaping @Sendable () -> Void) {
        if call.executor.inOwningThread { work() } else { call.executor.execute(work) }
    }

    /// The peer cancelled: mark finished and tell the implementation.
    func cancelled() {
        guard !isFinished else { return }
        isFinished = true
        let hook = onCancel
        onCancel = nil
        onEnd()
        hook?()
    }
}

extension GRPCStatus {
    /// The status for an error thrown by a method implementation: a `GRPCStatus` as is,
    /// anything else UNKNOWN (gRPC's convention for application errors).
    public init(handlerError error: Error) {
        if let status = error as? GRPCStatus {
            self = status
        } else {
            self = GRPCStatus(.unknown, "\(error)")
        }
    }
}
