/// A point-in-time view of one model queue, for the metrics endpoint.
public struct ModelMetricsSnapshot: Sendable {
    /// The registered model name (e.g. `rank@3`).
    public var model: String
    /// Rows waiting in the queue (not yet handed to a worker).
    public var queuedRows: Int
    /// Requests with rows waiting in the queue.
    public var queuedRequests: Int
    /// Request records alive (queued or being computed); bounded by the queue limits plus
    /// what the workers hold.
    public var liveRequests: Int
    /// Time from submit to a request's first rows being handed to a worker (nanoseconds).
    public var queueWaitNanoseconds: FixedBucketHistogram
    /// Rows per batch.
    public var batchRows: FixedBucketHistogram
    /// Model compute time per batch (nanoseconds).
    public var computeNanoseconds: FixedBucketHistogram
    /// Current moving average of compute time per row (nanoseconds), 0 before any batch.
    public var estimatedNanosecondsPerRow: Double
    /// Submissions refused, by reason.
    public var rejections: [RejectionKind: UInt64]
    /// Requests finished, by outcome (rejections are counted here too, under `.rejected`).
    public var completions: [OutcomeKind: UInt64]
    /// True once the model was unregistered: it drains what it holds, then disappears from
    /// the snapshots.
    public var isUnregistered: Bool
}

/// What a metrics endpoint reads from the scheduler.
public protocol SchedulerMetricsSource: AnyObject, Sendable {
    /// One snapshot per registered model, in registration order.
    func metricsSnapshot() -> [ModelMetricsSnapshot]
}

/// The counters of one model queue; mutated only under the scheduler's lock.
struct ModelMetricsRecorder {
    var queueWait = FixedBucketHistogram.exponential(first: 1_000, buckets: 26)  // 1 µs … ~33 s
    var batchRows = FixedBucketHistogram.exponential(first: 1, buckets: 18)  // 1 … 131072
    var compute = FixedBucketHistogram.exponential(first: 1_000, buckets: 26)
    var rejections = [UInt64](repeating: 0, count: RejectionKind.allCases.count)
    var completions = [UInt64](repeating: 0, count: OutcomeKind.allCases.count)

    mutating func recordRejection(_ kind: RejectionKind) {
        rejections[kind.counterIndex] += 1
    }

    mutating func recordCompletion(_ kind: OutcomeKind) {
        completions[kind.counterIndex] += 1
    }

    func rejectionsByKind() -> [RejectionKind: UInt64] {
        Dictionary(uniqueKeysWithValues: zip(RejectionKind.allCases, rejections))
    }

    func completionsByKind() -> [OutcomeKind: UInt64] {
        Dictionary(uniqueKeysWithValues: zip(OutcomeKind.allCases, completions))
    }
}

extension RejectionKind {
    /// Position in `allCases`, without building the array (recording must not allocate).
    fileprivate var counterIndex: Int {
        switch self {
        case .queueFullRows: return 0
        case .queueFullRequests: return 1
        case .requestTooLarge: return 2
        case .shuttingDown: return 3
        case .invalidRequest: return 4
        case .modelUnregistered: return 5
        }
    }
}

extension OutcomeKind {
    /// Position in `allCases`, without building the array.
    fileprivate var counterIndex: Int {
        switch self {
        case .ok: return 0
        case .deadlineExceeded: return 1
        case .cancelled: return 2
        case .rejected: return 3
        case .failed: return 4
        }
    }
}
