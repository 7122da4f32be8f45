import Foundation
import ShopClient
import ShopWire

/// Runs one `BenchPlan`: starts the event loops, connections and workers, waits out the
/// warm-up and the measured part, drains, and merges what every loop measured.
///
/// `stop()` (safe from any thread, e.g. a SIGINT handler) ends the run early; `run` then
/// returns the partial result with `interrupted` set.
public final class BenchRunner: @unchecked Sendable {
    public let plan: BenchPlan
    private let lock = NSLock()
    private var stopRequested = false
    private var workersDone = 0
    private let wake = DispatchSemaphore(value: 0)

    public init(plan: BenchPlan) { self.plan = plan }

    /// Ends the run early (idempotent, any thread).
    public func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        wake.signal()
    }

    private var isStopRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private var allWorkersDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return workersDone == workers.count
    }

    private var workers: [LoadWorker] = []

    /// Runs the plan to its end (or `stop()`).
    /// - Parameter progress: called about once a second on the calling thread with the
    ///   measurements so far (nil: no progress).
    /// - Throws: `ClientError` when a connection cannot be set up (bad host, TLS files).
    public func run(progress: ((BenchResult) -> Void)? = nil) throws -> BenchResult {
        let threadCount = min(plan.threads, plan.connections, plan.concurrency)
        let loops = try (0..<threadCount).map { try ClientEventLoop(name: "shopctl-load\($0)") }
        var connectionsPerLoop = [[ClientConnection]](repeating: [], count: threadCount)
        do {
            for index in 0..<plan.connections {
                connectionsPerLoop[index % threadCount].append(
                    try ClientConnection(configuration: plan.connection, eventLoop: loops[index % threadCount]))
            }
        } catch {
            connectionsPerLoop.joined().forEach { $0.shutdown() }
            loops.forEach { $0.shutdown() }
            throw error
        }
        let shares = Self.shares(of: plan, among: threadCount)
        workers = (0..<threadCount).map { index in
            LoadWorker(loop: loops[index], connections: connectionsPerLoop[index], plan: plan, share: shares[index],
                       index: index, onDone: { [self] in
                           lock.lock()
                           workersDone += 1
                           lock.unlock()
                           wake.signal()
                       })
        }
        var pacer: OpenLoopPacer?
        if case .openLoop = plan.pacing {
            pacer = OpenLoopPacer(workers: workers, rates: shares.map { $0.rate ?? 0 })
        }

        // Warm-up (not measured), then the measured part. Without a warm-up, measuring
        // begins before the first call.
        let origin = ShopBenchSystem.now()
        let measureStart = origin + plan.warmup.nanoseconds
        let end: UInt64
        switch plan.stop {
        case .duration(let duration): end = measureStart + duration.nanoseconds
        case .total: end = .max
        }
        let hasWarmup = plan.warmup > .zero
        for worker in workers {
            worker.loop.execute {
                if !hasWarmup { worker.beginMeasurement(at: measureStart, until: end) }
                worker.start()
            }
        }
        pacer?.start(origin: origin)
        if hasWarmup {
            waitUntil(measureStart, progress: nil)
            for worker in workers { worker.loop.execute { worker.beginMeasurement(at: measureStart, until: end) } }
        }
        waitUntil(end, progress: progress.map { report in { report(self.snapshot(measureStart: measureStart)) } })

        // Stop issuing, drain (bounded), abandon what is left.
        let interrupted = isStopRequested
        for worker in workers { worker.loop.execute { worker.stopIssuing() } }
        let drainEnd = ShopBenchSystem.now() + (interrupted ? min(plan.drainLimit, .seconds(1)) : plan.drainLimit).nanoseconds
        waitForWorkers(until: drainEnd)
        if !allWorkersDone {
            for worker in workers { worker.loop.execute { worker.abandon() } }
            waitForWorkers(until: ShopBenchSystem.now() + 5_000_000_000)
        }
        pacer?.stop()
        for connection in connectionsPerLoop.joined() { connection.shutdown() }
        for loop in loops { loop.shutdown() }

        return result(measureStart: measureStart, interrupted: interrupted || isStopRequested)
    }

    /// Waits until `deadline`, all workers are done, or `stop()`; calls `tick` about once a second.
    private func waitUntil(_ deadline: UInt64, progress tick: (() -> Void)?) {
        var nextTick = ShopBenchSystem.now() + 1_000_000_000
        while !isStopRequested && !allWorkersDone {
            let now = ShopBenchSystem.now()
            if now >= deadline { return }
            if let tick, now >= nextTick {
                tick()
                nextTick = now + 1_000_000_000
            }
            var wait = min(deadline - now, 1_000_000_000)
            if tick != nil { wait = min(wait, nextTick > now ? nextTick - now : 0) }
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(wait, 1_000_000))))
        }
    }

    private func waitForWorkers(until deadline: UInt64) {
        while !allWorkersDone {
            let now = ShopBenchSystem.now()
            if now >= deadline { return }
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(deadline - now, 100_000_000))))
        }
    }

    /// Asks every loop for its numbers so far and merges them (progress only).
    private func snapshot(measureStart: UInt64) -> BenchResult {
        let published = DispatchGroup()
        for worker in workers {
            published.enter()
            worker.loop.execute {
                worker.publishProgress()
                published.leave()
            }
        }
        _ = published.wait(timeout: .now() + .milliseconds(200))
        var merged = BenchStats()
        for worker in workers { merged.merge(worker.publishedProgress) }
        return makeResult(stats: merged, elapsed: Double(ShopBenchSystem.now() - measureStart) / 1e9, unsent: 0,
                          abandoned: 0, interrupted: false)
    }

    private func result(measureStart: UInt64, interrupted: Bool) -> BenchResult {
        var merged = BenchStats()
        for worker in workers { merged.merge(worker.finalStats()) }
        let last = workers.map(\.lastCompletion).max() ?? measureStart
        var elapsed = last > measureStart ? Double(last - measureStart) / 1e9 : 0
        if case .duration(let duration) = plan.stop, !interrupted { elapsed = max(elapsed, duration.seconds) }
        return makeResult(stats: merged, elapsed: elapsed, unsent: workers.map(\.unsent).reduce(0, +),
                          abandoned: workers.map(\.abandoned).reduce(0, +), interrupted: interrupted)
    }

    private func makeResult(stats: BenchStats, elapsed: Double, unsent: Int, abandoned: Int, interrupted: Bool) -> BenchResult {
        var rate: Double?
        if case .openLoop(let target) = plan.pacing { rate = target }
        return BenchResult(concurrency: plan.concurrency, connections: plan.connections, threads: workers.count,
                           targetRate: rate, elapsedSeconds: elapsed, stats: stats,
                           intervalSeconds: plan.interval.seconds, unsent: unsent, abandoned: abandoned,
                           interrupted: interrupted)
    }

    /// Splits slots, quota and rate over the workers in proportion to their slots.
    static func shares(of plan: BenchPlan, among count: Int) -> [LoadWorker.Share] {
        let slots = (0..<count).map { plan.concurrency / count + ($0 < plan.concurrency % count ? 1 : 0) }
        var quotas: [Int?] = Array(repeating: nil, count: count)
        if case .total(let total) = plan.stop {
            var given = 0
            for index in 0..<count {
                let upTo = (total * slots[0...index].reduce(0, +)) / plan.concurrency
                quotas[index] = upTo - given
                given = upTo
            }
        }
        return (0..<count).map { index in
            var rate: Double?
            if case .openLoop(let total) = plan.pacing { rate = total * Double(slots[index]) / Double(plan.concurrency) }
            return LoadWorker.Share(slots: slots[index], quota: quotas[index], rate: rate)
        }
    }
}
