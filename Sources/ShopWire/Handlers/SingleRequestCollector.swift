/// Collects the one request message of a unary or server-streaming call: exactly one message,
/// then the client's half-close. Decodes as soon as the message arrives (the transport's
/// buffer is only valid during the callback); protobuf-c copies strings and bytes into the arena.
struct SingleRequestCollector<Request> {
    let requestType: ProtoMessageType<Request>
    private var request: UnsafeMutablePointer<Request>?
    private var messageCount = 0

    init(requestType: ProtoMessageType<Request>) {
        self.requestType = requestType
    }

    /// Takes one inbound message. Returns the status that ends the call when it is the second
    /// message or does not decode; nil when all is well so far.
    mutating func receive(_ bytes: UnsafeRawBufferPointer, arena: MessageArena) -> GRPCStatus? {
        messageCount += 1
        guard messageCount == 1 else {
            // grpc-java and grpc-swift answer a cardinality violation with INTERNAL.
            return GRPCStatus(.internal, "too many request messages for a single-request method (expected exactly one)")
        }
        do {
            request = try requestType.decode(bytes, in: arena)
            return nil
        } catch {
            return GRPCStatus(handlerError: error)
        }
    }

    /// The client half-closed: the request, or the status for a call that sent none.
    func end() -> Result<UnsafeMutablePointer<Request>, GRPCStatus> {
        guard let request else {
            return .failure(GRPCStatus(.internal, "client half-closed without sending a request message"))
        }
        return .success(request)
    }
}
