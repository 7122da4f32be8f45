import CShopSys

/// How `BatchScheduler.shutdown` treats queued work.
public enum ShutdownMode: Sendable {
    /// Compute everything already queued, then stop.
    case drain
    /// Complete queued requests as `.cancelled`; batches being computed finish.
    case cancelQueued
}

/// Turns many small concurrent requests into few large batches on a fixed pool of compute
/// workers, without adding latency when the server is quiet.
///
/// - One queue per registered model (version), two priority classes, earliest deadline
///   first within a class, bounded by rows and by requests (rejected at `submit`, at once).
/// - Work-conserving: a free worker takes everything queued now, up to the model's
///   `maxBatchRows`, and runs it; it never waits for a batch to fill while idle, unless the
///   model opts into `maxQueueDelayNanoseconds`. Under load, batches form by themselves.
/// - A request larger than the model's split threshold is split into equal chunks across
///   idle workers; its completion runs once, after the last chunk.
/// - Requests whose deadline has passed or cannot be met (moving average of compute time
///   per row) complete as `.deadlineExceeded` without being computed.
/// - Across models: high-priority work first, round-robin among models; a model whose
///   low-priority work has waited past `lowPriorityMaxWaitNanoseconds` goes first.
/// - `unregister` retires a model's queue (its version left the served set): new work is
///   refused with `.modelUnregistered`, what it holds finishes, then the queue (and its
///   reference to the model) is released.
///
/// Thread-safe. Workers start in `init` and run until `shutdown`, which must be called
/// (the workers keep the scheduler alive) and never from a completion.
///
/// Typical use from a service handler (on the call's reactor thread):
/// ```swift
/// let token = CancellationToken()                      // cancel() it from handler.cancelled()
/// let request = ComputeRequest(
///     rows: candidates, buffers: buffers,              // input rows already written
///     deadline: call.deadline.map { MonotonicDeadline(uptimeNanoseconds: $0.uptimeNanoseconds) } ?? .never,
///     priority: RequestPriority(metadataValue: call.requestMetadata["x-priority"]) ?? .high,
///     cancellation: token
/// ) { outcome in                                      // on a compute worker (or inline)
///     call.executor.execute { respond(outcome, buffers) }  // hop to the reactor
/// }
/// scheduler.submit(request, to: rankHandle)
/// ```
public final class BatchScheduler: SchedulerMetricsSource, @unchecked Sendable {
    private enum State { case running, stopping, stopped }

    /// The configuration the scheduler was started with.
    public let configuration: SchedulerConfiguration
    private let lock = ConditionLock()
    /// Every queue ever registered, by handle index; nil once unregistered and drained.
    /// (Indices are never reused, so stale handles and tickets stay harmless.)
    private var slots: [ModelQueue?] = []
    /// The queues still registered or draining, in registration order (what workers scan).
    private var queues: [ModelQueue] = []
    private var workers: [BatchWorker] = []
    private var threads: [WorkerThread] = []
    private var state = State.running
    private var parkedWorkers = 0
    private var busyWorkers = 0
    private var roundRobinCursor = 0
    /// While true, workers claim nothing (tests use it to queue work before any worker looks).
    private var paused = false

    /// Starts `configuration.workerCount` workers.
    public init(configuration: SchedulerConfiguration = SchedulerConfiguration()) {
        self.configuration = configuration
        let cpus = Int(max(1, shop_available_cpus()))
        for index in 0..<configuration.workerCount {
            let worker = BatchWorker(index: index)
            workers.append(worker)
            threads.append(WorkerThread(name: "shop-compute-\(index)") { [self] in
                if configuration.pinWorkers { _ = shop_pin_current_thread(Int32(index % cpus)) }
                workerLoop(worker)
            })
        }
    }

    /// False once `shutdown` has begun (health checks report NOT_SERVING from then on).
    public var isAcceptingWork: Bool { lock.withLock { state == .running } }

    /// Number of compute workers.
    public var workerCount: Int { workers.count }

    /// Adds a queue for `model` under `name` (e.g. `rank@3`); returns the handle to submit with.
    public func register(model: BatchModel, name: String,
                         configuration: ModelQueueConfiguration = ModelQueueConfiguration()) -> ModelHandle {
        lock.withLock {
            let queue = ModelQueue(index: slots.count, name: name, model: model, configuration: configuration)
            slots.append(queue)
            queues.append(queue)
            return ModelHandle(index: queue.index, name: name)
        }
    }

    /// Retires `model`'s queue: from now on its submissions complete inline as
    /// `.rejected(.modelUnregistered)`; requests already queued or being computed finish as
    /// usual; once none is left the queue is released (with its reference to the model) and
    /// leaves the metrics. Idempotent; stale handles are ignored.
    public func unregister(_ model: ModelHandle) {
        lock.withLock {
            guard let queue = queue(of: model), !queue.isUnregistered else { return }
            queue.isUnregistered = true
            releaseIfDrained(queue)
            lock.broadcast()  // a queue held by its batch window is now ready
        }
    }

