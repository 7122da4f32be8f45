import ShopWire

/// The outcome of one run (one point of a sweep).
public struct BenchResult: Sendable {
    public var concurrency: Int
    public var connections: Int
    public var threads: Int
    /// nil for a closed loop.
    public var targetRate: Double?
    /// Seconds from the start of measurement to the last measured completion.
    public var elapsedSeconds: Double
    public var stats: BenchStats
    /// Width of one `stats.series` point, seconds.
    public var intervalSeconds: Double
    /// Open loop: calls that were due but never started before the end.
    public var unsent: Int
    /// Calls cancelled because they outlived the drain limit or Ctrl-C.
    public var abandoned: Int
    /// True when the run was stopped early (Ctrl-C).
    public var interrupted: Bool

    /// Completed calls per second.
    public var callsPerSecond: Double { elapsedSeconds > 0 ? Double(stats.calls) / elapsedSeconds : 0 }

    /// A latency percentile (0...100) in milliseconds.
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
        stats.calls == 0 ? 0 : Double(stats.latency.valueAtPercentile(percentile)) / 1000
    }

    /// The summary latencies in milliseconds, in report order.
    public var latencySummary: [(name: String, milliseconds: Double)] {
        guard stats.calls > 0 else { return BenchResult.latencyNames.map { ($0, 0) } }
        let histogram = stats.latency
        return [("min", Double(histogram.min) / 1000), ("mean", histogram.mean / 1000),
                ("p50", latencyMilliseconds(atPercentile: 50)), ("p90", latencyMilliseconds(atPercentile: 90)),
                ("p99", latencyMilliseconds(atPercentile: 99)), ("p99.9", latencyMilliseconds(atPercentile: 99.9)),
                ("max", Double(histogram.max) / 1000)]
    }

    static let latencyNames = ["min", "mean", "p50", "p90", "p99", "p99.9", "max"]

    /// Status counts by name (only codes that occurred), OK first.
    public var statusCounts: [(name: String, count: Int)] {
        stats.statusCounts.enumerated().compactMap { code, count in
            count == 0 ? nil : (GRPCStatusName.of(code), count)
        }
    }

    /// One point of latency over time, computed from the merged series.
    public struct TimePoint: Sendable {
        public var startSeconds: Double
        public var calls: Int
        public var errors: Int
        public var callsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
    }

    /// Latency over time, every interval from the first to the last one with calls.
    public var timeSeries: [TimePoint] {
        guard let last = stats.series.keys.max() else { return [] }
        return (0...last).map { index in
            let point = stats.series[index] ?? SeriesPoint()
            let empty = point.calls == 0
            return TimePoint(startSeconds: Double(index) * intervalSeconds, calls: point.calls, errors: point.errors,
                             callsPerSecond: Double(point.calls) / intervalSeconds,
                             p50Milliseconds: empty ? 0 : Double(point.latency.valueAtPercentile(50)) / 1000,
                             p99Milliseconds: empty ? 0 : Double(point.latency.valueAtPercentile(99)) / 1000,
                             maxMilliseconds: empty ? 0 : Double(point.latency.max) / 1000)
        }
    }
}
