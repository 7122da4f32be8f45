import Foundation

/// A background thread that calls `tick` every `interval` seconds until stopped.
final class RepositoryPoller: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private let interval: TimeInterval
    private let tick: @Sendable () -> Void

    init(interval: TimeInterval, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "model-repository-poll"
        thread.start()
    }

    /// Stops the thread at its next wake-up (at once if it is waiting). Idempotent.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            let deadline = Date(timeIntervalSinceNow: interval)
            while !stopped && condition.wait(until: deadline) {}
            if stopped { break }
            condition.unlock()
            tick()
            condition.lock()
        }
        condition.unlock()
    }
}
