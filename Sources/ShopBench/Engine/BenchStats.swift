import Histogram
import ShopWire

/// What one event loop (and, once merged, the whole run) measured. Latencies are recorded in
/// microseconds in an HDR histogram (3 significant digits).
public struct BenchStats: Sendable {
    /// Calls that completed and were measured (any status).
    public var calls = 0
    /// Completed calls per gRPC status code (index = code, 0 = OK ... 16 = UNAUTHENTICATED).
    public var statusCounts = [Int](repeating: 0, count: 17)
    /// One message seen per failing status code (the first), for the report.
    public var sampleMessages: [Int: String] = [:]
    /// gRPC message bytes (5-byte prefix + payload) of measured calls.
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Latency of every measured call, microseconds.
    public var latency = BenchStats.makeHistogram()
    /// Latency over time: one point per `BenchPlan.interval`, keyed by interval index
    /// (completion time since the start of measurement).
    public var series: [Int: SeriesPoint] = [:]

    public init() {}

    public var ok: Int { statusCounts[0] }
    public var errors: Int { calls - ok }

    /// Adds one completed call.
    @inline(__always)
    mutating func record(latencyNanoseconds: UInt64, code: Int, interval: Int, sent: Int, received: Int) {
        let micros = max(1, latencyNanoseconds / 1000)
        calls += 1
        statusCounts[code] += 1
        bytesSent += sent
        bytesReceived += received
        _ = latency.record(micros)
        if interval != openIndex {
            closeOpenPoint()
            openIndex = interval
            openPoint = series.removeValue(forKey: interval) ?? SeriesPoint()
        }
        openPoint.record(micros, failed: code != 0)
    }

    /// The point being filled (kept out of the dictionary so recording costs no lookup).
    private var openIndex = -1
    private var openPoint = SeriesPoint()

    /// Moves the point being filled into `series`; call before reading `series`.
    mutating func closeOpenPoint() {
        guard openIndex >= 0 else { return }
        series[openIndex] = openPoint
        openIndex = -1
        openPoint = SeriesPoint()
    }

    /// Adds another loop's measurements into this one.
    public mutating func merge(_ other: BenchStats) {
        var other = other
        other.closeOpenPoint()
        closeOpenPoint()
        calls += other.calls
        for code in 0..<17 { statusCounts[code] += other.statusCounts[code] }
        for (code, message) in other.sampleMessages where sampleMessages[code] == nil { sampleMessages[code] = message }
        bytesSent += other.bytesSent
        bytesReceived += other.bytesReceived
        latency.add(other.latency)
        for (index, point) in other.series {
            if series[index] == nil { series[index] = point } else { series[index]!.merge(point) }
        }
    }

    /// Microseconds up to 100 s without resizing (larger values resize it).
    static func makeHistogram() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(highestTrackableValue: 100_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }
}

/// The calls that completed within one interval of the run.
public struct SeriesPoint: Sendable {
    public var calls = 0
    public var errors = 0
    /// Microseconds, 2 significant digits (small: there is one per interval).
    public var latency: Histogram<UInt32> = {
        var histogram = Histogram<UInt32>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .two)
        histogram.autoResize = true
        return histogram
    }()

    @inline(__always)
    mutating func record(_ micros: UInt64, failed: Bool) {
        calls += 1
        if failed { errors += 1 }
        _ = latency.record(micros)
    }

    mutating func merge(_ other: SeriesPoint) {
        calls += other.calls
        errors += other.errors
        latency.add(other.latency)
    }
}
