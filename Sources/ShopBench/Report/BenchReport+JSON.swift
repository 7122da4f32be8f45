import Foundation

/// The `--format json` document. Field names and meaning are fixed by
/// `docs/shopctl-bench-report.schema.json` (schema `shopctl-bench/v1`).
struct BenchJSONDocument: Encodable {
    struct Settings: Encodable {
        var method: String
        var target: String
        var tls: Bool
        var pacing: String
        var target_rate: Double?
        var duration_seconds: Double?
        var total_calls: Int?
        var warmup_seconds: Double
        var timeout_seconds: Double?
        var connections: Int
        var threads: Int
        var request_source: String
        var distinct_requests: Int
    }

    struct TimePoint: Encodable {
        var start_seconds: Double
        var calls: Int
        var errors: Int
        var calls_per_second: Double
        var p50_ms: Double
        var p99_ms: Double
        var max_ms: Double
    }

    struct Run: Encodable {
        var concurrency: Int
        var connections: Int
        var threads: Int
        var target_rate: Double?
        var elapsed_seconds: Double
        var calls: Int
        var ok: Int
        var errors: Int
        var calls_per_second: Double
        var status_counts: [String: Int]
        var error_messages: [String: String]
        var latency_ms: [String: Double]
        var bytes_sent: Int
        var bytes_received: Int
        var unsent: Int
        var abandoned: Int
        var interrupted: Bool
        var interval_seconds: Double
        var time_series: [TimePoint]
    }

    var schema = "shopctl-bench/v1"
    var started_at: String
    var interrupted: Bool
    var settings: Settings
    var runs: [Run]
}

extension BenchReport {
    /// The report as JSON (`--format json`), pretty-printed with sorted keys.
    public func json() -> String {
        let s = settings
        let document = BenchJSONDocument(
            started_at: ISO8601DateFormatter().string(from: startedAt), interrupted: interrupted,
            settings: .init(method: s.method, target: s.target, tls: s.tls, pacing: s.openLoop ? "open" : "closed",
                            target_rate: s.targetRate, duration_seconds: s.durationSeconds, total_calls: s.totalCalls,
                            warmup_seconds: s.warmupSeconds, timeout_seconds: s.timeoutSeconds,
                            connections: s.connections, threads: s.threads, request_source: s.requestSource,
                            distinct_requests: s.distinctRequests),
            runs: runs.map(Self.jsonRun))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonRun(_ run: BenchResult) -> BenchJSONDocument.Run {
        var statusCounts: [String: Int] = [:]
        for (name, count) in run.statusCounts { statusCounts[name] = count }
        var messages: [String: String] = [:]
        for (code, message) in run.stats.sampleMessages { messages[GRPCStatusName.of(code)] = message }
        var latency: [String: Double] = [:]
        for (name, value) in run.latencySummary { latency[name] = value }
        return BenchJSONDocument.Run(
            concurrency: run.concurrency, connections: run.connections, threads: run.threads, target_rate: run.targetRate,
            elapsed_seconds: run.elapsedSeconds, calls: run.stats.calls, ok: run.stats.ok, errors: run.stats.errors,
            calls_per_second: run.callsPerSecond, status_counts: statusCounts, error_messages: messages,
            latency_ms: latency, bytes_sent: run.stats.bytesSent, bytes_received: run.stats.bytesReceived,
            unsent: run.unsent, abandoned: run.abandoned, interrupted: run.interrupted,
            interval_seconds: run.intervalSeconds,
            time_series: run.timeSeries.map {
                .init(start_seconds: $0.startSeconds, calls: $0.calls, errors: $0.errors, calls_per_second: $0.callsPerSecond,
                      p50_ms: $0.p50Milliseconds, p99_ms: $0.p99Milliseconds, max_ms: $0.maxMilliseconds)
            })
    }
}
