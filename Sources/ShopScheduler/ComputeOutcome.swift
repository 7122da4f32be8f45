/// Why a request was refused at submission, before it entered a queue.
///
/// The service layer maps `queueFullRows`, `queueFullRequests` and `requestTooLarge` to
/// RESOURCE_EXHAUSTED, `shuttingDown` to UNAVAILABLE and `invalidRequest` to INVALID_ARGUMENT,
/// using `message` as the status message.
public enum RejectionReason: Error, Equatable, Sendable, CustomStringConvertible {
    /// Queued rows of the model would pass its `maxQueuedRows`.
    case queueFullRows(model: String, limit: Int)
    /// Queued requests of the model would pass its `maxQueuedRequests`.
    case queueFullRequests(model: String, limit: Int)
    /// The request alone has more rows than the model's queue can ever hold.
    case requestTooLarge(model: String, rows: Int, limit: Int)
    /// The scheduler is shutting down and accepts no new work.
    case shuttingDown(model: String)
    /// The request does not fit the model (row count or row sizes).
    case invalidRequest(model: String, detail: String)
    /// The model's queue was unregistered (the version left the served set): it finishes what
    /// it holds and accepts nothing new. The service layer answers UNAVAILABLE; a retry
    /// resolves the version now served.
    case modelUnregistered(model: String)

    /// The reason without its details, for metrics.
    public var kind: RejectionKind {
        switch self {
        case .queueFullRows: return .queueFullRows
        case .queueFullRequests: return .queueFullRequests
        case .requestTooLarge: return .requestTooLarge
        case .shuttingDown: return .shuttingDown
        case .invalidRequest: return .invalidRequest
        case .modelUnregistered: return .modelUnregistered
        }
    }

    /// A message fit for a gRPC status.
    public var message: String {
        switch self {
        case let .queueFullRows(model, limit):
            return "model '\(model)' queue is full: more than \(limit) rows queued; retry later"
        case let .queueFullRequests(model, limit):
            return "model '\(model)' queue is full: more than \(limit) requests queued; retry later"
        case let .requestTooLarge(model, rows, limit):
            return "request of \(rows) rows exceeds model '\(model)' queue capacity of \(limit) rows"
        case let .shuttingDown(model):
            return "model '\(model)' is not accepting work: the server is shutting down"
        case let .invalidRequest(model, detail):
            return "invalid request for model '\(model)': \(detail)"
        case let .modelUnregistered(model):
            return "model '\(model)' is no longer served (unloaded or replaced by another version); retry"
        }
    }

    public var description: String { message }
}

/// `RejectionReason` without its details (a metrics label).
public enum RejectionKind: String, Sendable, CaseIterable {
    case queueFullRows = "queue_full_rows"
    case queueFullRequests = "queue_full_requests"
    case requestTooLarge = "request_too_large"
    case shuttingDown = "shutting_down"
    case invalidRequest = "invalid_request"
    case modelUnregistered = "model_unregistered"
}

/// How a submitted request ended. Every submitted request gets exactly one outcome.
public enum ComputeOutcome: Sendable, CustomStringConvertible {
    /// All rows were computed; the output rows of the request's buffers hold the results.
    case ok
    /// The deadline passed, or could not be met given the model's measured compute time per
    /// row, before the request was computed (DEADLINE_EXCEEDED).
    case deadlineExceeded
    /// The request's cancellation token fired, or the scheduler shut down without draining.
    case cancelled
    /// Refused at submission (see `RejectionReason`).
    case rejected(RejectionReason)
    /// The model threw while computing a batch containing the request (INTERNAL).
    case failed(any Error)

    /// The outcome without its payload, for metrics.
    public var kind: OutcomeKind {
        switch self {
        case .ok: return .ok
        case .deadlineExceeded: return .deadlineExceeded
        case .cancelled: return .cancelled
        case .rejected: return .rejected
        case .failed: return .failed
        }
    }

    public var description: String {
        switch self {
        case .ok: return "ok"
        case .deadlineExceeded: return "deadline exceeded"
        case .cancelled: return "cancelled"
        case let .rejected(reason): return "rejected: \(reason.message)"
        case let .failed(error): return "failed: \(error)"
        }
    }
}

/// `ComputeOutcome` without its payload (a metrics label).
public enum OutcomeKind: String, Sendable, CaseIterable {
    case ok
    case deadlineExceeded = "deadline_exceeded"
    case cancelled
    case rejected
    case failed
}
