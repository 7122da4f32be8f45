/// The scheduler's record of one submitted request while it is queued or being computed.
struct RequestRecord {
    var generation: UInt32 = 0
    var inUse = false
    var rows = 0
    /// Rows already handed to workers (chunks); the rest are queued.
    var dispatchedRows = 0
    /// Chunks of this request being computed now.
    var runningChunks = 0
    /// Set when the request ended early (deadline, cancellation, failure); it completes
    /// with this outcome once no chunk of it is running.
    var terminal: ComputeOutcome?
    var enqueuedAt: UInt64 = 0
    var deadline: UInt64 = 0
    var priority: RequestPriority = .high
    var buffers: RowBuffers?
    var context: AnyObject?
    var cancellation: CancellationToken?
    var completion: ((ComputeOutcome) -> Void)?

    /// Still has rows waiting in the queue.
    var isQueued: Bool { inUse && terminal == nil && dispatchedRows < rows }
}

/// A slab of request records reused through a free list, so steady-state submission does
/// not allocate records and their number is bounded by the peak of live requests.
struct RequestStore {
    private(set) var records: [RequestRecord] = []
    private var freeSlots: [Int32] = []
    /// Records in use.
    private(set) var liveCount = 0

    /// A free slot (its record is reset except for the generation).
    mutating func allocate() -> Int32 {
        liveCount += 1
        if let slot = freeSlots.popLast() {
            records[Int(slot)].inUse = true
            return slot
        }
        records.append(RequestRecord(inUse: true))
        return Int32(records.count - 1)
    }

    /// Returns a slot to the free list; tickets and queue entries naming it become stale.
    mutating func release(_ slot: Int32) {
        let generation = records[Int(slot)].generation &+ 1
        records[Int(slot)] = RequestRecord(generation: generation)
        freeSlots.append(slot)
        liveCount -= 1
    }

    /// True when `slot` holds the request of `generation`.
    func isCurrent(_ slot: Int32, _ generation: UInt32) -> Bool {
        Int(slot) < records.count && records[Int(slot)].inUse && records[Int(slot)].generation == generation
    }

    subscript(slot: Int32) -> RequestRecord {
        _read { yield records[Int(slot)] }
        _modify { yield &records[Int(slot)] }
    }
}
