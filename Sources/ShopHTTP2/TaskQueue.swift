import Atomics
import CShopSys
#if canImport(Glibc)
import Glibc
#endif

/// A multi-producer, single-consumer queue of closures with an eventfd wake-up.
///
/// Producers (any thread) append under a mutex held only for the append; the consumer (the
/// reactor) swaps the whole batch out in one step. The eventfd is written only when the
/// consumer is not already due to wake, so a burst of completions costs one system call.
final class TaskQueue: @unchecked Sendable {
    typealias Task = () -> Void

    /// Readable (for epoll) when tasks are waiting.
    let eventFD: Int32
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var tasks: [Task] = []
    private var spare: [Task] = []
    private let wakePending = ManagedAtomic<Bool>(false)

    init() throws {
        eventFD = shop_eventfd()
        guard eventFD >= 0 else { throw SystemError.last("eventfd") }
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        tasks.reserveCapacity(256)
        spare.reserveCapacity(256)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        close(eventFD)
    }

    /// Appends a task; wakes the consumer if it is not already awake-pending.
    func push(_ task: @escaping Task) {
        pthread_mutex_lock(mutex)
        tasks.append(task)
        pthread_mutex_unlock(mutex)
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            _ = shop_eventfd_signal(eventFD)
        }
    }

    /// Consumer side: runs every task queued so far (tasks queued while running wait for the
    /// next call). Returns the number run.
    @discardableResult
    func runPending() -> Int {
        _ = shop_eventfd_drain(eventFD)
        wakePending.store(false, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        swap(&tasks, &spare)
        pthread_mutex_unlock(mutex)
        let count = spare.count
        for task in spare { task() }
        spare.removeAll(keepingCapacity: true)
        return count
    }
}
