import Foundation

/// Open loop: a thread that tells each worker, on its own loop, which calls have come due.
/// The schedule is fixed in advance (call i of worker w is due at `origin + i / rate_w`), so
/// a late wake-up or a busy loop never shifts it: the worker measures from the due time.
final class OpenLoopPacer: @unchecked Sendable {
    private let workers: [LoadWorker]
    private let periods: [Double]
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameter rates: calls per second of each worker.
    init(workers: [LoadWorker], rates: [Double]) {
        self.workers = workers
        self.periods = rates.map { 1e9 / max($0, 1e-9) }
    }

    /// Starts pacing from `origin` (monotonic nanoseconds).
    func start(origin: UInt64) {
        let thread = Thread { [self] in
            run(origin: origin)
            finished.signal()
        }
        thread.name = "shopctl-pacer"
        thread.start()
    }

    /// Stops the thread and waits for it.
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped { finished.wait() }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func run(origin start: UInt64) {
        var next = [Int](repeating: 0, count: workers.count)
        // Worker w starts w/W of a period late, so the merged schedule is evenly spaced.
        let origins = periods.indices.map { start + UInt64(periods[$0] * Double($0) / Double(periods.count)) }
        while !isStopped {
            let now = ShopBenchSystem.now()
            var earliest = UInt64.max
            for (index, worker) in workers.enumerated() {
                let period = periods[index], origin = origins[index]
                if now >= origin {
                    let due = Int(Double(now - origin) / period) + 1 - next[index]
                    if due > 0 {
                        let first = origin + UInt64(Double(next[index]) * period)
                        next[index] += due
                        worker.loop.execute { worker.sendDue(first: first, period: period, count: due) }
                    }
                }
                earliest = min(earliest, origin + UInt64(Double(next[index]) * period))
            }
            let after = ShopBenchSystem.now()
            let wait = earliest > after ? min(earliest - after, 50_000_000) : 0
            if wait > 0 {
                var request = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
                nanosleep(&request, nil)
            }
        }
    }
}
