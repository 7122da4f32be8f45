// KernelBench: single-threaded INT8 GEMM throughput on one pinned core, as a fraction of the core's
// int8 peak measured in the same run with a register-only loop.
//
//   swift run -c release KernelBench [--cpu N] [--variant scalar|avx2|avx512vnni] [--quick]
//
// Lines starting with "RESULT" are for tools/bench-kernels.sh (which adds onnxruntime).
import CShopSys
import Foundation
import ShopKernels

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Best and median seconds per call over `reps` timed batches of at least `minBatch` seconds each.
/// The machine is shared: short batches and many of them make the best one an uninterrupted run.
func measure(reps: Int, minBatch: Double, _ body: () -> Void) -> (best: Double, median: Double) {
    for _ in 0..<3 { body() }
    var calls = 1
    while true {
        let t0 = now()
        for _ in 0..<calls { body() }
        if now() - t0 >= minBatch { break }
        calls *= 2
    }
    var samples: [Double] = []
    for _ in 0..<reps {
        let t0 = now()
        for _ in 0..<calls { body() }
        samples.append((now() - t0) / Double(calls))
    }
    samples.sort()
    return (samples[0], samples[samples.count / 2])
}

var cpu = Int(shop_available_cpus()) - 1
var forced: shop_kernel_variant?
var quick = false
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--cpu": cpu = Int(args.popFirst() ?? "") ?? cpu
    case "--variant":
        let name = args.popFirst() ?? ""
        forced = [SHOP_KERNEL_SCALAR, SHOP_KERNEL_AVX2, SHOP_KERNEL_AVX512_VNNI]
            .first { String(cString: shop_kernels_variant_name($0)) == name }
        if forced == nil { fatalError("unknown variant \(name)") }
    case "--quick": quick = true
    default: fatalError("usage: KernelBench [--cpu N] [--variant scalar|avx2|avx512vnni] [--quick]")
    }
}
if shop_pin_current_thread(Int32(cpu)) != 0 { print("warning: could not pin to cpu \(cpu)") }
if let v = forced, shop_kernels_force_variant(v) != SHOP_OK { fatalError("variant not supported here") }
let variant = shop_kernels_active_variant()
let variantName = String(cString: shop_kernels_variant_name(variant))
let reps = quick ? 31 : 101, minBatch = quick ? 0.0005 : 0.0005

// Peak: register-only loops, best of many short runs (a shared machine interrupts long ones).
func peak(_ which: Int32) -> Double {
    let iterations: UInt64 = 50_000
    var best = 0.0
    for _ in 0..<(quick ? 100 : 300) {
        let t0 = now()
        let macs = shop_kernels_peak_loop(which, iterations)
        best = max(best, Double(macs) / (now() - t0))
    }
    return best
}
let peakVNNI = peak(SHOP_PEAK_VNNI), peakWD = peak(SHOP_PEAK_AVX2_MADDWD), peakUBS = peak(SHOP_PEAK_AVX2_MADDUBSW)
print("KernelBench: one thread pinned to cpu \(cpu), variant \(variantName)")
if peakVNNI > 0 { print(String(format: "peak vpdpbusd zmm (register-only):            %7.1f G MAC/s", peakVNNI / 1e9)) }
else { print("peak vpdpbusd: this CPU has no AVX-512 VNNI") }
if peakWD > 0 {
    print(String(format: "peak vpmaddwd+vpaddd ymm (AVX2 kernel's op):    %7.1f G MAC/s", peakWD / 1e9))
    print(String(format: "peak vpmaddubsw+vpmaddwd+vpaddd (rows in 0..127): %7.1f G MAC/s", peakUBS / 1e9))
}
let peakForVariant: Double = variant == SHOP_KERNEL_AVX512_VNNI ? peakVNNI : (variant == SHOP_KERNEL_AVX2 ? peakWD : 0)
print("RESULT peak \(variantName) \(peakForVariant) \(peakVNNI) \(peakWD) \(peakUBS)")

print("""
columns: s32 = shop_gemm_s8s8_s32 (int8 A x packed int8 W -> int32, like ORT MatMulInteger), A and W
         uniform in -127...127; relu = the same call with A in 0...127 (what a layer after ReLU gets);
         fused = shop_linear_f32 (f32 A -> per-row quantize -> GEMM -> dequant + bias + ReLU -> f32);
         times are per call, best of \(reps) batches (median in brackets); %peak is of the \(variantName) peak above
""")
print("    M     K     N   s32 us (median)    s32 GMAC/s  %peak    relu us  relu GMAC/s   fused us   fused GMAC/s")
var rng = SystemRandomNumberGenerator()
for m in [1, 16, 64, 256] {
    for kn in [64, 256, 1024] {
        let k = kn, n = kn
        let w = (0..<n * k).map { _ in Int8.random(in: -127...127, using: &rng) }
        let size = shop_packed_weights_size(n, k)
        let packed = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { packed.deallocate() }
        precondition(shop_pack_weights(n, k, w, k, packed, size) == SHOP_OK)
        let a = (0..<m * k).map { _ in Int8.random(in: -127...127, using: &rng) }
        let relu = a.map { $0 < 0 ? ~$0 : $0 }  // 0...127: non-negative activations
        let x = (0..<m * k).map { _ in Float.random(in: -1...1, using: &rng) }
        let ws = [Float](repeating: 0.01, count: n), bias = [Float](repeating: 0.1, count: n)
        var c32 = [Int32](repeating: 0, count: m * n)
        var cf = [Float](repeating: 0, count: m * n)
        let s32 = a.withUnsafeBufferPointer { ab in
            c32.withUnsafeMutableBufferPointer { cb in
                measure(reps: reps, minBatch: minBatch) {
                    _ = shop_gemm_s8s8_s32(m, ab.baseAddress, k, packed, cb.baseAddress, n)
                }
            }
        }
        let s32Relu = relu.withUnsafeBufferPointer { ab in
            c32.withUnsafeMutableBufferPointer { cb in
                measure(reps: reps, minBatch: minBatch) {
                    _ = shop_gemm_s8s8_s32(m, ab.baseAddress, k, packed, cb.baseAddress, n)
                }
            }
        }
        let fused = x.withUnsafeBufferPointer { xb in
            cf.withUnsafeMutableBufferPointer { cb in
                measure(reps: reps, minBatch: minBatch) {
                    _ = shop_linear_f32(m, xb.baseAddress, k, packed, ws, bias, SHOP_ACT_RELU, cb.baseAddress, n)
                }
            }
        }
        let macs = Double(m * n * k)
        let rate = macs / s32.best, fusedRate = macs / fused.best
        let pct = peakForVariant > 0 ? String(format: "%5.1f%%", 100 * rate / peakForVariant) : "   n/a"
        print(String(format: "%5d %5d %5d %9.2f (%8.2f) %9.1f   %@ %10.2f %10.1f %10.2f %10.1f", m, k, n, s32.best * 1e6,
                     s32.median * 1e6, rate / 1e9, pct, s32Relu.best * 1e6, macs / s32Relu.best / 1e9, fused.best * 1e6,
                     fusedRate / 1e9))
        print("RESULT gemm \(m) \(k) \(n) \(s32.best) \(s32.median) \(fused.best) \(fused.median) \(s32Relu.best)")
    }
}
