import ArgumentParser
import Foundation
import ShopBench
import ShopClient
import ShopWire

/// `shopctl bench SERVICE/METHOD`: a load generator with ghz/wrk2-style options and an
/// HDR-histogram latency report (table, JSON, CSV, HDR percentile file, HTML).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load-test a method: closed loop (fixed concurrency) or open loop (--rps), with an HDR latency report.",
        discussion: """
        Closed loop keeps --concurrency calls in flight. Open loop (--rps) starts calls on a fixed schedule and measures each from the time it was due (coordinated omission corrected, as wrk2), so a server stall shows in the latencies. --concurrency 1,4,16 runs a sweep. The run stops after --duration or --total measured calls; Ctrl-C prints the partial report.

        Built-in workloads (--workload NAME[:key=value,...]) draw requests from the served model's own files under --models (the repository shopserve serves); each also takes version=V and seed=S:
        \(Workloads.all.map { "  " + $0.usage }.joined(separator: "\n"))

        Exit status: 0; 1 when no call succeeded; 130 after Ctrl-C; 64 for bad input. See docs/shopctl-bench.md.
        """
    )

    @ParentCommand var root: ShopCtl

    @Argument(help: "Fully-qualified SERVICE/METHOD (optional with a --workload that names one).")
    var method: String?

    @Option(name: [.customShort("z"), .long], help: "Measured duration, e.g. 30s (default 10s unless --total).")
    var duration: String?

    @Option(name: [.customShort("n"), .long], help: "Stop after this many measured calls instead of a duration.")
    var total: Int?

    @Option(name: .long, help: "Unmeasured load before measuring, e.g. 2s.")
    var warmup: String = "0s"

    @Option(name: [.short, .long], help: "Calls in flight (closed loop) or at most in flight (open loop); a list (1,4,16) runs a sweep.")
    var concurrency: String = "16"

    @Option(name: .long, help: "HTTP/2 connections (spread over the threads).")
    var connections: Int = 1

    @Option(name: .long, help: "Event-loop threads (default: the CPUs this process may use).")
    var threads: Int?

    @Option(name: [.customShort("r"), .long], help: "Open loop: calls per second over all connections.")
    var rps: Double?

    @Option(name: .long, help: "Request metadata KEY=VALUE (repeatable; -H 'name: value' works too).")
    var metadata: [String] = []

    @Option(name: [.short, .long], help: "Request as JSON or @FILE (with --workload: the template the generated fields go into).")
    var data: String?

    @Option(name: .long, help: "JSON-lines file of requests, rotated through.")
    var dataFile: String?

    @Option(name: [.customShort("w"), .long], help: "Built-in request generator NAME[:key=value,...], e.g. rank:candidates=500.")
    var workload: String?

    @Option(name: .long, help: "Model repository the workloads read ids from.")
    var models: String = "models"

    @Option(name: .long, help: "Distinct requests a workload generates (rotated through).")
    var pool: Int = 1000

    @Option(name: .long, help: "Report format on stdout: table, json or csv.")
    var format: String = "table"

    @Option(name: .long, help: "Write HdrHistogram's percentile distribution (ms) here (a sweep adds .cN before the extension).")
    var hdrFile: String?

    @Option(name: .long, help: "Write a self-contained HTML report with latency charts here.")
    var html: String?

    @Option(name: .long, help: "Width of one latency-over-time point, e.g. 1s (default: about 1/50 of the run).")
    var interval: String?

    func validate() throws {
        guard ["table", "json", "csv"].contains(format) else { throw ValidationError("--format must be table, json or csv") }
        guard total == nil || duration == nil else { throw ValidationError("give --duration or --total, not both") }
        if let total, total < 1 { throw ValidationError("--total must be at least 1") }
        if let rps, !(rps > 0 && rps.isFinite) { throw ValidationError("--rps must be a positive number") }
        guard connections >= 1, (threads ?? 1) >= 1, pool >= 1 else {
            throw ValidationError("--connections, --threads and --pool must be at least 1")
        }
        guard [data != nil && workload == nil, dataFile != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give --data or --data-file, not both")
        }
        _ = try concurrencyLevels()
        _ = try parsedMetadata()
        for text in [duration, warmup, interval].compactMap({ $0 }) { _ = try DurationText.parse(text) }
    }

    func run() throws {
        let requests: BenchRequests
        let plans: [BenchPlan]
        let settings: BenchReport.Settings
        do {
            requests = try BenchRequests.make(method: method, data: data, dataFile: dataFile, workload: workload,
                                              models: models, poolSize: pool)
            (plans, settings) = try makePlans(requests)
        } catch {
            throw Output.usage(error)
        }
        let interrupt = InterruptSignal()
        let progressLine = BenchProgressLine()
        let startedAt = Date()
        var results: [BenchResult] = []
        for plan in plans where !interrupt.interrupted {
            let runner = BenchRunner(plan: plan)
            interrupt.onInterrupt { runner.stop() }
            let label = plans.count > 1 ? "c=\(plan.concurrency)" : ""
            let result: BenchResult
            do {
                result = try runner.run(progress: progressLine.enabled ? { progressLine.show($0, label: label) } : nil)
            } catch {
                progressLine.clear()
                throw Output.usage(error)
            }
            progressLine.clear()
            results.append(result)
        }
        let report = BenchReport(settings: settings, runs: results, startedAt: startedAt)
        try BenchReportWriter(report: report, format: format, hdrFile: hdrFile, htmlFile: html).write()
        if report.interrupted { throw ExitCode(130) }
        if results.allSatisfy({ $0.stats.ok == 0 }) { throw ExitCode(1) }
    }

    private func makePlans(_ requests: BenchRequests) throws -> ([BenchPlan], BenchReport.Settings) {
        var options = try root.connection.callOptions(defaultTimeout: nil)
        for (name, value) in try parsedMetadata() { options.metadata.add(name, value) }
        let stop: BenchPlan.Stop = try total.map { .total($0) } ?? .duration(try DurationText.parse(duration ?? "10s"))
        let warmupDuration = try DurationText.parse(warmup)
        let configuration = try root.connection.configuration()
        let threadCount = threads ?? BenchPlan.availableCPUs
        let plans = try concurrencyLevels().map { level in
            BenchPlan(connection: configuration, method: requests.descriptor.path, requests: requests.pool,
                      callOptions: options, pacing: rps.map { .openLoop(rate: $0) } ?? .closedLoop, stop: stop,
                      concurrency: level, connections: connections, threads: threadCount, warmup: warmupDuration,
                      interval: try interval.map(DurationText.parse))
        }
        var durationSeconds: Double?
        if case .duration(let value) = stop { durationSeconds = DurationText.seconds(value) }
        let timeoutSeconds = options.timeout.map(DurationText.seconds)
        let settings = BenchReport.Settings(
            method: requests.descriptor.path.description.dropFirst().description, target: root.connection.target,
            tls: root.connection.usesTLS, openLoop: rps != nil, targetRate: rps, durationSeconds: durationSeconds,
            totalCalls: total, warmupSeconds: DurationText.seconds(warmupDuration),
            timeoutSeconds: timeoutSeconds, connections: connections, threads: min(threadCount, connections),
            requestSource: requests.source, distinctRequests: requests.pool.count)
        return (plans, settings)
    }

    private func concurrencyLevels() throws -> [Int] {
        let levels = concurrency.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else {
            throw ValidationError("--concurrency must be a number or a list like 1,4,16 (each 1...100000)")
        }
        return levels.map { $0! }
    }

    private func parsedMetadata() throws -> [(String, String)] {
        try metadata.map { pair in
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--metadata '\(pair)' is not KEY=VALUE")
            }
            return (pair[..<equals].lowercased(), String(pair[pair.index(after: equals)...]))
        }
    }
}
