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
///
/// Records live in one manually managed buffer reached through addressors: a subscript
/// access is a pointer offset (an Array behind `_read`/`_modify` accessors made every access
/// a coroutine, which allocated its frame on the heap). The buffer only grows in `allocate`,
/// never while a record is being accessed.
final class RequestStore {
    private var base: UnsafeMutablePointer<RequestRecord>
    private var capacity: Int
    /// Records allocated so far (in use or free).
    private(set) var count = 0
    private var freeSlots: [Int32] = []
    /// Records in use.
    private(set) var liveCount = 0

    init(initialCapacity: Int = 64) {
        capacity = max(1, initialCapacity)
        base = .allocate(capacity: capacity)
        freeSlots.reserveCapacity(capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// A free slot (its record is reset except for the generation).
    func allocate() -> Int32 {
        liveCount += 1
        if let slot = freeSlots.popLast() {
            base[Int(slot)].inUse = true
            return slot
        }
        if count == capacity { grow() }
        (base + count).initialize(to: RequestRecord(inUse: true))
        count += 1
        return Int32(count - 1)
    }

    /// Returns a slot to the free list; tickets and queue entries naming it become stale.
    func release(_ slot: Int32) {
        let generation = base[Int(slot)].generation &+ 1
        base[Int(slot)] = RequestRecord(generation: generation)
        freeSlots.append(slot)
        liveCount -= 1
    }

    /// True when `slot` holds the request of `generation`.
    func isCurrent(_ slot: Int32, _ generation: UInt32) -> Bool {
        Int(slot) < count && base[Int(slot)].inUse && base[Int(slot)].generation == generation
    }

    subscript(slot: Int32) -> RequestRecord {
        unsafeAddress { UnsafePointer(base + Int(slot)) }
        unsafeMutableAddress { base + Int(slot) }
    }

    private func grow() {
        let larger = UnsafeMutablePointer<RequestRecord>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
        freeSlots.reserveCapacity(capacity)
    }
}
