import ShopModels
import Foundation
import ShopScheduler

/// Drives a scheduler in process with `concurrency` requests always in flight: each
/// completion (on the worker thread, standing in for the reactor hop) records the latency
/// and submits that slot's next request until the run ends.
final class ClosedLoopLoad: @unchecked Sendable {
    struct Result {
        var completed: Int
        var seconds: Double
        var latenciesNanoseconds: [UInt64]  // sorted
        var residentAtMeasureStart: Int
        /// Process CPU seconds used per wall second in the measured window (cores busy).
        var coresBusy: Double

        var throughput: Double { Double(completed) / seconds }
        func percentile(_ p: Double) -> Double {
            guard !latenciesNanoseconds.isEmpty else { return 0 }
            let index = min(latenciesNanoseconds.count - 1, Int(Double(latenciesNanoseconds.count) * p))
            return Double(latenciesNanoseconds[index])
        }
    }

    private let scheduler: BatchScheduler
    private let handle: ModelHandle
    private let lock = NSLock()
    private var requests: [ComputeRequest] = []
    private let submittedAt: UnsafeMutablePointer<UInt64>  // one slot per in-flight request, written by workers
    private var latencies: [UInt64] = []
    private var measureFrom: UInt64 = 0
    private var measureUntil: UInt64 = 0
    private var stopAt: UInt64 = 0
    private var running = 0
    private let finished = DispatchSemaphore(value: 0)

    init(scheduler: BatchScheduler, handle: ModelHandle, workload: BenchWorkload, concurrency: Int, rowsPerRequest: Int, seed: UInt64) {
        self.scheduler = scheduler
        self.handle = handle
        submittedAt = .allocate(capacity: concurrency)
        submittedAt.initialize(repeating: 0, count: concurrency)
        latencies = Array(repeating: 0, count: 1 << 21)  // touch the pages now, not in the measured window
        latencies.removeAll(keepingCapacity: true)
        var random = SplitMix64(seed: seed)
        for slot in 0..<concurrency {
            let model = workload.model
            let buffers = RowBuffers(rows: rowsPerRequest, inputRowBytes: model.inputRowBytes, outputRowBytes: model.outputRowBytes)
            let context = workload.fillRequest(rowsPerRequest, buffers, &random)
            buffers.output.initializeMemory(as: UInt8.self, repeating: 0)  // touched now, not in the measured window
            requests.append(ComputeRequest(rows: rowsPerRequest, buffers: buffers, context: context) { [unowned self] outcome in
                self.completed(slot: slot, outcome: outcome)
            })
        }
    }

    deinit { submittedAt.deallocate() }

    /// Runs `warmup` seconds unmeasured, then `seconds` measured; samples `atMeasureStart`
    /// (on the calling thread) when the measured window opens.
    func run(warmup: Double, seconds: Double, atMeasureStart: () -> Int) -> Result {
        let now = MonotonicClock.now()
        measureFrom = now + UInt64(warmup * 1e9)
        measureUntil = measureFrom + UInt64(seconds * 1e9)
        stopAt = measureUntil
        running = requests.count
        for slot in requests.indices { submit(slot) }
        usleep(UInt32(warmup * 1e6))
        let resident = atMeasureStart()
        let cpuStart = processCPUSeconds()
        usleep(UInt32(seconds * 1e6))
        let coresBusy = (processCPUSeconds() - cpuStart) / seconds
        finished.wait()
        let latencies = lock.withLock { self.latencies.sorted() }
        return Result(completed: latencies.count, seconds: seconds, latenciesNanoseconds: latencies, residentAtMeasureStart: resident,
                      coresBusy: coresBusy)
    }

    private func submit(_ slot: Int) {
        submittedAt[slot] = MonotonicClock.now()
        scheduler.submit(requests[slot], to: handle)
    }

    private func completed(slot: Int, outcome: ComputeOutcome) {
        guard case .ok = outcome else { fatalError("benchmark request failed: \(outcome)") }
        let now = MonotonicClock.now()
        let start = submittedAt[slot]
        if now >= measureFrom, now <= measureUntil {  // every completion inside the window counts
            lock.withLock { latencies.append(now - start) }
        }
        if now < stopAt {
            submit(slot)
        } else if lock.withLock({ running -= 1; return running == 0 }) {
            finished.signal()
        }
    }
}

/// User + system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
