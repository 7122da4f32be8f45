/// One unit of work for a model: `rows` rows of `buffers`, a deadline, a priority, an
/// optional cancellation token and a completion.
///
/// Completion threading: the completion runs exactly once, on a compute worker thread when
/// the request was queued, or inline on the thread calling `submit` (rejection, deadline
/// already unmeetable, token already cancelled), `CancellationToken.cancel()` or
/// `shutdown`. It must be short and must not block: the service layer hops to the stream's
/// reactor with `call.executor.execute { ... }` (ShopWire's `CallExecutor`, which never runs
/// inline) and builds the response there.
public struct ComputeRequest {
    /// Rows to compute (at least 1, at most `buffers.capacityRows`).
    public var rows: Int
    /// Input rows (filled by the caller) and output rows (filled by the model).
    public var buffers: RowBuffers
    /// The gRPC deadline, or `.never`.
    public var deadline: MonotonicDeadline
    /// From `x-priority` metadata; `.high` by default.
    public var priority: RequestPriority
    /// Fires to remove the request (stream cancelled).
    public var cancellation: CancellationToken?
    /// Per-request data the model sees in `BatchSegment.context`.
    public var context: AnyObject?
    /// Called exactly once with the outcome (see the type's documentation for the thread).
    public var completion: (ComputeOutcome) -> Void

    public init(
        rows: Int,
        buffers: RowBuffers,
        deadline: MonotonicDeadline = .never,
        priority: RequestPriority = .high,
        cancellation: CancellationToken? = nil,
        context: AnyObject? = nil,
        completion: @escaping (ComputeOutcome) -> Void
    ) {
        self.rows = rows
        self.buffers = buffers
        self.deadline = deadline
        self.priority = priority
        self.cancellation = cancellation
        self.context = context
        self.completion = completion
    }
}

/// Identifies a queued request (for `BatchScheduler.cancel`). Stale tickets are ignored.
public struct RequestTicket: Hashable, Sendable {
    let model: Int32
    let slot: Int32
    let generation: UInt32
}

/// Identifies a registered model queue; cheap to copy and to submit with.
public struct ModelHandle: Hashable, Sendable {
    let index: Int
    /// The name the model was registered under (e.g. `rank@3`).
    public let name: String
}
