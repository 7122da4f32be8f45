import HeapModule

/// A position in a priority class's queue: earliest deadline first, then submission order.
struct QueueEntry: Comparable {
    var deadline: UInt64
    var sequence: UInt64
    var slot: Int32
    var generation: UInt32

    static func < (lhs: QueueEntry, rhs: QueueEntry) -> Bool {
        (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
    }

    static func == (lhs: QueueEntry, rhs: QueueEntry) -> Bool { lhs.sequence == rhs.sequence }
}

/// Rows of one request handed to a worker.
struct ClaimedChunk {
    var slot: Int32
    var generation: UInt32
    var requestRowOffset: Int
    var rowCount: Int
    var batchRowOffset: Int
    var buffers: RowBuffers
    var context: AnyObject?
}

/// A completion to call once the scheduler's lock is released.
struct PendingCompletion {
    var completion: (ComputeOutcome) -> Void
    var outcome: ComputeOutcome
}

/// The queue of one model (version): two EDF heaps (one per priority class), limits,
/// the compute-time estimate and metrics. Every method runs under the scheduler's lock.
///
/// Cancelled and expired requests are deleted lazily: their heap entries go stale and are
/// skipped at the head; the heaps are compacted once stale entries outnumber live ones, so
/// memory stays proportional to the queue limits.
final class ModelQueue {
    let index: Int
    let name: String
    let model: BatchModel
    let configuration: ModelQueueConfiguration
    let inputRowBytes: Int
    let outputRowBytes: Int

    private let store = RequestStore()
    private var heaps = [Heap<QueueEntry>(), Heap<QueueEntry>()]  // indexed by priority
    private var queuedByPriority = [0, 0]
    private var staleEntries = 0
    private var sequence: UInt64 = 0
    /// When the oldest request queued since the queue was last empty arrived.
    private var batchWindowStart: UInt64 = 0
    /// Since when the low class has been waiting: when it last became non-empty or last had
    /// rows claimed, whichever is later (the starvation guard's clock).
    private var lowWaitingSince: UInt64 = 0
    /// Set by `BatchScheduler.unregister`: no new submissions; the queue drains and is released.
    var isUnregistered = false

    private(set) var queuedRows = 0
    private(set) var queuedRequests = 0
    private(set) var nanosecondsPerRow: Double
    var metrics = ModelMetricsRecorder()

    init(index: Int, name: String, model: BatchModel, configuration: ModelQueueConfiguration) {
        self.index = index
        self.name = name
        self.model = model
        self.configuration = configuration
        inputRowBytes = model.inputRowBytes
        outputRowBytes = model.outputRowBytes
        nanosecondsPerRow = configuration.initialNanosecondsPerRow
    }

    var liveRequests: Int { store.liveCount }

    /// Request records allocated (live or free) and heap entries (live or stale): what the
    /// queue's memory is proportional to.
    var storageFootprint: (records: Int, heapEntries: Int) {
        (store.count, heaps[0].count + heaps[1].count)
    }

    /// How urgently this queue wants a worker: 0 when its low-priority class is starving
    /// (see `ModelQueueConfiguration.lowPriorityMaxWaitNanoseconds`), 1 with high-priority
    /// work queued, 2 with only low-priority work, nil when empty.
    func urgency(now: UInt64) -> Int? {
        if isLowPriorityStarving(now: now) { return 0 }
        if queuedByPriority[RequestPriority.high.rawValue] > 0 { return 1 }
        if queuedByPriority[RequestPriority.low.rawValue] > 0 { return 2 }
        return nil
    }

    /// True when low-priority rows have been queued without any of them being claimed for
    /// at least the configured maximum wait.
    private func isLowPriorityStarving(now: UInt64) -> Bool {
        guard let limit = configuration.lowPriorityMaxWaitNanoseconds,
              queuedByPriority[RequestPriority.low.rawValue] > 0 else { return false }
        return now &- lowWaitingSince >= limit
    }

    // MARK: Admission

    /// Why `request` cannot be queued now, or nil.
    func rejection(for request: ComputeRequest) -> RejectionReason? {
        let buffers = request.buffers
        if request.rows < 1 {
            return .invalidRequest(model: name, detail: "a request needs at least one row, got \(request.rows)")
        }
        if buffers.capacityRows < request.rows {
            return .invalidRequest(model: name, detail: "\(request.rows) rows requested but the buffers hold \(buffers.capacityRows)")
        }
        if buffers.inputRowBytes != inputRowBytes || buffers.outputRowBytes != outputRowBytes {
            return .invalidRequest(model: name, detail: "rows are \(buffers.inputRowBytes) bytes in / \(buffers.outputRowBytes) out, the model takes \(inputRowBytes) / \(outputRowBytes)")
        }
        if request.rows > configuration.maxQueuedRows {
            return .requestTooLarge(model: name, rows: request.rows, limit: configuration.maxQueuedRows)
        }
        if queuedRows + request.rows > configuration.maxQueuedRows {
            return .queueFullRows(model: name, limit: configuration.maxQueuedRows)
        }
        if queuedRequests >= configuration.maxQueuedRequests {
            return .queueFullRequests(model: name, limit: configuration.maxQueuedRequests)
        }
        return nil
    }

