// VectorSearchBench: the INT8 VectorIndex on data written by tools/bench/vector_search.py, which
// runs faiss-cpu on the same data in the same run and prints the comparison
// (tools/bench-vector-search.sh). One thread; pin it with taskset. Prints RESULT JSON lines.
import Foundation
import ShopKernels
import ShopModels
import ShopScheduler

/// CPU seconds used by this process (one thread): throughput per core, not per share of a busy machine.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let input = BenchInput(arguments: CommandLine.arguments)
let d = input.dimension, k = input.k
let base = BenchInput.load(input.base, as: Float.self)
let queries = BenchInput.load(input.queries, as: Float.self)
let truth = BenchInput.load(input.truth, as: Int64.self)
let n = base.count / d, m = queries.count / d
/// Method names get this suffix when the shortlist is re-scored against INT16 rows.
let variant = (input.fine ? " +i16" : "") + (input.noRotate ? " norot" : "")
guard truth.count == m * k else { BenchInput.fail("truth has \(truth.count) ids, expected \(m) x \(k)") }
print("VectorSearchBench \(input.label)\(variant): \(n) x \(d) vectors, \(m) queries, k = \(k), batch \(input.batch), kernels \(String(cString: shop_kernels_variant_name(shop_kernels_active_variant())))")

func result(_ fields: [String: Any]) {
    var all = fields
    all["dataset"] = input.label
    let data = try! JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
    print("RESULT " + String(decoding: data, as: UTF8.self))
}

var t0 = now()
let ivfOptions = input.lists > 0 ? IVFBuildOptions(lists: input.lists, iterations: input.iterations, sampleSize: input.sample) : nil
let index = try VectorIndex(vectors: base, count: n, dimension: d, ivf: ivfOptions, rotate: !input.noRotate,
                            fineVectors: input.fine)
let buildSeconds = now() - t0
print(String(format: "built in %.2f s%@", buildSeconds, index.hasIVF ? " (\(index.listCount) IVF lists)" : ""))
result(["method": "int8\(variant) build", "seconds": buildSeconds])

/// Searches every query in batches, `repeats` times; returns (best queries/s, recall@k).
func run(_ mode: SearchMode) throws -> (qps: Double, recall: Double) {
    let workspace = WorkerWorkspace()
    var hits = [SearchHit](repeating: .none, count: m * k)
    var best = 0.0
    for _ in 0..<max(1, input.repeats) {
        let start = now()
        try queries.withUnsafeBufferPointer { q in
            try hits.withUnsafeMutableBufferPointer { out in
                for q0 in stride(from: 0, to: m, by: input.batch) {
                    let count = min(input.batch, m - q0)
                    try index.search(queries: q.baseAddress! + q0 * d, count: count, k: k, mode: mode, filter: nil,
                                     results: out.baseAddress! + q0 * k, scratch: workspace)
                }
            }
        }
        best = max(best, Double(m) / (now() - start))
    }
    var found = 0
    for q in 0..<m {
        let want = Set(truth[(q * k)..<((q + 1) * k)])
        found += hits[(q * k)..<((q + 1) * k)].filter { want.contains(Int64($0.row)) }.count
    }
    return (best, Double(found) / Double(m * k))
}

/// The INT8 GEMM alone over the same blocks (no quantization, top-k or re-scoring): the kernel's limit.
func kernelOnly() -> Double {
    let block = 512, tileQueries = 32
    var q8 = [Int8](repeating: 0, count: input.batch * d), scales = [Float](repeating: 0, count: input.batch)
    _ = shop_quantize_rows(input.batch, d, queries, d, &q8, d, &scales, nil)
    var rows8 = [Int8](repeating: 0, count: n * d), rowScales = [Float](repeating: 0, count: n)
    _ = shop_quantize_rows(n, d, base, d, &rows8, d, &rowScales, nil)
    let packedSize = (shop_packed_weights_size(block, d) + 63) / 64 * 64
    let blocks = (n + block - 1) / block
    let packed = UnsafeMutableRawPointer.allocate(byteCount: packedSize * blocks, alignment: 64)
    for b in 0..<blocks {
        let rows = min(block, n - b * block)
        _ = rows8.withUnsafeBufferPointer { shop_pack_weights(rows, d, $0.baseAddress! + b * block * d, d, packed + b * packedSize, packedSize) }
    }
    var tile = [Float](repeating: 0, count: tileQueries * block)
    let start = now()
    for b in 0..<blocks {
        let rows = min(block, n - b * block)
        for q0 in stride(from: 0, to: input.batch, by: tileQueries) {
            _ = shop_gemm_s8s8_f32(min(tileQueries, input.batch - q0), &q8[q0 * d], d, &scales[q0], packed + b * packedSize,
                                   &rowScales[b * block], nil, SHOP_ACT_NONE, &tile, rows)
        }
    }
    let qps = Double(input.batch) / (now() - start)
    packed.deallocate()
    return qps
}
if !input.skipExact {
    let kernel = kernelOnly()
    print(String(format: "int8 GEMM only                   %9.1f queries/s (%.1f G MAC/s)", kernel, kernel * Double(n * d) / 1e9))
    result(["method": "int8 gemm only", "qps": kernel])

    let exact = try run(.exact)
    print(String(format: "int8 exact%@      recall@%d %.4f  %9.1f queries/s", variant, k, exact.recall, exact.qps))
    result(["method": "int8 exact\(variant)", "recall": exact.recall, "qps": exact.qps])
}
if index.hasIVF {
    for nprobe in input.nprobes {
        let ivf = try run(.ivf(nprobe: nprobe))
        print(String(format: "int8 ivf%@ %5d  recall@%d %.4f  %9.1f queries/s", variant, nprobe, k, ivf.recall, ivf.qps))
        result(["method": "int8 ivf\(variant)", "nprobe": nprobe, "recall": ivf.recall, "qps": ivf.qps])
    }
}
