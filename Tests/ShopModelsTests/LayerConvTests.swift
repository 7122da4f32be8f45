import Foundation
import XCTest
@testable import ShopModels

/// Conv2D against a direct INT8 convolution reference (per-image activation scale), pooling helpers,
/// l2Normalize, and the small-CNN chain the vision model uses.
final class LayerConvTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    struct Spec {
        let batch, h, w, inC, outC, kh, kw, stride, padding: Int
    }

    /// Direct convolution with the quantize_lib arithmetic: one scale per image, int32 sums.
    func reference(_ s: Spec, _ x: [Float], _ wq: [Int8], _ scales: [Float], _ bias: [Float]?, _ act: Activation)
        -> (y: [Float], tolerance: [Float], oh: Int, ow: Int) {
        let oh = (s.h + 2 * s.padding - s.kh) / s.stride + 1, ow = (s.w + 2 * s.padding - s.kw) / s.stride + 1
        let image = s.h * s.w * s.inC
        var y = [Float](), tolerance = [Float]()
        for b in 0..<s.batch {
            let (q, kernelQ, sx) = referenceQuantizeRow(x[(b * image)..<((b + 1) * image)])
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for oc in 0..<s.outC {
                        var acc: Int32 = 0, magnitude: Int32 = 0, flips: Int32 = 0
                        for ky in 0..<s.kh {
                            for kx in 0..<s.kw {
                                let iy = oy * s.stride + ky - s.padding, ix = ox * s.stride + kx - s.padding
                                guard iy >= 0, iy < s.h, ix >= 0, ix < s.w else { continue }
                                for c in 0..<s.inC {
                                    let xi = (iy * s.w + ix) * s.inC + c
                                    let wv = Int32(wq[((oc * s.kh + ky) * s.kw + kx) * s.inC + c])
                                    acc += q[xi] * wv
                                    magnitude += abs(q[xi] * wv)
                                    if q[xi] != kernelQ[xi] { flips += abs(wv) }
                                }
                            }
                        }
                        y.append(act.apply(Float(acc) * sx * scales[oc] + (bias?[oc] ?? 0)))
                        tolerance.append((Float(magnitude) * 1e-5 + Float(flips)) * sx * scales[oc] + 1e-6)
                    }
                }
            }
        }
        return (y, tolerance, oh, ow)
    }

    func run(_ conv: Conv2D, _ x: [Float], batch: Int, h: Int, w: Int) throws -> [Float] {
        let size = try XCTUnwrap(conv.outputSize(height: h, width: w))
        var out = [Float](repeating: .nan, count: batch * size.height * size.width * conv.outChannels)
        try LayerScratch.withAllocated(bytes: conv.scratchBytes(batch: batch, height: h, width: w)) { scratch in
            try conv.forward(x, batch: batch, height: h, width: w, output: &out, scratch: &scratch)
        }
        return out
    }

    func testConvolutionMatchesReference() throws {
        var rng = SplitMix64(seed: 31)
        let specs = [
            Spec(batch: 1, h: 5, w: 5, inC: 1, outC: 1, kh: 3, kw: 3, stride: 1, padding: 0),
            Spec(batch: 3, h: 9, w: 7, inC: 3, outC: 5, kh: 3, kw: 3, stride: 1, padding: 1),
            Spec(batch: 2, h: 28, w: 28, inC: 1, outC: 8, kh: 5, kw: 5, stride: 2, padding: 2),
            Spec(batch: 5, h: 6, w: 11, inC: 4, outC: 17, kh: 2, kw: 3, stride: 2, padding: 0),
        ]
        for s in specs {
            let x = rng.floats(s.batch * s.h * s.w * s.inC, -2...2)
            let wq = rng.int8s(s.outC * s.kh * s.kw * s.inC), scales = rng.floats(s.outC, 0.005...0.05)
            let bias = rng.floats(s.outC, -1...1)
            for act in [Activation.relu, .none] {
                let conv = try Conv2D(int8Weights: wq, scales: scales, bias: bias, outChannels: s.outC, kernelHeight: s.kh,
                                      kernelWidth: s.kw, inChannels: s.inC, stride: s.stride, padding: s.padding, activation: act)
                let ref = reference(s, x, wq, scales, bias, act)
                XCTAssertEqual(conv.outputSize(height: s.h, width: s.w)?.height, ref.oh)
                XCTAssertEqual(conv.outputSize(height: s.h, width: s.w)?.width, ref.ow)
                let out = try run(conv, x, batch: s.batch, h: s.h, w: s.w)
                assertClose(out, ref.y, tolerance: ref.tolerance, "\(s) \(act)")
                // Each image alone gives the same numbers as inside the batch.
                let image = s.h * s.w * s.inC, perOut = ref.oh * ref.ow * s.outC
                for b in 0..<s.batch {
                    let single = try run(conv, Array(x[(b * image)..<((b + 1) * image)]), batch: 1, h: s.h, w: s.w)
                    XCTAssertEqual(single, Array(out[(b * perOut)..<((b + 1) * perOut)]), "\(s) image \(b)")
                }
            }
        }
    }

    func testBadShapesGiveClearErrors() throws {
        let conv = try Conv2D(name: "conv1", int8Weights: [Int8](repeating: 1, count: 2 * 3 * 3), scales: [1, 1], bias: nil,
                              outChannels: 2, kernelHeight: 3, kernelWidth: 3, inChannels: 1, activation: .relu)
        XCTAssertNil(conv.outputSize(height: 2, width: 9))
        var out = [Float](repeating: 0, count: 16)
        XCTAssertThrowsError(try LayerScratch.withAllocated(bytes: 0) { scratch in
            try conv.forward([Float](repeating: 1, count: 18), batch: 1, height: 2, width: 9, output: &out, scratch: &scratch)
        }) { error in XCTAssertTrue("\(error)".contains("does not fit a 2x9 image"), "\(error)") }
        XCTAssertThrowsError(try Conv2D(int8Weights: [1], scales: [1], bias: nil, outChannels: 1, kernelHeight: 1,
                                        kernelWidth: 1, inChannels: 1, stride: 0, activation: .none))
        let file = try layerFile(directory) { w in
            w.add("flat.weight", [Int8](repeating: 1, count: 9), shape: [1, 9])
            w.add("flat.weight.scale", [Float(1)], shape: [1])
            w.add("c.weight", [Int8](repeating: 1, count: 18), shape: [2, 3, 3, 1])
            w.add("c.weight.scale", [Float(1), 2], shape: [2])
            w.add("c.bias", [Float(0), 1, 2], shape: [3])
        }
        XCTAssertThrowsError(try Conv2D(tensors: file, prefix: "flat", activation: .none)) { error in
            XCTAssertTrue("\(error)".contains("'flat.weight'") && "\(error)".contains("4 dimensions"), "\(error)")
        }
        XCTAssertThrowsError(try Conv2D(tensors: file, prefix: "c", activation: .none)) { error in
            XCTAssertTrue("\(error)".contains("'c.bias'"), "\(error)")
        }
    }

    func testPoolingAndL2Normalize() throws {
        // 1 image, 4x5x2: value = y*100 + x*10 + c.
        let (h, w, c) = (4, 5, 2)
        let x = (0..<(h * w * c)).map { i in Float((i / c / w) * 100 + (i / c % w) * 10 + i % c) }
        let pool = try MaxPool2D(window: 2)
        XCTAssertTrue(pool.outputSize(height: h, width: w) == (2, 2))
        XCTAssertThrowsError(try MaxPool2D(window: 0))
        XCTAssertThrowsError(try MaxPool2D(window: 2, stride: 0))
        let overlapping = try MaxPool2D(window: 3, stride: 1)
        XCTAssertTrue(overlapping.outputSize(height: h, width: w) == (2, 3))
        var o = [Float](repeating: .nan, count: 2 * 3 * c)
        overlapping.forward(x, batch: 1, height: h, width: w, channels: c, output: &o)
        XCTAssertEqual(o, [220, 221, 230, 231, 240, 241, 320, 321, 330, 331, 340, 341])
        var out = [Float](repeating: .nan, count: 8)
        pool.forward(x, batch: 1, height: h, width: w, channels: c, output: &out)
        XCTAssertEqual(out, [110, 111, 130, 131, 310, 311, 330, 331])
        var mean = [Float](repeating: .nan, count: 2)
        globalAveragePool(x, batch: 1, height: h, width: w, channels: c, output: &mean)
        XCTAssertEqual(mean[0], 150 + 20, accuracy: 1e-4)
        XCTAssertEqual(mean[1], 171, accuracy: 1e-4)

        var rows: [Float] = [3, 4, 0, 0, 0, 0, -1, 0]
        l2Normalize(&rows, rows: 4, dim: 2)
        XCTAssertEqual(rows, [0.6, 0.8, 0, 0, 0, 0, -1, 0])
    }

    func testSmallCNNChainFromAFile() throws {
        var rng = SplitMix64(seed: 32)
        let file = try layerFile(directory) { f in
            f.add("conv1.weight", rng.int8s(8 * 3 * 3 * 1), shape: [8, 3, 3, 1])
            f.add("conv1.weight.scale", rng.floats(8, 0.01...0.03), shape: [8])
            f.add("conv1.bias", rng.floats(8, -0.1...0.1), shape: [8])
            f.add("conv2.weight", rng.int8s(16 * 3 * 3 * 8), shape: [16, 3, 3, 8])
            f.add("conv2.weight.scale", rng.floats(16, 0.01...0.03), shape: [16])
            f.add("fc.weight", rng.int8s(12 * 7 * 7 * 16), shape: [12, 7 * 7 * 16])
            f.add("fc.weight.scale", rng.floats(12, 0.01...0.03), shape: [12])
        }
        let conv1 = try Conv2D(tensors: file, prefix: "conv1", padding: 1, activation: .relu)
        let conv2 = try Conv2D(tensors: file, prefix: "conv2", padding: 1, activation: .relu)
        let fc = try QuantizedLinear(tensors: file, prefix: "fc", activation: .none)
        let pool = try MaxPool2D(window: 2)
        let batch = 3
        let images = rng.floats(batch * 28 * 28, 0...1)
        var a = try run(conv1, images, batch: batch, h: 28, w: 28)           // 28x28x8
        var p = [Float](repeating: 0, count: batch * 14 * 14 * 8)
        pool.forward(a, batch: batch, height: 28, width: 28, channels: 8, output: &p)
        a = try run(conv2, p, batch: batch, h: 14, w: 14)                    // 14x14x16
        p = [Float](repeating: 0, count: batch * 7 * 7 * 16)
        pool.forward(a, batch: batch, height: 14, width: 14, channels: 16, output: &p)
        var embedding = fc.run(p, rows: batch)
        l2Normalize(&embedding, rows: batch, dim: 12)
        for b in 0..<batch {
            let norm = embedding[(b * 12)..<((b + 1) * 12)].reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(norm, 1, accuracy: 1e-5)
        }
        XCTAssertEqual(conv1.inChannels, 1)
        XCTAssertEqual(conv2.outChannels, 16)
    }
}