    /// True when `rows` rows cannot finish by `deadline` even if started `now`.
    func cannotMeet(deadline: UInt64, rows: Int, now: UInt64) -> Bool {
        if deadline <= now { return true }
        guard nanosecondsPerRow > 0, deadline != .max else { return false }
        return Double(deadline - now) < nanosecondsPerRow * Double(rows)
    }

    /// Queues an admitted request.
    func enqueue(_ request: ComputeRequest, now: UInt64) -> RequestTicket {
        let slot = store.allocate()
        let generation = store[slot].generation
        store[slot].rows = request.rows
        store[slot].enqueuedAt = now
        store[slot].deadline = request.deadline.uptimeNanoseconds
        store[slot].priority = request.priority
        store[slot].buffers = request.buffers
        store[slot].context = request.context
        store[slot].cancellation = request.cancellation
        store[slot].completion = request.completion
        sequence += 1
        heaps[request.priority.rawValue].insert(QueueEntry(
            deadline: request.deadline.uptimeNanoseconds, sequence: sequence, slot: slot, generation: generation))
        if queuedRequests == 0 { batchWindowStart = now }
        if request.priority == .low, queuedByPriority[RequestPriority.low.rawValue] == 0 { lowWaitingSince = now }
        queuedRows += request.rows
        queuedRequests += 1
        queuedByPriority[request.priority.rawValue] += 1
        return RequestTicket(model: Int32(index), slot: slot, generation: generation)
    }

    // MARK: Batching

    /// Whether a free worker should take this queue's work now (false only while a
    /// `maxQueueDelay` window is open and the batch is not full).
    func isReady(now: UInt64, draining: Bool) -> Bool {
        guard queuedRequests > 0 else { return false }
        let delay = configuration.maxQueueDelayNanoseconds
        if delay == 0 || draining || queuedRows >= configuration.maxBatchRows { return true }
        return now >= batchWindowStart &+ delay
    }

    /// When a queue held by `maxQueueDelay` becomes ready, or nil.
    func readyAt(now: UInt64) -> UInt64? {
        guard queuedRequests > 0, configuration.maxQueueDelayNanoseconds > 0, !isReady(now: now, draining: false) else {
            return nil
        }
        return batchWindowStart &+ configuration.maxQueueDelayNanoseconds
    }

    /// Moves queued rows into `chunks`: high priority first (low first while the low class
    /// is starving), earliest deadline first within a class.
    ///
    /// How much: everything queued, up to `maxBatchRows`, when no other worker is idle.
    /// When `otherIdleWorkers` could help, only this worker's equal share of the queued rows
    /// (so idle cores are not left out): whole requests until the share is reached, and a
    /// request worth splitting (`isWorthSplitting`) is cut into a share-sized chunk (the rest
    /// stays at the head for the next worker). Requests that cannot meet their deadline are
    /// finished as `.deadlineExceeded` into `completions` instead. Returns the rows taken.
    func claim(into chunks: inout [ClaimedChunk], now: UInt64, otherIdleWorkers: Int,
               completions: inout [PendingCompletion]) -> Int {
        var targetRows = configuration.maxBatchRows
        if otherIdleWorkers > 0 {
            targetRows = min(targetRows, max(1, (queuedRows + otherIdleWorkers) / (otherIdleWorkers + 1)))
        }
        var rows = 0
        let lowFirst = isLowPriorityStarving(now: now)
        while rows < targetRows, let (priority, entry) = head(lowFirst: lowFirst) {
            let slot = entry.slot
            guard store.isCurrent(slot, entry.generation), store[slot].isQueued else {
                heaps[priority].removeMin()
                staleEntries -= 1
                continue
            }
            let remaining = store[slot].rows - store[slot].dispatchedRows
            let deadline = store[slot].deadline
            if deadline <= now || (store[slot].dispatchedRows == 0 && cannotMeet(deadline: deadline, rows: remaining, now: now)) {
                heaps[priority].removeMin()
                terminate(slot, with: .deadlineExceeded, entryInHeap: false, completions: &completions)
                continue
            }
            var take = min(remaining, configuration.maxBatchRows - rows)
            if isWorthSplitting(rows: remaining), take > targetRows - rows {
                if !chunks.isEmpty { break }  // leave the large request whole for the next worker
                take = targetRows
            }
            if store[slot].dispatchedRows == 0 {
                metrics.queueWait.record(now &- store[slot].enqueuedAt)
            }
            chunks.append(ClaimedChunk(
                slot: slot, generation: entry.generation, requestRowOffset: store[slot].dispatchedRows,
                rowCount: take, batchRowOffset: rows, buffers: store[slot].buffers!, context: store[slot].context))
            if priority == RequestPriority.low.rawValue { lowWaitingSince = now }
            store[slot].dispatchedRows += take
            store[slot].runningChunks += 1
            queuedRows -= take
            rows += take
            if store[slot].dispatchedRows == store[slot].rows {
                heaps[priority].removeMin()
                removeFromQueueCount(priority: priority)
            }
        }
        compactIfNeeded()
        return rows
    }

