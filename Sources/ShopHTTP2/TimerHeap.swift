/// A timer the reactor fires once at its deadline unless cancelled first.
/// Owned by the reactor thread; `cancel()` must be called there.
final class ReactorTimer {
    fileprivate(set) var deadline: UInt64
    fileprivate var action: (() -> Void)?

    init(deadline: UInt64, action: @escaping () -> Void) {
        self.deadline = deadline
        self.action = action
    }

    /// Prevents the action from running; releases what it captured.
    func cancel() { action = nil }

    /// Runs the action once (the reactor calls this when the deadline has passed).
    func fire() {
        guard let action else { return }
        self.action = nil
        action()
    }

    var isActive: Bool { action != nil }
}

/// Min-heap of timers by deadline (monotonic nanoseconds). Cancelled timers are dropped
/// lazily when they reach the top.
struct TimerHeap {
    private var heap: [ReactorTimer] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func insert(_ timer: ReactorTimer) {
        heap.append(timer)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest deadline of an active timer, discarding cancelled ones on top.
    mutating func nextDeadline() -> UInt64? {
        while let top = heap.first, !top.isActive { removeTop() }
        return heap.first?.deadline
    }

    /// Removes and returns the earliest timer due at or before `now`, if any. The caller runs
    /// it after this returns, so actions may schedule new timers.
    mutating func popExpired(now: UInt64) -> ReactorTimer? {
        while let top = heap.first, top.deadline <= now {
            removeTop()
            if top.isActive { return top }
        }
        return nil
    }

    /// Cancels every timer (used when the reactor stops).
    mutating func removeAll() {
        for timer in heap { timer.cancel() }
        heap.removeAll()
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
