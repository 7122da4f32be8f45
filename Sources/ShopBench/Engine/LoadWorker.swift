import Foundation
import ShopClient
import ShopWire

/// One event loop's share of the load: its connections, its call slots and its own
/// measurements. Everything below runs on the loop's thread, so the hot path takes no
/// locks; the runner talks to a worker only through `loop.execute`.
final class LoadWorker: @unchecked Sendable {
    /// What this worker was given out of the plan.
    struct Share {
        var slots: Int
        /// Measured calls this worker may start; nil: until told to stop.
        var quota: Int?
        /// Open loop: this worker's calls per second.
        var rate: Double?
    }

    let loop: ClientEventLoop
    let connections: [ClientConnection]
    private let method: MethodPath
    private let requests: [[UInt8]]
    private let options: CallOptions
    private let intervalNanoseconds: UInt64
    private let isOpenLoop: Bool
    private let onDone: @Sendable () -> Void

    // Loop-thread state.
    private var slots: [CallSlot] = []
    private var idleSlots: [CallSlot] = []
    private var requestCursor: Int
    private var connectionCursor = 0
    private var quota: Int?
    private var issuing = true
    private var measuring = false
    private var measureStart: UInt64 = 0
    /// No call is started at or after this instant (timed runs).
    private var measureEnd: UInt64 = .max
    private var abandoning = false
    private var reentrancy = 0
    private var refillScheduled = false
    private var reportedDone = false
    /// Open loop: intended start times of calls waiting for a free slot (FIFO).
    private var backlog: [UInt64] = []
    private var backlogHead = 0
    /// Results; read by the runner only after the loop has stopped.
    private(set) var stats = BenchStats()
    private(set) var lastCompletion: UInt64 = 0
    /// Intended calls never started (open loop backlog at the end).
    private(set) var unsent = 0
    /// Calls cancelled because they outlived the drain limit or the run was interrupted.
    private(set) var abandoned = 0

    // Progress, published on request (the only lock, taken once per progress tick).
    private let progressLock = NSLock()
    private var progress = BenchStats()

    init(loop: ClientEventLoop, connections: [ClientConnection], plan: BenchPlan, share: Share, index: Int,
         onDone: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.connections = connections
        self.method = plan.method
        self.requests = plan.requests.messages
        self.options = plan.callOptions
        self.intervalNanoseconds = max(1, plan.interval.nanoseconds)
        self.isOpenLoop = share.rate != nil
        self.quota = share.quota
        self.requestCursor = index % plan.requests.count
        self.onDone = onDone
        // With at least one slot per connection, each slot keeps to one connection (calls per
        // connection stay even, and a finished call's successor goes out with the other
        // writes of that connection); with fewer slots, calls rotate over the connections.
        let bind = share.slots >= connections.count
        slots = (0..<share.slots).map { CallSlot(worker: self, connection: bind ? $0 % connections.count : nil) }
        idleSlots = slots
    }

    // MARK: - Commands from the runner (loop thread)

    /// Closed loop: fills every slot. Open loop: nothing (the pacer sends `sendDue`).
    func start() {
        if !isOpenLoop { refill() }
        checkDone()
    }

    /// Calls started from now on are measured; `start` is the common time origin. A timed
    /// run starts no call at or after `end`.
    func beginMeasurement(at start: UInt64, until end: UInt64) {
        measureStart = start
        measureEnd = end
        measuring = true
    }

    /// Open loop: `count` calls were due, the first at `first` nanoseconds, then every `period`.
    func sendDue(first: UInt64, period: Double, count: Int) {
        for index in 0..<count where issuing {
            let intended = first + UInt64(Double(index) * period)
            if intended >= measureEnd {
                issuing = false
                break
            }
            let measured = measuring && intended >= measureStart
            if measured && !admit() { break }
            if backlogHead == backlog.count, let slot = idleSlots.popLast() {
                issue(slot, intended: intended, measured: measured)
            } else {
                backlog.append(intended)
            }
        }
        checkDone()
    }

    /// No new calls; calls in flight finish and are counted.
    func stopIssuing() {
        issuing = false
        for index in backlogHead..<backlog.count where measuring && backlog[index] >= measureStart { unsent += 1 }
        backlog.removeAll()
        backlogHead = 0
        checkDone()
    }