    /// Whether `model`'s queue still exists (registered, or unregistered but still draining).
    public func isRegistered(_ model: ModelHandle) -> Bool {
        lock.withLock { self.queue(of: model) != nil }
    }

    /// Queues `request` for `model`. Returns its ticket, or nil when the request already
    /// completed inline (rejected, deadline unmeetable, or its token already cancelled): its
    /// completion has then been called on this thread before `submit` returns.
    @discardableResult
    public func submit(_ request: ComputeRequest, to model: ModelHandle) -> RequestTicket? {
        lock.lock()
        guard let queue = queue(of: model), !queue.isUnregistered else {
            lock.unlock()
            request.completion(.rejected(.modelUnregistered(model: model.name)))
            return nil
        }
        let now = configuration.clock()
        var inlineOutcome: ComputeOutcome?
        if state != .running {
            inlineOutcome = .rejected(.shuttingDown(model: queue.name))
        } else if let reason = queue.rejection(for: request) {
            inlineOutcome = .rejected(reason)
        } else if request.cancellation?.isCancelled == true {
            inlineOutcome = .cancelled
        } else if queue.cannotMeet(deadline: request.deadline.uptimeNanoseconds, rows: request.rows, now: now) {
            inlineOutcome = .deadlineExceeded
        }
        if let outcome = inlineOutcome {
            if case let .rejected(reason) = outcome { queue.metrics.recordRejection(reason.kind) }
            queue.metrics.recordCompletion(outcome.kind)
            lock.unlock()
            request.completion(outcome)
            return nil
        }
        let ticket = queue.enqueue(request, now: now)
        var cancelled: [PendingCompletion] = []
        if let token = request.cancellation, !token.attach(to: self, ticket: ticket) {
            queue.cancel(ticket, completions: &cancelled)  // cancelled between the check and now
            releaseIfDrained(queue)
        }
        if parkedWorkers > 0 { lock.signal() }
        lock.unlock()
        for pending in cancelled { pending.completion(pending.outcome) }
        return cancelled.isEmpty ? ticket : nil
    }

    /// Removes the request from its queue and completes it as `.cancelled` (at once when
    /// queued; after its running chunks when being computed). Stale tickets are ignored.
    public func cancel(_ ticket: RequestTicket) {
        var completions: [PendingCompletion] = []
        lock.withLock {
            guard Int(ticket.model) < slots.count, let queue = slots[Int(ticket.model)] else { return }
            queue.cancel(ticket, completions: &completions)
            releaseIfDrained(queue)
        }
        for pending in completions { pending.completion(pending.outcome) }
    }

    /// Stops accepting work (new submissions are rejected with `.shuttingDown`), drains or
    /// cancels queued work, and waits for the workers to exit. Idempotent.
    public func shutdown(_ mode: ShutdownMode = .drain) {
        var completions: [PendingCompletion] = []
        lock.lock()
        guard state == .running else {
            lock.unlock()
            return
        }
        state = .stopping
        paused = false
        if mode == .cancelQueued {
            for queue in queues { queue.cancelQueued(completions: &completions) }
            for queue in queues { releaseIfDrained(queue) }
        }
        lock.broadcast()
        lock.unlock()
        for pending in completions { pending.completion(pending.outcome) }
        for thread in threads { thread.join() }
        lock.withLock { state = .stopped }
    }

    /// Holds (true) or releases (false) all claiming; submissions still queue meanwhile.
    /// Internal: tests use it to make the order of claims deterministic.
    func setPaused(_ value: Bool) {
        lock.withLock {
            paused = value
            lock.broadcast()
        }
    }

    /// One snapshot per model queue (registered, or unregistered and still draining), in
    /// registration order.
    public func metricsSnapshot() -> [ModelMetricsSnapshot] {
        lock.withLock { queues.map(Self.snapshot) }
    }

    /// The snapshot of one model; nil once its queue was unregistered and released.
    public func metrics(for model: ModelHandle) -> ModelMetricsSnapshot? {
        lock.withLock { queue(of: model).map(Self.snapshot) }
    }

    /// Records and heap entries held by a model's queue (tests check they stay bounded).
    func storageFootprint(for model: ModelHandle) -> (records: Int, heapEntries: Int)? {
        lock.withLock { queue(of: model)?.storageFootprint }
    }

    /// The queue of `handle`, nil once released (or for a handle of another scheduler). Lock held.
    private func queue(of handle: ModelHandle) -> ModelQueue? {
        handle.index < slots.count ? slots[handle.index] : nil
    }

