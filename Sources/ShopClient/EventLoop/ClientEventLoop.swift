import CShopSys
import Foundation
import HeapModule
import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// Something that owns a file descriptor registered with a `ClientEventLoop`.
protocol EventLoopHandler: AnyObject {
    /// Called on the loop thread with the epoll event mask (`SHOP_EPOLLIN`, ...).
    func handleEvents(_ events: UInt32)
}

/// A single-threaded epoll event loop that drives client connections: socket readiness,
/// cross-thread tasks (woken through an eventfd) and timers (deadlines).
///
/// Several connections may share one loop (the load tester runs many connections on few
/// threads). Everything a connection does happens on its loop's thread, so connection and
/// stream state need no locks; other threads hand work over with `execute(_:)`.
public final class ClientEventLoop: CallExecutor, @unchecked Sendable {
    private let epollFD: Int32
    private let wakeFD: Int32
    private static let wakeToken: UInt64 = .max

    // Shared with other threads, guarded by `lock`.
    private let lock = Lock()
    private var pendingTasks: [@Sendable () -> Void] = []

    // Loop-thread state.
    private var handlers: [UInt64: EventLoopHandler] = [:]
    private var nextToken: UInt64 = 1
    private var endOfIterationTasks: [() -> Void] = []
    private var timers = Heap<TimerEntry>()
    private var timerActions: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    private var running = true

    private var loopThread: pthread_t?
    private let started = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Creates the loop and starts its thread.
    /// - Parameter name: the thread name (shown by `top -H`, at most 15 characters).
    public init(name: String = "shopctl-loop") throws {
        signal(SIGPIPE, SIG_IGN)
        epollFD = shop_epoll_create()
        guard epollFD >= 0 else { throw ClientError.system("epoll_create", errno) }
        wakeFD = shop_eventfd()
        guard wakeFD >= 0 else {
            close(epollFD)
            throw ClientError.system("eventfd", errno)
        }
        guard shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_ADD, wakeFD, SHOP_EPOLLIN, Self.wakeToken) == 0 else {
            close(epollFD)
            close(wakeFD)
            throw ClientError.system("epoll_ctl", errno)
        }
        let thread = Thread { [unowned self] in
            self.loopThread = pthread_self()
            self.started.signal()
            self.run()
            self.stopped.signal()
        }
        thread.name = String(name.prefix(15))
        thread.start()
        started.wait()
    }

    deinit {
        close(epollFD)
        close(wakeFD)
    }

    /// True when called on this loop's thread.
    public var inOwningThread: Bool {
        guard let loopThread else { return false }
        return pthread_equal(pthread_self(), loopThread) != 0
    }

    /// Runs `work` on the loop thread, soon (never inline). Safe from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        lock.lock()
        pendingTasks.append(work)
        let mustWake = pendingTasks.count == 1
        lock.unlock()
        if mustWake { _ = shop_eventfd_signal(wakeFD) }
    }

    /// Runs `work` on the loop thread: inline when already there, otherwise via `execute`.
    func runOnLoop(_ work: @escaping @Sendable () -> Void) {
        if inOwningThread { work() } else { execute(work) }
    }

    /// Loop thread only: runs `work` once the events of the current iteration are handled
    /// (used to coalesce many submissions into one socket write).
    func deferToEndOfIteration(_ work: @escaping () -> Void) {
        precondition(inOwningThread)
        endOfIterationTasks.append(work)
    }

    /// Stops the loop and waits for its thread to exit. Registered connections must have
    /// been closed first. Must not be called on the loop thread.
    public func shutdown() {
        precondition(!inOwningThread, "ClientEventLoop.shutdown() called on its own thread")
        execute { [unowned self] in self.running = false }
        stopped.wait()
    }

    // MARK: - File descriptors (loop thread only)

    /// Registers `fd` for `events`; returns the token used to modify or remove it.
    func register(fd: Int32, events: UInt32, handler: EventLoopHandler) throws -> UInt64 {
        let token = nextToken
        nextToken += 1
        guard shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_ADD, fd, events, token) == 0 else {
            throw ClientError.system("epoll_ctl(ADD)", errno)
        }
        handlers[token] = handler
        return token
    }

    func modify(fd: Int32, token: UInt64, events: UInt32) {
        _ = shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_MOD, fd, events, token)
    }

    func deregister(fd: Int32, token: UInt64) {
        _ = shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_DEL, fd, 0, token)
        handlers[token] = nil
    }

    // MARK: - Timers (loop thread only)

    /// Schedules `action` at `deadline`; returns an id for `cancelTimer`.
    func scheduleTimer(at deadline: Deadline, _ action: @escaping () -> Void) -> UInt64 {
        let id = nextTimerID
        nextTimerID += 1
        timers.insert(TimerEntry(deadline: deadline, id: id))
        timerActions[id] = action
        return id
    }

    func cancelTimer(_ id: UInt64) {
        timerActions[id] = nil  // the heap entry is skipped when it comes due
    }

    // MARK: - The loop

    private func run() {
        let capacity = 128
        var events = [UInt32](repeating: 0, count: capacity)
        var tokens = [UInt64](repeating: 0, count: capacity)
        while running {
            let count = shop_epoll_wait(epollFD, &events, &tokens, Int32(capacity), pollTimeoutMilliseconds())
            if count > 0 {
                for index in 0..<Int(count) {
                    if tokens[index] == Self.wakeToken {
                        _ = shop_eventfd_drain(wakeFD)
                    } else if let handler = handlers[tokens[index]] {
                        handler.handleEvents(events[index])
                    }
                }
            }
            runPendingTasks()
            runDueTimers()
            runEndOfIterationTasks()
        }
        runPendingTasks()
        runEndOfIterationTasks()
    }

    private func runPendingTasks() {
        lock.lock()
        let tasks = pendingTasks
        pendingTasks.removeAll(keepingCapacity: true)
        lock.unlock()
        for task in tasks { task() }
    }

    private func runEndOfIterationTasks() {
        // Tasks may defer further tasks (a flush that completes a call that submits another).
        var rounds = 0
        while !endOfIterationTasks.isEmpty && rounds < 16 {
            let tasks = endOfIterationTasks
            endOfIterationTasks.removeAll(keepingCapacity: true)
            for task in tasks { task() }
            rounds += 1
        }
    }

    private func runDueTimers() {
        guard !timers.isEmpty else { return }
        let now = Deadline.now()
        while let first = timers.min, first.deadline <= now {
            _ = timers.removeMin()
            if let action = timerActions.removeValue(forKey: first.id) { action() }
        }
    }

    private func pollTimeoutMilliseconds() -> Int32 {
        if !endOfIterationTasks.isEmpty { return 0 }
        while let first = timers.min, timerActions[first.id] == nil { _ = timers.removeMin() }
        guard let first = timers.min else { return 1000 }
        let remaining = first.deadline.remainingNanoseconds
        if remaining == 0 { return 0 }
        return Int32(min(1000, (remaining + 999_999) / 1_000_000))
    }
}

/// A timer in the loop's min-heap, ordered by deadline.
private struct TimerEntry: Comparable {
    var deadline: Deadline
    var id: UInt64
    static func < (lhs: TimerEntry, rhs: TimerEntry) -> Bool {
        lhs.deadline == rhs.deadline ? lhs.id < rhs.id : lhs.deadline < rhs.deadline
    }
}
