import Foundation
import XCTest
@testable import ShopModels

// Shared helpers of the Layer*Tests: random data, the reference INT8 arithmetic of
// tools/quantize_lib/quantization.py, and running a layer on Swift arrays.

extension SplitMix64 {
    mutating func floats(_ count: Int, _ range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
    mutating func int8s(_ count: Int, _ range: ClosedRange<Int8> = -127...127) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: range, using: &self) }
    }
}

/// quantization.py `quantize_rows` for one row: scale = max|x| / 127, q = clip(rint(x / scale)).
/// Also returns the kernel's own rounding (x · (127 / max)), which may differ by one step when
/// x / scale lands within an ulp of a half: the references widen their tolerance for those.
func referenceQuantizeRow(_ x: ArraySlice<Float>) -> (q: [Int32], kernelQ: [Int32], scale: Float) {
    let maxAbs = x.map(abs).max() ?? 0
    guard maxAbs > 0 else { return ([Int32](repeating: 0, count: x.count), [Int32](repeating: 0, count: x.count), 0) }
    let scale = maxAbs / 127, inverse = 127 / maxAbs
    let clamp = { (v: Float) in Int32(min(max(v.rounded(.toNearestOrEven), -127), 127)) }
    return (x.map { clamp($0 / scale) }, x.map { clamp($0 * inverse) }, scale)
}

/// quantization.py `int8_linear` + activation for `x` `[m, k]`, weights `[n, k]`: the expected output
/// and a per-element tolerance (1e-5 relative to the sum of magnitudes, plus one quantization step
/// of each activation the kernel may round the other way).
func referenceInt8Linear(_ x: [Float], rows m: Int, _ w: [Int8], scales: [Float], bias: [Float]?, outputs n: Int,
                         activation: Activation) -> (y: [Float], tolerance: [Float]) {
    let k = m == 0 ? 0 : x.count / m
    var y = [Float](repeating: 0, count: m * n), tolerance = y
    for r in 0..<m {
        let (q, kernelQ, sx) = referenceQuantizeRow(x[(r * k)..<((r + 1) * k)])
        for j in 0..<n {
            var acc: Int32 = 0, magnitude: Int32 = 0, flips: Int32 = 0
            for kk in 0..<k {
                let wv = Int32(w[j * k + kk])
                acc += q[kk] * wv
                magnitude += abs(q[kk] * wv)
                if q[kk] != kernelQ[kk] { flips += abs(wv) }
            }
            let pre = Float(acc) * sx * scales[j] + (bias?[j] ?? 0)
            let slack = (Float(magnitude) * 1e-5 + Float(flips)) * sx * scales[j] + abs(bias?[j] ?? 0) * 1e-6
            y[r * n + j] = activation.apply(pre)
            // Every activation here is 1-Lipschitz; the tanh/sigmoid approximations add a few ulp.
            tolerance[r * n + j] = slack + 1e-6
        }
    }
    return (y, tolerance)
}

/// Asserts `actual` equals `expected` within `tolerance` element-wise.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: [Float], _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
    var failures = 0
    for i in 0..<min(actual.count, expected.count) where !(abs(actual[i] - expected[i]) <= tolerance[i]) {
        failures += 1
        if failures <= 3 {
            XCTFail("\(message): [\(i)] \(actual[i]) vs \(expected[i]) (tolerance \(tolerance[i]))", file: file, line: line)
        }
    }
}

/// Asserts `actual` equals `expected` within `relative` of the larger magnitude plus `absolute`.
func assertClose(_ actual: [Float], _ expected: [Float], relative: Float = 1e-5, absolute: Float = 1e-6,
                 _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, expected, tolerance: expected.map { abs($0) * relative + absolute }, message, file: file, line: line)
}

extension RowLayer {
    /// Runs the layer on an array of `rows` rows.
    func run(_ x: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * outputFeatures)
        LayerScratch.withAllocated(bytes: scratchBytes(rows: rows)) { scratch in
            forward(x, rows: rows, output: &out, scratch: &scratch)
        }
        return out
    }
}

/// Writes `tensors` (name → (values, shape)) to a safetensors file in `directory` and opens it.
func layerFile(_ directory: TemporaryDirectory, _ name: String = "layers.safetensors",
               _ build: (inout SafetensorsWriter) -> Void) throws -> SafetensorsFile {
    var writer = SafetensorsWriter()
    build(&writer)
    let path = directory.file(name)
    try writer.write(to: path)
    return try SafetensorsFile(path: path)
}
