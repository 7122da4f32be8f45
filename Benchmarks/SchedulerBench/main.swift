// SchedulerBench: the batched scheduler driven in process by a closed-loop load, batching on vs
// batch size 1 (one request per forward pass), at several concurrencies. Default model: the
// issue's INT8 MLP (3 layers, 256 wide, 200 rows per request); `--model rank` drives the served
// Rank model instead. `swift run -c release SchedulerBench --help`.
import ArgumentParser
import CShopSys
import Foundation
import ShopKernels
import ShopScheduler

/// Command-line options.
struct Options: ParsableArguments {
    static let configuration = CommandConfiguration(commandName: "SchedulerBench")

    @Option(help: "Model: mlp (the issue's INT8 MLP) or rank (models/rank/<newest> of --models).")
    var model = "mlp"
    @Option(help: "Model repository for --model rank.")
    var models = "models"
    @Option(help: "Width of each MLP layer.")
    var width = 256
    @Option(help: "MLP layers.")
    var layers = 3
    @Option(help: "Rows per request (Rank: candidates).")
    var rowsPerRequest = 200
    @Option(help: "Batched mode's max rows per forward pass (default: 4 requests, at least 800 rows).")
    var batchedMaxRows: Int?
    @Option(help: "Rows above which a request is split across idle workers (both modes).")
    var splitThresholdRows = 512
    @Option(help: "Concurrency sweep, comma-separated.")
    var concurrency = "1,4,16,64,256"
    @Option(help: "Measured seconds per point and round.")
    var seconds = 1.0
    @Option(help: "Rounds per point (modes alternate; medians reported).")
    var rounds = 5
}

let options = Options.parseOrExit()
let rowsPerRequest = options.rowsPerRequest
let concurrencies = options.concurrency.split(separator: ",").compactMap { Int($0) }
guard rowsPerRequest > 0, !concurrencies.isEmpty, concurrencies.allSatisfy({ $0 > 0 }), options.rounds > 0, options.seconds > 0 else {
    Options.exit(withError: ValidationError("rows per request, concurrencies, rounds and seconds must be positive"))
}
let secondsPerPoint = options.seconds
let warmupSeconds = max(0.3, secondsPerPoint / 2)
let rounds = options.rounds
let batchedMaxRows = options.batchedMaxRows ?? max(800, rowsPerRequest * 4)
let workers = Int(max(1, shop_available_cpus()))

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

let workload: BenchWorkload
do {
    switch options.model {
    case "mlp": workload = try .mlp(width: options.width, layers: options.layers)
    case "rank": workload = try .rank(repository: options.models)
    default: throw BenchError("unknown --model \(options.model) (mlp or rank)")
    }
} catch {
    Options.exit(withError: error)
}
print("SchedulerBench: \(workload.description), \(rowsPerRequest) rows/request, \(workers) workers")
print("kernels: ShopKernels, variant \(String(cString: shop_kernels_variant_name(shop_kernels_active_variant())))")
let loadAverage = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
print("load average at start: \(loadAverage) (other processes share these cores: compare ratios, not absolutes)")
print("each point: median of \(rounds) interleaved rounds of \(secondsPerPoint) s measured after \(warmupSeconds) s warm-up; throughput in requests/s, latency in ms,\nRSS Δ = resident memory at the end of the measured window minus at its start\n")

// What batching can gain from the model itself: compute time per row by batch size.
let referenceSizes = [1, 2, 4, 8, 16, 32].map { $0 * rowsPerRequest } + (rowsPerRequest < 50 ? [200, 800] : [])
let perRow = referenceSizes.map {
    nanosecondsPerRowAlone(workload: workload, rows: $0, rowsPerRequest: rowsPerRequest, repeats: max(3, 40 * rowsPerRequest / $0))
}
print("model alone, one thread, µs/row by batch rows: "
    + zip(referenceSizes, perRow).map { "\($0): \(format($1 / 1000, 2))" }.joined(separator: ", "))
let bestRows = zip(referenceSizes, perRow).min { $0.1 < $1.1 }!.0
print("the model's best per-row cost is at \(bestRows) rows: ×\(format(perRow[0] / perRow.min()!)) vs \(rowsPerRequest) rows; "
    + "batched mode uses maxBatchRows = \(batchedMaxRows)\n")

struct Point {
    var throughput: Double
    /// Requests per CPU-second this process used: throughput with other processes' share of
    /// the cores taken out.
    var perCPUSecond: Double { coresBusy > 0 ? throughput / coresBusy : 0 }
    var p50: Double
    var p99: Double
    var meanBatchRows: Double
    var residentGrowthBytes: Int
    var coresBusy: Double
}

/// Resident set size in bytes (from /proc/self/statm), to show memory staying flat under load.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

