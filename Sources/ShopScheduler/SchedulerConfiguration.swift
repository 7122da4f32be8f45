import CShopSys

/// Scheduler-wide settings.
public struct SchedulerConfiguration: Sendable {
    /// Compute worker threads; default one per available CPU.
    public var workerCount: Int
    /// Pin worker `i` to CPU `i % available CPUs`.
    public var pinWorkers: Bool
    /// The monotonic clock in nanoseconds; injectable so tests control deadlines.
    public var clock: @Sendable () -> UInt64

    public init(
        workerCount: Int = Int(max(1, shop_available_cpus())),
        pinWorkers: Bool = false,
        clock: @escaping @Sendable () -> UInt64 = { MonotonicClock.now() }
    ) {
        self.workerCount = max(1, workerCount)
        self.pinWorkers = pinWorkers
        self.clock = clock
    }
}

/// Per-model queue and batching settings (normally from the model's `config.json`).
public struct ModelQueueConfiguration: Sendable {
    /// Most rows in one batch. Requests larger than this are computed in chunks.
    public var maxBatchRows: Int
    /// A request with more rows than this is split across idle workers (each worker takes
    /// an equal share of the remaining rows). `Int.max` disables splitting (including
    /// `splitMinimumNanoseconds`).
    public var splitThresholdRows: Int
    /// A request whose estimated compute time (its rows × the measured time per row) is at
    /// least this many nanoseconds is split across idle workers too, whatever its rows: on a
    /// quiet server one request then uses every core (a 200-row request of a 0.6 ms model
    /// answers in about half the time on two). Below it, waking another worker costs more than
    /// it saves. nil: rows alone decide. Default 100 µs.
    public var splitMinimumNanoseconds: UInt64?
    /// Most rows waiting in the queue (not yet handed to a worker).
    public var maxQueuedRows: Int
    /// Most requests waiting in the queue.
    public var maxQueuedRequests: Int
    /// Throughput-first deployments: hold a non-full batch up to this long (nanoseconds)
    /// for more rows, even while a worker is idle. 0 (the default) never waits.
    public var maxQueueDelayNanoseconds: UInt64
    /// Compute time per row assumed before the first batch is measured (nanoseconds);
    /// 0 means "unknown" (no request is predicted to miss its deadline until measured).
    public var initialNanosecondsPerRow: Double
    /// Weight of the newest batch in the moving average of compute time per row.
    public var estimateSmoothing: Double
    /// Starvation guard for the low priority class (nanoseconds; nil disables it). High
    /// work normally goes first; but once low-priority rows have waited this long without
    /// any low row being claimed, the next batch of this model starts with low work
    /// (earliest deadline first within the class, then filled with high work), and this
    /// model goes before models with only high work. So under a steady flood of high work
    /// the low class still gets at least one batch per this interval. Default 100 ms.
    public var lowPriorityMaxWaitNanoseconds: UInt64?

    public init(
        maxBatchRows: Int = 1024,
        splitThresholdRows: Int = 512,
        splitMinimumNanoseconds: UInt64? = 100_000,
        maxQueuedRows: Int = 65_536,
        maxQueuedRequests: Int = 4096,
        maxQueueDelayNanoseconds: UInt64 = 0,
        initialNanosecondsPerRow: Double = 0,
        estimateSmoothing: Double = 0.2,
        lowPriorityMaxWaitNanoseconds: UInt64? = 100_000_000
    ) {
        self.maxBatchRows = max(1, maxBatchRows)
        self.splitThresholdRows = max(1, splitThresholdRows)
        self.splitMinimumNanoseconds = splitMinimumNanoseconds
        self.maxQueuedRows = max(1, maxQueuedRows)
        self.maxQueuedRequests = max(1, maxQueuedRequests)
        self.maxQueueDelayNanoseconds = maxQueueDelayNanoseconds
        self.initialNanosecondsPerRow = initialNanosecondsPerRow
        self.estimateSmoothing = min(max(estimateSmoothing, 0.01), 1)
        self.lowPriorityMaxWaitNanoseconds = lowPriorityMaxWaitNanoseconds
    }
}