    /// Drops an unregistered queue once it holds no request. Lock held.
    private func releaseIfDrained(_ queue: ModelQueue) {
        guard queue.isUnregistered, queue.liveRequests == 0, slots[queue.index] != nil else { return }
        slots[queue.index] = nil
        if let position = queues.firstIndex(where: { $0 === queue }) {
            queues.remove(at: position)
            if roundRobinCursor >= position, roundRobinCursor > 0 { roundRobinCursor -= 1 }
        }
    }

    private static func snapshot(_ queue: ModelQueue) -> ModelMetricsSnapshot {
        ModelMetricsSnapshot(
            model: queue.name, queuedRows: queue.queuedRows, queuedRequests: queue.queuedRequests,
            liveRequests: queue.liveRequests, queueWaitNanoseconds: queue.metrics.queueWait,
            batchRows: queue.metrics.batchRows, computeNanoseconds: queue.metrics.compute,
            estimatedNanosecondsPerRow: queue.nanosecondsPerRow,
            rejections: queue.metrics.rejectionsByKind(), completions: queue.metrics.completionsByKind(),
            isUnregistered: queue.isUnregistered)
    }

    // MARK: Workers

    private func workerLoop(_ worker: BatchWorker) {
        lock.lock()
        while true {
            let now = configuration.clock()
            if let (queue, rows) = claimBatch(for: worker, now: now) {
                busyWorkers += 1
                if parkedWorkers > 0, hasReadyWork(now: now) { lock.signal() }
                lock.unlock()
                callCompletions(of: worker)
                let started = configuration.clock()
                let error = worker.runClaimedBatch(on: queue, rows: rows)
                let elapsed = configuration.clock() &- started
                lock.lock()
                busyWorkers -= 1
                queue.recordBatch(rows: rows, nanoseconds: elapsed)
                for chunk in worker.chunks {
                    queue.completeChunk(chunk, error: error, completions: &worker.completions)
                }
                worker.chunks.removeAll(keepingCapacity: true)
                releaseIfDrained(queue)
                lock.unlock()
                callCompletions(of: worker)
                lock.lock()
                continue
            }
            if !worker.completions.isEmpty {  // requests that expired while claiming
                for queue in queues where queue.isUnregistered { releaseIfDrained(queue) }
                lock.unlock()
                callCompletions(of: worker)
                lock.lock()
                continue
            }
            if state != .running { break }  // nothing ready and draining: done
            parkedWorkers += 1
            if let wakeAt = nextReadyInstant(now: now) {
                lock.wait(nanoseconds: wakeAt > now ? wakeAt - now : 0)
            } else {
                lock.wait()
            }
            parkedWorkers -= 1
        }
        lock.unlock()
    }

    /// Picks a model (starving low-priority work first, then high-priority work, then low;
    /// round-robin among models at each level) and claims a batch from it into
    /// `worker.chunks`. Lock held.
    private func claimBatch(for worker: BatchWorker, now: UInt64) -> (ModelQueue, Int)? {
        if paused { return nil }
        let otherIdleWorkers = max(0, workers.count - busyWorkers - 1)
        let count = queues.count
        for level in 0..<3 {  // see ModelQueue.urgency (no array: claiming must not allocate)
            for offset in 1...max(count, 1) where count > 0 {
                let index = (roundRobinCursor + offset) % count
                let queue = queues[index]
                guard queue.urgency(now: now) == level, queue.isReady(now: now, draining: isDraining(queue)) else { continue }
                // claim() skips past expired requests itself, so 0 rows means nothing is left here.
                let rows = queue.claim(into: &worker.chunks, now: now, otherIdleWorkers: otherIdleWorkers,
                                       completions: &worker.completions)
                if rows > 0 {
                    roundRobinCursor = index
                    return (queue, rows)
                }
            }
        }
        return nil
    }

    private func hasReadyWork(now: UInt64) -> Bool {
        if paused { return false }
        return queues.contains { $0.isReady(now: now, draining: isDraining($0)) }
    }

    /// A queue being emptied (shutdown, or unregistered) runs what it holds without waiting
    /// for its batch window.
    private func isDraining(_ queue: ModelQueue) -> Bool { state != .running || queue.isUnregistered }

    private func nextReadyInstant(now: UInt64) -> UInt64? {
        var earliest: UInt64?
        for queue in queues {
            if let instant = queue.readyAt(now: now), instant < earliest ?? .max { earliest = instant }
        }
        return earliest
    }

    private func callCompletions(of worker: BatchWorker) {
        guard !worker.completions.isEmpty else { return }
        for pending in worker.completions { pending.completion(pending.outcome) }
        worker.completions.removeAll(keepingCapacity: true)
    }
}