func measure(concurrency: Int, maxBatchRows: Int) -> Point {
    let scheduler = BatchScheduler(configuration: SchedulerConfiguration(workerCount: workers))
    let handle = scheduler.register(model: workload.model, name: options.model, configuration: ModelQueueConfiguration(
        maxBatchRows: maxBatchRows, splitThresholdRows: options.splitThresholdRows, maxQueuedRows: 1 << 20, maxQueuedRequests: 1 << 16))
    let load = ClosedLoopLoad(scheduler: scheduler, handle: handle, workload: workload, concurrency: concurrency,
                              rowsPerRequest: rowsPerRequest, seed: UInt64(concurrency))
    let result = load.run(warmup: warmupSeconds, seconds: secondsPerPoint, atMeasureStart: residentBytes)
    let residentAfter = residentBytes()
    let batches = scheduler.metrics(for: handle)!.batchRows
    scheduler.shutdown()
    return Point(throughput: result.throughput, p50: result.percentile(0.5) / 1e6, p99: result.percentile(0.99) / 1e6,
                 meanBatchRows: batches.mean, residentGrowthBytes: residentAfter - result.residentAtMeasureStart,
                 coresBusy: result.coresBusy)
}


print([pad("conc", 5), pad("mode", 9), pad("req/s", 9), pad("p50 ms", 8), pad("p99 ms", 8), pad("rows/batch", 11), pad("RSS Δ B", 9), pad("cores", 6), pad("req/CPU-s", 10)].joined(separator: " "))
var failures: [String] = []
var ratios: [(Int, Double, Double, Double)] = []
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
/// The median of each field over rounds (robust to other processes' bursts).
func median(_ points: [Point]) -> Point {
    Point(throughput: median(points.map(\.throughput)), p50: median(points.map(\.p50)), p99: median(points.map(\.p99)),
          meanBatchRows: median(points.map(\.meanBatchRows)),
          residentGrowthBytes: points.map(\.residentGrowthBytes).max() ?? 0, coresBusy: median(points.map(\.coresBusy)))
}

for concurrency in concurrencies {
    // Interleave the two modes over `rounds` rounds (alternating which goes first) so that
    // load from other processes hits both alike; report medians.
    var singles: [Point] = []
    var batcheds: [Point] = []
    for round in 0..<rounds {
        if round % 2 == 0 {
            singles.append(measure(concurrency: concurrency, maxBatchRows: rowsPerRequest))
            batcheds.append(measure(concurrency: concurrency, maxBatchRows: batchedMaxRows))
        } else {
            batcheds.append(measure(concurrency: concurrency, maxBatchRows: batchedMaxRows))
            singles.append(measure(concurrency: concurrency, maxBatchRows: rowsPerRequest))
        }
    }
    let single = median(singles)
    let batched = median(batcheds)
    for (mode, point) in [("batch-1", single), ("batched", batched)] {
        print([pad("\(concurrency)", 5), pad(mode, 9), pad(format(point.throughput, 1), 9), pad(format(point.p50, 3), 8),
               pad(format(point.p99, 3), 8), pad(format(point.meanBatchRows, 0), 11), pad("\(point.residentGrowthBytes)", 9), pad(format(point.coresBusy), 6), pad(format(point.perCPUSecond, 1), 10)].joined(separator: " "))
    }
    // Ratios: the median over rounds of each round's batched / batch-1 pair (measured back to
    // back), which cancels the machine's slow drifts better than a ratio of medians.
    func pairedMedian(_ value: (Point) -> Double) -> Double {
        median(zip(batcheds, singles).map { value($0) / value($1) })
    }
    let throughputRatio = pairedMedian(\.throughput)
    let p50Ratio = pairedMedian(\.p50)
    ratios.append((concurrency, throughputRatio, p50Ratio, pairedMedian(\.perCPUSecond)))
    if concurrency >= 64, !(throughputRatio >= 2) {
        failures.append("concurrency \(concurrency): throughput ratio \(format(throughputRatio)) < 2")
    }
    if concurrency == 1, !(p50Ratio <= 1.05) {
        failures.append("concurrency 1: p50 ratio \(format(p50Ratio, 3)) > 1.05")
    }
}
print("\nbatched / batch-1 (median of the \(rounds) rounds' paired ratios):")
for (concurrency, throughputRatio, p50Ratio, perCPURatio) in ratios {
    print("  concurrency \(pad("\(concurrency)", 3)): throughput ×\(format(throughputRatio)), p50 ×\(format(p50Ratio, 3)), "
        + "requests per CPU-second ×\(format(perCPURatio))")
}
print(failures.isEmpty ? "\nbars met (throughput ≥ 2× at concurrency ≥ 64; p50 within 5% at concurrency 1)"
                       : "\nbars NOT met:\n  " + failures.joined(separator: "\n  "))