    /// Whether a request with `rows` rows still queued should be shared with idle workers:
    /// more rows than the split threshold, or an estimated compute time of at least
    /// `splitMinimumNanoseconds` (once the time per row is known).
    private func isWorthSplitting(rows: Int) -> Bool {
        if configuration.splitThresholdRows == .max || rows < 2 { return false }
        if rows > configuration.splitThresholdRows { return true }
        guard let minimum = configuration.splitMinimumNanoseconds, nanosecondsPerRow > 0 else { return false }
        return Double(rows) * nanosecondsPerRow >= Double(minimum)
    }

    /// Records one computed batch: metrics and the compute-time-per-row estimate.
    func recordBatch(rows: Int, nanoseconds: UInt64) {
        metrics.batchRows.record(UInt64(rows))
        metrics.compute.record(nanoseconds)
        let sample = Double(nanoseconds) / Double(max(rows, 1))
        if nanosecondsPerRow == 0 {
            nanosecondsPerRow = sample
        } else {
            nanosecondsPerRow += configuration.estimateSmoothing * (sample - nanosecondsPerRow)
        }
    }

    /// A chunk finished computing (with `error` when the model threw).
    func completeChunk(_ chunk: ClaimedChunk, error: (any Error)?, completions: inout [PendingCompletion]) {
        let slot = chunk.slot
        precondition(store.isCurrent(slot, chunk.generation), "a running chunk's request record was released")
        store[slot].runningChunks -= 1
        if let error, store[slot].terminal == nil {
            terminate(slot, with: .failed(error), entryInHeap: true, completions: &completions)
        } else if store[slot].runningChunks == 0,
                  store[slot].terminal != nil || store[slot].dispatchedRows == store[slot].rows {
            finish(slot, completions: &completions)
        }
    }

    // MARK: Cancellation and shutdown

    /// Cancels the request of `ticket` if it is still alive.
    func cancel(_ ticket: RequestTicket, completions: inout [PendingCompletion]) {
        guard store.isCurrent(ticket.slot, ticket.generation), store[ticket.slot].terminal == nil else { return }
        terminate(ticket.slot, with: .cancelled, entryInHeap: true, completions: &completions)
        compactIfNeeded()
    }

    /// Cancels every request with queued rows. Requests whose rows are all being computed
    /// finish normally; a split request with rows still queued completes as `.cancelled`
    /// when its running chunks end.
    func cancelQueued(completions: inout [PendingCompletion]) {
        for index in 0..<store.count where store[Int32(index)].isQueued {
            terminate(Int32(index), with: .cancelled, entryInHeap: true, completions: &completions)
        }
        compactIfNeeded()
    }

    // MARK: Internals

    /// The next entry to look at: the head of the high heap, else of the low heap (the other
    /// way round when `lowFirst`). The entry may be stale.
    private func head(lowFirst: Bool) -> (Int, QueueEntry)? {
        let first = lowFirst ? RequestPriority.low.rawValue : RequestPriority.high.rawValue
        if let entry = heaps[first].min { return (first, entry) }
        if let entry = heaps[1 - first].min { return (1 - first, entry) }
        return nil
    }

    /// Ends a request early. Its queued rows leave the queue (its heap entry, if still
    /// there, becomes stale); it completes now unless chunks of it are running.
    private func terminate(_ slot: Int32, with outcome: ComputeOutcome, entryInHeap: Bool,
                           completions: inout [PendingCompletion]) {
        let remaining = store[slot].rows - store[slot].dispatchedRows
        if remaining > 0 {
            queuedRows -= remaining
            removeFromQueueCount(priority: store[slot].priority.rawValue)
            if entryInHeap { staleEntries += 1 }
        }
        store[slot].terminal = outcome
        if store[slot].runningChunks == 0 { finish(slot, completions: &completions) }
    }

    private func finish(_ slot: Int32, completions: inout [PendingCompletion]) {
        let outcome = store[slot].terminal ?? .ok
        metrics.recordCompletion(outcome.kind)
        store[slot].cancellation?.detach()
        completions.append(PendingCompletion(completion: store[slot].completion!, outcome: outcome))
        store.release(slot)
    }

    private func removeFromQueueCount(priority: Int) {
        queuedRequests -= 1
        queuedByPriority[priority] -= 1
    }

    private func compactIfNeeded() {
        guard staleEntries > 32, staleEntries > queuedRequests else { return }
        for priority in heaps.indices {
            let live = heaps[priority].unordered.filter { store.isCurrent($0.slot, $0.generation) && store[$0.slot].isQueued }
            heaps[priority] = Heap(live)
        }
        staleEntries = 0
    }
}
