import CShopSys
import ShopWire
#if canImport(Glibc)
import Glibc
#endif

/// Something registered with a reactor's epoll: a listener or a connection.
protocol ReactorHandler: AnyObject {
    /// Called on the reactor thread with the epoll event mask.
    func handle(events: UInt32)
    /// Called once per loop iteration after `Reactor.scheduleFlush(_:)` asked for it: the place
    /// to write everything produced during the iteration in one batch.
    func flush()
}

/// One I/O thread: an epoll instance, a task queue for other threads (the `CallExecutor` of
/// every call on it), timers, and the batch of handlers to flush at the end of each iteration.
/// All state except the task queue is touched only by the reactor thread, so it needs no locks.
public final class Reactor: CallExecutor, @unchecked Sendable {
    /// Position of this reactor among the server's reactors (for logs).
    public let index: Int
    private let epollFD: Int32
    private let tasks: TaskQueue
    private var handlers: [ReactorHandler?] = []
    private var freeSlots: [Int] = []
    private var timers = TimerHeap()
    private var flushQueue: [ReactorHandler] = []
    private var running = false
    private var thread: pthread_t?
    private var threadID: pthread_t?
    private let taskSlot = UInt64.max

    init(index: Int) throws {
        self.index = index
        epollFD = shop_epoll_create()
        guard epollFD >= 0 else { throw SystemError.last("epoll_create") }
        tasks = try TaskQueue()
        guard shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_ADD, tasks.eventFD, SHOP_EPOLLIN, taskSlot) == 0 else {
            throw SystemError.last("epoll_ctl(eventfd)")
        }
    }

    deinit { close(epollFD) }

    // MARK: CallExecutor

    public func execute(_ work: @escaping @Sendable () -> Void) {
        tasks.push(work)
    }

    /// Like `execute`, for reactor-internal closures that are not `Sendable`-checked.
    func executeUnchecked(_ work: @escaping () -> Void) {
        tasks.push(work)
    }

    public var inOwningThread: Bool {
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    // MARK: Registration (reactor thread)

    /// Adds `fd` to epoll; returns the slot to pass to `modify`/`unregister`.
    func register(fd: Int32, events: UInt32, handler: ReactorHandler) throws -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            handlers[slot] = handler
        } else {
            slot = handlers.count
            handlers.append(handler)
        }
        guard shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_ADD, fd, events, UInt64(slot)) == 0 else {
            let error = SystemError.last("epoll_ctl(add)")
            handlers[slot] = nil
            freeSlots.append(slot)
            throw error
        }
        return slot
    }

    func modify(fd: Int32, slot: Int, events: UInt32) {
        _ = shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_MOD, fd, events, UInt64(slot))
    }

    /// Removes `fd` from epoll (call before closing it).
    func unregister(fd: Int32, slot: Int) {
        _ = shop_epoll_ctl(epollFD, SHOP_EPOLL_CTL_DEL, fd, 0, 0)
        handlers[slot] = nil
        freeSlots.append(slot)
    }

    /// Asks for `handler.flush()` at the end of this loop iteration.
    func scheduleFlush(_ handler: ReactorHandler) {
        flushQueue.append(handler)
    }

    /// Runs `action` on this thread after `nanoseconds` (reactor thread only).
    @discardableResult
    func schedule(afterNanoseconds nanoseconds: UInt64, _ action: @escaping () -> Void) -> ReactorTimer {
        let (deadline, overflow) = Deadline.now().uptimeNanoseconds.addingReportingOverflow(nanoseconds)
        return schedule(at: overflow ? .max : deadline, action)
    }

    /// Runs `action` on this thread at a monotonic deadline (reactor thread only).
    @discardableResult
    func schedule(at deadline: UInt64, _ action: @escaping () -> Void) -> ReactorTimer {
        let timer = ReactorTimer(deadline: deadline, action: action)
        timers.insert(timer)
        return timer
    }

    // MARK: Thread

    /// Starts the reactor thread; `setup` runs first on it (e.g. to open listeners).
    func start(pinToCPU cpu: Int? = nil) throws {
        let box = Unmanaged.passRetained(ThreadStart(reactor: self, cpu: cpu))
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
            if let cpu = start.cpu { _ = shop_pin_current_thread(Int32(cpu)) }
            start.reactor.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw SystemError("pthread_create", errno: rc)
        }
        thread = handle
    }

    /// Makes the loop exit after the current iteration (any thread).
    func stop() {
        executeUnchecked { [self] in running = false }
    }

    /// Waits for the reactor thread to exit.
    func join() {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func run() {
        threadID = pthread_self()
        running = true
        var events = [UInt32](repeating: 0, count: 256)
        var datas = [UInt64](repeating: 0, count: 256)
        while running {
            let timeout = nextTimeoutMilliseconds()
            let count = events.withUnsafeMutableBufferPointer { eventsBuffer in
                datas.withUnsafeMutableBufferPointer { dataBuffer in
                    shop_epoll_wait(epollFD, eventsBuffer.baseAddress, dataBuffer.baseAddress, 256, timeout)
                }
            }
            if count > 0 {
                for position in 0..<Int(count) {
                    let slot = datas[position]
                    if slot == taskSlot {
                        tasks.runPending()
                    } else if Int(slot) < handlers.count, let handler = handlers[Int(slot)] {
                        handler.handle(events: events[position])
                    }
                }
            }
            if !timers.isEmpty {
                let now = Deadline.now().uptimeNanoseconds
                while let timer = timers.popExpired(now: now) { timer.fire() }
            }
            flushAll()
        }
        timers.removeAll()
    }

    private func flushAll() {
        var rounds = 0
        while !flushQueue.isEmpty, rounds < 4 {
            let batch = flushQueue
            flushQueue.removeAll(keepingCapacity: true)
            for handler in batch { handler.flush() }
            rounds += 1
        }
    }

    private func nextTimeoutMilliseconds() -> Int32 {
        if !flushQueue.isEmpty { return 0 }
        guard let deadline = timers.nextDeadline() else { return 1000 }
        let now = Deadline.now().uptimeNanoseconds
        if deadline <= now { return 0 }
        let milliseconds = (deadline - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, 1000))
    }
}

private final class ThreadStart {
    let reactor: Reactor
    let cpu: Int?
    init(reactor: Reactor, cpu: Int?) {
        self.reactor = reactor
        self.cpu = cpu
    }
}
