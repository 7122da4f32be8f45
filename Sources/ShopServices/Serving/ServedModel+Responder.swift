import ShopWire

extension ServedModel {
    /// `compute`, then answer a unary call with one response built from the output rows.
    ///
    /// `respond` runs on the call's owning thread with the output rows (valid only during the
    /// call) and the response arena; a failed computation, or an error `respond` throws,
    /// finishes the call with its status instead.
    public func compute<Response>(rows: Int, context: AnyObject? = nil, responder: UnaryResponder<Response>,
                                  fill: (UnsafeMutableRawBufferPointer) throws -> Void,
                                  respond: @escaping (_ output: UnsafeRawBufferPointer, _ arena: MessageArena) throws
                                      -> UnsafePointer<Response>) throws {
        try compute(rows: rows, context: context, responder: responder, fill: fill, digest: { $0 }, respond: respond)
    }

    /// `compute(…digest:…)`, then answer a unary call with one response built from the digest:
    /// `digest` runs on the compute worker with the output rows, `respond` on the call's owning
    /// thread with its result and the response arena.
    public func compute<Digest, Response>(rows: Int, context: AnyObject? = nil, responder: UnaryResponder<Response>,
                                          fill: (UnsafeMutableRawBufferPointer) throws -> Void,
                                          digest: @escaping (_ output: UnsafeRawBufferPointer) -> Digest,
                                          respond: @escaping (_ digest: Digest, _ arena: MessageArena) throws
                                              -> UnsafePointer<Response>) throws {
        try compute(rows: rows, context: context, call: responder.call, fill: fill, digest: digest) { result in
            switch result {
            case .failure(let status):
                responder.finish(status)
            case .success(let digested):
                responder.respond { arena in try respond(digested, arena) }
            }
        }
    }
}
