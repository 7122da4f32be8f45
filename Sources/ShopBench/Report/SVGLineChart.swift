import Foundation

/// A small self-contained SVG line chart (axes, ticks, legend, one polyline per series):
/// enough for the HTML report without any script or external resource.
struct SVGLineChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    /// A tick on the x axis: its position and label.
    typealias Tick = (value: Double, label: String)

    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Custom x ticks (e.g. percentiles on a log scale); nil: evenly spaced numbers.
    var xTicks: [Tick]?
    var width = 760.0
    var height = 320.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    func render() -> String {
        let left = 64.0, right = 16.0, top = 36.0, bottom = 48.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.points)
        let minX = min(all.map(\.x).min() ?? 0, xTicks?.map(\.value).min() ?? .infinity)
        let maxX = max(all.map(\.x).max() ?? 1, xTicks?.map(\.value).max() ?? -.infinity)
        let maxY = Self.niceCeiling(max(all.map(\.y).max() ?? 1, 1e-3))
        let spanX = maxX > minX ? maxX - minX : 1
        func px(_ x: Double) -> Double { left + (x - minX) / spanX * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - y / maxY * plotHeight }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" id="\(id)" class="chart" width="\(Int(width))" height="\(Int(height))" \
        viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(HTMLText.escape(title))">
        <title>\(HTMLText.escape(title))</title>
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="#ffffff"/>
        <text x="\(Int(width / 2))" y="20" text-anchor="middle" font-size="14" font-weight="bold">\(HTMLText.escape(title))</text>

        """
        // Grid and y ticks.
        for step in 0...4 {
            let value = maxY * Double(step) / 4
            let y = py(value)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e0e0e0\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(Self.tickLabel(value))</text>\n"
        }
        let ticks = xTicks ?? (0...5).map { step -> Tick in
            let value = minX + spanX * Double(step) / 5
            return (value, Self.tickLabel(value))
        }
        for tick in ticks {
            let x = px(tick.value)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#333\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 17))\" text-anchor=\"middle\" font-size=\"11\">\(HTMLText.escape(tick.label))</text>\n"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\" font-size=\"12\">\(HTMLText.escape(xLabel))</text>\n"
        svg += "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">\(HTMLText.escape(yLabel))</text>\n"

        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" data-series=\"\(HTMLText.escape(line.name))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(points)\"/>\n"
            let legendY = top + 6 + Double(index) * 16
            svg += "<rect x=\"\(f(left + 10))\" y=\"\(f(legendY - 8))\" width=\"12\" height=\"3\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(f(left + 28))\" y=\"\(f(legendY - 3))\" font-size=\"11\">\(HTMLText.escape(line.name))</text>\n"
        }
        return svg + "</svg>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// 1, 2, 5 × 10^n at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func tickLabel(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        if abs(value) >= 1 { return String(format: "%.1f", value) }
        return String(format: "%.3f", value)
    }
}

/// Escaping for text and attribute values in the HTML report.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