    /// Cancels the calls still in flight; they are counted as abandoned, not measured.
    func abandon() {
        issuing = false
        abandoning = true
        for slot in slots { slot.call?.cancel() }
        checkDone()
    }

    /// Copies the measurements so far for the progress line.
    func publishProgress() {
        var snapshot = stats
        snapshot.closeOpenPoint()
        snapshot.series = [:]
        progressLock.lock()
        progress = snapshot
        progressLock.unlock()
    }

    /// The last published progress (any thread).
    var publishedProgress: BenchStats {
        progressLock.lock()
        defer { progressLock.unlock() }
        return progress
    }

    /// The measurements, with the open series point closed (after the loop stopped).
    func finalStats() -> BenchStats {
        var final = stats
        final.closeOpenPoint()
        return final
    }

    // MARK: - The hot path

    /// A call ended: record it (if measured) and reuse the slot.
    func slotFinished(_ slot: CallSlot, status: GRPCStatus) {
        let now = ShopBenchSystem.now()
        slot.busy = false
        if abandoning && status.code == .cancelled {
            abandoned += 1
        } else if slot.measured {
            let code = min(max(status.code.rawValue, 0), 16)
            if code != 0 && stats.sampleMessages[code] == nil { stats.sampleMessages[code] = status.message }
            let latency = now > slot.startNanoseconds ? now - slot.startNanoseconds : 0
            let interval = now > measureStart ? Int((now - measureStart) / intervalNanoseconds) : 0
            stats.record(latencyNanoseconds: latency, code: code, interval: interval,
                         sent: slot.bytesSent, received: slot.bytesReceived)
            lastCompletion = now
        }
        idleSlots.append(slot)
        if reentrancy > 0 {
            // Finished inside `start` (e.g. the connection is closed): continue next iteration.
            if !refillScheduled {
                refillScheduled = true
                loop.execute { [self] in
                    refillScheduled = false
                    refill()
                    checkDone()
                }
            }
        } else {
            refill()
        }
        checkDone()
    }

    /// Starts calls while there are free slots and work: the backlog (open loop) or, in a
    /// closed loop, the next call at once.
    private func refill() {
        while issuing, let slot = idleSlots.last {
            if isOpenLoop {
                guard backlogHead < backlog.count else { break }
                let intended = backlog[backlogHead]
                backlogHead += 1
                if backlogHead == backlog.count {
                    backlog.removeAll(keepingCapacity: true)
                    backlogHead = 0
                }
                idleSlots.removeLast()
                issue(slot, intended: intended, measured: measuring && intended >= measureStart)
            } else {
                let now = ShopBenchSystem.now()
                if now >= measureEnd {
                    issuing = false
                    break
                }
                if measuring && !admit() { break }
                idleSlots.removeLast()
                issue(slot, intended: now, measured: measuring)
            }
        }
    }

    /// Takes one measured call out of the quota; false (and stops issuing) when it is spent.
    private func admit() -> Bool {
        guard let remaining = quota else { return true }
        guard remaining > 0 else {
            issuing = false
            return false
        }
        quota = remaining - 1
        return true
    }

    private func issue(_ slot: CallSlot, intended: UInt64, measured: Bool) {
        let request = requests[requestCursor]
        requestCursor += 1
        if requestCursor == requests.count { requestCursor = 0 }
        let connection: ClientConnection
        if let bound = slot.connection {
            connection = connections[bound]
        } else {
            connection = connections[connectionCursor]
            connectionCursor += 1
            if connectionCursor == connections.count { connectionCursor = 0 }
        }
        slot.startNanoseconds = intended
        slot.measured = measured
        slot.bytesSent = request.count + 5
        slot.bytesReceived = 0
        slot.busy = true
        reentrancy += 1
        let call = connection.start(method, request: request, options: options, delegate: slot)
        reentrancy -= 1
        // The call may already have finished (closed connection): then the slot is idle again.
        if slot.busy { slot.call = call }
    }

    private var inFlight: Int { slots.count - idleSlots.count }

    private func checkDone() {
        if quota == 0 && backlogHead == backlog.count { issuing = false }
        guard !reportedDone, !issuing, inFlight == 0 else { return }
        reportedDone = true
        onDone()
    }
}
