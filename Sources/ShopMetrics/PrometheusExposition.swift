import ShopScheduler
import ShopWire

/// Renders the transport's per-method call counts and the scheduler's per-model metrics in the
/// Prometheus text exposition format (version 0.0.4), what `GET /metrics` answers.
///
/// gRPC series carry `grpc_service` and `grpc_method` labels; scheduler series carry `model`
/// and `version` labels, split from the queue name
/// `<model>@<version>` (a name without `@` keeps an empty version). Times are in seconds;
/// histograms keep the scheduler's fixed buckets (powers of two) as cumulative `le` buckets.
/// A version that stopped being served drains and then leaves the output with its series, as
/// Prometheus expects of a target whose label set went away.
public enum PrometheusExposition {
    /// The `Content-Type` of the rendered text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition of `models` (one snapshot per served model version) and of the gRPC
    /// calls in `rpcs`.
    public static func render(models: [ModelMetricsSnapshot], rpcs: [RPCMetrics.MethodSnapshot] = []) -> String {
        var out = ""
        renderRPCs(&out, rpcs)
        let labelled = models.map { (snapshot: $0, labels: labels(forQueue: $0.model)) }
        gauge(&out, "shopserve_scheduler_queued_rows", "Rows waiting in the model's queue.", labelled) { Double($0.queuedRows) }
        gauge(&out, "shopserve_scheduler_queued_requests", "Requests with rows waiting in the model's queue.", labelled) {
            Double($0.queuedRequests)
        }
        gauge(&out, "shopserve_scheduler_live_requests", "Requests queued or being computed.", labelled) { Double($0.liveRequests) }
        gauge(&out, "shopserve_scheduler_estimated_seconds_per_row",
              "Moving average of compute time per row (what deadline checks use).", labelled) {
            $0.estimatedNanosecondsPerRow / 1e9
        }
        histogram(&out, "shopserve_scheduler_queue_wait_seconds", "Time from submission to a request's first rows reaching a worker.",
                  labelled, divisor: 1e9) { $0.queueWaitNanoseconds }
        histogram(&out, "shopserve_scheduler_batch_rows", "Rows per forward pass.", labelled, divisor: 1) { $0.batchRows }
        histogram(&out, "shopserve_scheduler_compute_seconds", "Model compute time per forward pass.", labelled, divisor: 1e9) {
            $0.computeNanoseconds
        }
        header(&out, "shopserve_scheduler_requests_total", "Requests finished, by outcome (rejections included).", type: "counter")
        for (snapshot, labels) in labelled {
            for kind in OutcomeKind.allCases {
                sample(&out, "shopserve_scheduler_requests_total", labels + [("outcome", kind.rawValue)],
                       Double(snapshot.completions[kind] ?? 0))
            }
        }
        header(&out, "shopserve_scheduler_rejections_total", "Submissions refused before queueing, by reason.", type: "counter")
        for (snapshot, labels) in labelled {
            for kind in RejectionKind.allCases {
                sample(&out, "shopserve_scheduler_rejections_total", labels + [("reason", kind.rawValue)],
                       Double(snapshot.rejections[kind] ?? 0))
            }
        }
        return out
    }

    /// `grpc_server_handled_total{grpc_service,grpc_method,grpc_code}` (codes seen, and OK
    /// always) and `grpc_server_handling_seconds{grpc_service,grpc_method}`.
    private static func renderRPCs(_ out: inout String, _ rpcs: [RPCMetrics.MethodSnapshot]) {
        let labelled = rpcs.map { rpc in
            (rpc, [("grpc_service", rpc.method?.service ?? "unknown"), ("grpc_method", rpc.method?.method ?? "unknown")])
        }
        header(&out, "grpc_server_handled_total", "gRPC calls completed, by status code.", type: "counter")
        for (rpc, labels) in labelled {
            for code in GRPCStatus.Code.allCases where code == .ok || rpc.codes[code.rawValue] > 0 {
                sample(&out, "grpc_server_handled_total", labels + [("grpc_code", code.name)], Double(rpc.codes[code.rawValue]))
            }
        }
        header(&out, "grpc_server_handling_seconds", "Time from a call's request headers to its stream's close.", type: "histogram")
        for (rpc, labels) in labelled {
            histogramSamples(&out, "grpc_server_handling_seconds", labels, rpc.handlingNanoseconds, divisor: 1e9)
        }
    }

    typealias Labels = [(String, String)]

    /// `rank@3` → model `rank`, version `3`.
    static func labels(forQueue name: String) -> Labels {
        guard let at = name.lastIndex(of: "@") else { return [("model", name), ("version", "")] }
        return [("model", String(name[..<at])), ("version", String(name[name.index(after: at)...]))]
    }

    private static func header(_ out: inout String, _ name: String, _ help: String, type: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func gauge(_ out: inout String, _ name: String, _ help: String,
                              _ models: [(snapshot: ModelMetricsSnapshot, labels: Labels)],
                              _ value: (ModelMetricsSnapshot) -> Double) {
        header(&out, name, help, type: "gauge")
        for (snapshot, labels) in models { sample(&out, name, labels, value(snapshot)) }
    }

    private static func histogram(_ out: inout String, _ name: String, _ help: String,
                                  _ models: [(snapshot: ModelMetricsSnapshot, labels: Labels)], divisor: Double,
                                  _ histogram: (ModelMetricsSnapshot) -> FixedBucketHistogram) {
        header(&out, name, help, type: "histogram")
        for (snapshot, labels) in models {
            histogramSamples(&out, name, labels, histogram(snapshot), divisor: divisor)
        }
    }

    /// The `_bucket` (cumulative, then `+Inf`), `_sum` and `_count` samples of one histogram.
    private static func histogramSamples(_ out: inout String, _ name: String, _ labels: Labels,
                                         _ values: FixedBucketHistogram, divisor: Double) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(values.upperBounds, values.counts) {
            cumulative += count
            sample(&out, name + "_bucket", labels + [("le", number(Double(bound) / divisor))], Double(cumulative))
        }
        sample(&out, name + "_bucket", labels + [("le", "+Inf")], Double(values.count))
        sample(&out, name + "_sum", labels, Double(values.sum) / divisor)
        sample(&out, name + "_count", labels, Double(values.count))
    }

    private static func sample(_ out: inout String, _ name: String, _ labels: Labels, _ value: Double) {
        out += name
        if !labels.isEmpty {
            out += "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        out += " " + number(value) + "\n"
    }

    /// A sample value or `le` bound: integers without a fraction, others in Swift's shortest
    /// round-tripping form (both are valid Go `ParseFloat` input, which Prometheus uses).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Label values escape backslash, double quote and line feed.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
