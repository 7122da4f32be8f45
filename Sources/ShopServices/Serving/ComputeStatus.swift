import ShopScheduler
import ShopWire

/// How scheduler outcomes become gRPC statuses for the shop services (AIP-193 codes):
///
/// | outcome | status |
/// | --- | --- |
/// | deadline passed or unmeetable | DEADLINE_EXCEEDED |
/// | queue full by rows or requests, request larger than the queue | RESOURCE_EXHAUSTED (the scheduler's reason) |
/// | server shutting down, model version unloaded meanwhile | UNAVAILABLE (clients retry) |
/// | request does not fit the model | INTERNAL (the service built it: a server bug) |
/// | cancelled (stream reset, or shutdown without draining) | CANCELLED |
/// | the model threw | INTERNAL, with the error logged |
enum ComputeStatus {
    /// The status for a request of `rows` rows to `model` (`name@version`) that did not
    /// end `.ok`; nil for `.ok`.
    static func status(for outcome: ComputeOutcome, model: String, rows: Int) -> GRPCStatus? {
        switch outcome {
        case .ok:
            return nil
        case .deadlineExceeded:
            return GRPCStatus(.deadlineExceeded,
                              "deadline exceeded before model '\(model)' could compute \(rows) row\(rows == 1 ? "" : "s")")
        case .cancelled:
            return GRPCStatus(.cancelled, "request to model '\(model)' was cancelled")
        case .rejected(let reason):
            switch reason {
            case .queueFullRows, .queueFullRequests, .requestTooLarge:
                return GRPCStatus(.resourceExhausted, reason.message)
            case .shuttingDown, .modelUnregistered:
                return GRPCStatus(.unavailable, reason.message)
            case .invalidRequest:
                return GRPCStatus(.internal, reason.message)
            }
        case .failed(let error):
            return GRPCStatus(.internal, "model '\(model)' failed: \(error)")
        }
    }
}
