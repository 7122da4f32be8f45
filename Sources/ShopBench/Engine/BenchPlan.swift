import ShopClient
import ShopWire

/// Everything one load run needs: what to call, with which requests, how hard and for how
/// long. Built by `shopctl bench` (or a test) and handed to `BenchRunner`.
public struct BenchPlan: Sendable {
    /// How calls are paced.
    public enum Pacing: Sendable, Equatable {
        /// Keep `concurrency` calls in flight; a finished call starts the next one at once.
        case closedLoop
        /// Start calls at a fixed rate (calls per second over all connections), at most
        /// `concurrency` in flight; calls that cannot start wait in a backlog. Latency is
        /// measured from the intended start time (coordinated-omission corrected, as wrk2).
        case openLoop(rate: Double)
    }

    /// When the measured part of the run ends.
    public enum Stop: Sendable, Equatable {
        /// After this long (then in-flight calls are drained and counted).
        case duration(Duration)
        /// After this many measured calls were started.
        case total(Int)
    }

    public var connection: ConnectionConfiguration
    public var method: MethodPath
    public var requests: RequestPool
    public var callOptions: CallOptions
    public var pacing: Pacing
    public var stop: Stop
    /// Calls in flight (closed loop) or the most in flight at once (open loop).
    public var concurrency: Int
    /// HTTP/2 connections (spread over the event loops).
    public var connections: Int
    /// Event-loop threads (default: the CPUs this process may run on).
    public var threads: Int
    /// Load that runs before measuring starts and is not reported.
    public var warmup: Duration
    /// Width of one point of the latency-over-time series.
    public var interval: Duration
    /// How long to wait for in-flight calls after the end before abandoning them.
    public var drainLimit: Duration

    public init(connection: ConnectionConfiguration, method: MethodPath, requests: RequestPool,
                callOptions: CallOptions = CallOptions(), pacing: Pacing = .closedLoop,
                stop: Stop = .duration(.seconds(10)), concurrency: Int = 16, connections: Int = 1,
                threads: Int = BenchPlan.availableCPUs, warmup: Duration = .zero,
                interval: Duration? = nil, drainLimit: Duration = .seconds(10)) {
        self.connection = connection
        self.method = method
        self.requests = requests
        self.callOptions = callOptions
        self.pacing = pacing
        self.stop = stop
        self.concurrency = max(1, concurrency)
        self.connections = max(1, connections)
        self.threads = max(1, min(threads, self.connections))
        self.warmup = warmup
        self.drainLimit = drainLimit
        self.interval = interval ?? BenchPlan.defaultInterval(for: stop)
    }

    /// The CPUs this process may run on (its affinity mask, e.g. under `taskset`).
    public static var availableCPUs: Int { ShopBenchSystem.availableCPUs }

    /// About 50 points for a timed run, between 100 ms and 1 s per point.
    public static func defaultInterval(for stop: Stop) -> Duration {
        guard case .duration(let duration) = stop else { return .seconds(1) }
        let fiftieth = duration / 50
        return min(max(fiftieth, .milliseconds(100)), .seconds(1))
    }
}
