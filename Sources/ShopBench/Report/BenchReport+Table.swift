import Foundation

extension BenchReport {
    /// The terminal report: one column per run (a sweep shows its points side by side).
    public func table() -> String {
        var rows: [(String, [String])] = []
        func row(_ name: String, _ value: (BenchResult) -> String) { rows.append((name, runs.map(value))) }
        row("calls") { String($0.stats.calls) }
        row("ok") { String($0.stats.ok) }
        row("errors") { String($0.stats.errors) }
        row("calls/s") { String(format: "%.1f", $0.callsPerSecond) }
        row("elapsed s") { String(format: "%.3f", $0.elapsedSeconds) }
        for (index, name) in BenchResult.latencyNames.enumerated() {
            row("\(name) ms") { String(format: "%.3f", $0.latencySummary[index].milliseconds) }
        }
        row("sent bytes") { String($0.stats.bytesSent) }
        row("received bytes") { String($0.stats.bytesReceived) }
        if runs.contains(where: { $0.unsent > 0 }) { row("unsent (behind rate)") { String($0.unsent) } }
        if runs.contains(where: { $0.abandoned > 0 }) { row("abandoned") { String($0.abandoned) } }
        let codes = Set(runs.flatMap { $0.statusCounts.map(\.name) })
        for name in codes.sorted(by: { statusOrder($0) < statusOrder($1) }) {
            row("status \(name)") { run in String(run.statusCounts.first(where: { $0.name == name })?.count ?? 0) }
        }

        var lines: [String] = []
        let mode = settings.openLoop ? "open loop at \(Self.number(settings.targetRate ?? 0)) calls/s" : "closed loop"
        let stop = settings.durationSeconds.map { "\(Self.number($0)) s" } ?? "\(settings.totalCalls ?? 0) calls"
        lines.append("\(settings.method) on \(settings.target): \(mode), \(stop), warm-up \(Self.number(settings.warmupSeconds)) s, "
                     + "\(settings.connections) connection(s), \(settings.threads) thread(s)")
        if interrupted { lines.append("INTERRUPTED: partial results") }
        let header = [""] + runs.map(label(of:))
        let body = rows.map { [$0.0] + $0.1 }
        let widths = (0..<header.count).map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append(format(header))
        lines += body.map(format)
        for run in runs {
            for (code, message) in run.stats.sampleMessages.sorted(by: { $0.key < $1.key }) where !message.isEmpty {
                let name = GRPCStatusName.of(code)
                lines.append("\(label(of: run)) first \(name): \(message)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func statusOrder(_ name: String) -> Int { name == "OK" ? -1 : (GRPCStatusName.code(of: name) ?? 99) }
}
