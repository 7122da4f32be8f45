import Foundation
import Histogram

extension BenchReport {
    /// A self-contained HTML report (`--html FILE`): settings, the summary table, latency
    /// over time per run and the latency distribution of every run, as inline SVG (no
    /// script, no external resource). The JSON report is embedded as
    /// `<script type="application/json" id="bench-data">` for tools.
    public func html() -> String {
        let title = "shopctl bench — \(settings.method)"
        var body = "<h1>\(HTMLText.escape(title))</h1>\n"
        body += "<p class=\"meta\">\(HTMLText.escape(settings.target)) · started \(HTMLText.escape(ISO8601DateFormatter().string(from: startedAt)))"
        body += interrupted ? " · <strong>interrupted: partial results</strong>" : ""
        body += "</p>\n<pre class=\"summary\">\(HTMLText.escape(table()))</pre>\n"
        body += "<h2>Latency distribution</h2>\n" + distributionChart().render() + "\n"
        body += "<h2>Latency over time</h2>\n"
        for (index, run) in runs.enumerated() {
            body += overTimeChart(run, index: index).render() + "\n"
        }
        let data = json().replacingOccurrences(of: "</", with: "<\\/")
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(HTMLText.escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
        pre.summary { background: #f6f6f6; padding: 12px; font-size: 13px; white-space: pre-wrap; }
        svg.chart { display: block; margin: 12px 0; border: 1px solid #ddd; }
        p.meta { color: #555; }
        </style>
        </head>
        <body>
        \(body)<script type="application/json" id="bench-data">
        \(data)
        </script>
        </body>
        </html>

        """
    }

    /// p50, p99 and max per interval of one run.
    func overTimeChart(_ run: BenchResult, index: Int) -> SVGLineChart {
        let points = run.timeSeries.filter { $0.calls > 0 }
        func line(_ name: String, _ value: (BenchResult.TimePoint) -> Double) -> SVGLineChart.Series {
            .init(name: name, points: points.map { ($0.startSeconds + run.intervalSeconds / 2, value($0)) })
        }
        let end = Double(run.timeSeries.count) * run.intervalSeconds
        let ticks = (0...5).map { step -> SVGLineChart.Tick in
            let value = end * Double(step) / 5
            return (value, SVGLineChart.tickLabel(value))
        }
        return SVGLineChart(id: "latency-over-time-\(index)", title: "Latency over time, \(label(of: run))",
                            xLabel: "seconds since measurement start", yLabel: "latency (ms)",
                            series: [line("p50", \.p50Milliseconds), line("p99", \.p99Milliseconds), line("max", \.maxMilliseconds)],
                            xTicks: ticks)
    }

    /// The percentile spectrum of every run (x: 1/(1-percentile) on a log scale, as
    /// HdrHistogram's plots).
    func distributionChart() -> SVGLineChart {
        var maxX = 1.0
        let series = runs.map { run -> SVGLineChart.Series in
            var points: [(x: Double, y: Double)] = []
            if run.stats.calls > 0 {
                for value in run.stats.latency.percentiles(ticksPerHalfDistance: 5) {
                    let remaining = 1 - value.percentile / 100
                    guard remaining > 1e-7 else { break }
                    let x = log10(1 / remaining)
                    points.append((x, Double(value.value) / 1000))
                    maxX = max(maxX, x)
                }
                points.append((maxX, Double(run.stats.latency.max) / 1000))
            }
            return SVGLineChart.Series(name: label(of: run), points: points)
        }
        let labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]
        let ticks = (0...min(6, Int(maxX.rounded(.up)))).map { (Double($0), labels[$0]) }
        return SVGLineChart(id: "latency-distribution", title: "Latency by percentile", xLabel: "percentile",
                            yLabel: "latency (ms)", series: series, xTicks: ticks)
    }
}
