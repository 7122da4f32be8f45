import Foundation

/// A finished benchmark: the settings people need to reproduce it and one `BenchResult` per
/// sweep point. Rendered by the `BenchReport+*` extensions (table, JSON, CSV, HDR, HTML).
public struct BenchReport: Sendable {
    /// What was run, as given on the command line.
    public struct Settings: Sendable {
        public var method: String
        public var target: String
        public var tls: Bool
        public var openLoop: Bool
        public var targetRate: Double?
        public var durationSeconds: Double?
        public var totalCalls: Int?
        public var warmupSeconds: Double
        public var timeoutSeconds: Double?
        public var connections: Int
        public var threads: Int
        /// Where request messages come from: `data`, `data-file:PATH` or `workload:NAME`.
        public var requestSource: String
        public var distinctRequests: Int

        public init(method: String, target: String, tls: Bool, openLoop: Bool, targetRate: Double?,
                    durationSeconds: Double?, totalCalls: Int?, warmupSeconds: Double, timeoutSeconds: Double?,
                    connections: Int, threads: Int, requestSource: String, distinctRequests: Int) {
            self.method = method
            self.target = target
            self.tls = tls
            self.openLoop = openLoop
            self.targetRate = targetRate
            self.durationSeconds = durationSeconds
            self.totalCalls = totalCalls
            self.warmupSeconds = warmupSeconds
            self.timeoutSeconds = timeoutSeconds
            self.connections = connections
            self.threads = threads
            self.requestSource = requestSource
            self.distinctRequests = distinctRequests
        }
    }

    public var settings: Settings
    public var runs: [BenchResult]
    /// When the first run started (wall clock), for the report header.
    public var startedAt: Date

    public init(settings: Settings, runs: [BenchResult], startedAt: Date) {
        self.settings = settings
        self.runs = runs
        self.startedAt = startedAt
    }

    public var interrupted: Bool { runs.contains(where: \.interrupted) }

    /// One column label per run: `c=16` (and the rate in an open loop).
    func label(of run: BenchResult) -> String {
        if let rate = run.targetRate { return "c=\(run.concurrency) @\(Self.number(rate))/s" }
        return "c=\(run.concurrency)"
    }

    /// A compact number: integers without decimals, others with up to 3.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.3f", value)
    }
}
