import Foundation

extension BenchReport {
    /// Every status name, in code order: the CSV has one column per code.
    static let statusNames = (0...16).map(GRPCStatusName.of)

    /// The report as CSV (`--format csv`): a header and one row per run; latencies in ms.
    public func csv() -> String {
        let header = ["method", "pacing", "concurrency", "connections", "threads", "target_rate", "elapsed_seconds",
                      "calls", "ok", "errors", "calls_per_second"]
            + BenchResult.latencyNames.map { "\($0)_ms" }
            + ["bytes_sent", "bytes_received", "unsent", "abandoned", "interrupted"]
            + Self.statusNames.map { "status_\($0)" }
        var lines = [header.joined(separator: ",")]
        for run in runs {
            var cells = [Self.csvQuoted(settings.method), settings.openLoop ? "open" : "closed", String(run.concurrency),
                         String(run.connections), String(run.threads), run.targetRate.map { Self.number($0) } ?? "",
                         String(format: "%.6f", run.elapsedSeconds), String(run.stats.calls), String(run.stats.ok),
                         String(run.stats.errors), String(format: "%.3f", run.callsPerSecond)]
            cells += run.latencySummary.map { String(format: "%.3f", $0.milliseconds) }
            cells += [String(run.stats.bytesSent), String(run.stats.bytesReceived), String(run.unsent),
                      String(run.abandoned), run.interrupted ? "true" : "false"]
            cells += run.stats.statusCounts.map(String.init)
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting when needed.
    static func csvQuoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// HdrHistogram's percentile distribution of one run (values in milliseconds), the text
    /// format HdrHistogram's plotter and `hdr-plot` read.
    public func hdrPercentileDistribution(of run: BenchResult) -> String {
        var text = ""
        run.stats.latency.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
        return text
    }
}
