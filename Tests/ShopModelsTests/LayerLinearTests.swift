import Foundation
import XCTest
@testable import ShopModels
import ShopScheduler

/// QuantizedLinear and MLP against the INT8 arithmetic of tools/quantize_lib (computed here), batch
/// against single rows, the FP32 path, and clear errors for bad tensors.
final class LayerLinearTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    struct Problem {
        let m, n, k: Int
        let x: [Float]
        let w: [Int8]
        let scales: [Float]
        let bias: [Float]

        init(m: Int, n: Int, k: Int, rng: inout SplitMix64) {
            (self.m, self.n, self.k) = (m, n, k)
            x = rng.floats(m * k, -3...3)
            w = rng.int8s(n * k)
            scales = rng.floats(n, 0.001...0.02)
            bias = rng.floats(n, -1...1)
        }
    }

    func testLinearMatchesReferenceOverShapesAndActivations() throws {
        var rng = SplitMix64(seed: 7)
        let shapes = [(1, 1, 1), (1, 7, 3), (3, 17, 33), (5, 64, 64), (9, 33, 257), (64, 10, 100), (130, 65, 31), (2, 3, 0)]
        for (m, n, k) in shapes {
            let p = Problem(m: m, n: n, k: k, rng: &rng)
            for activation in Activation.allCases {
                for useBias in [true, false] {
                    let layer = try QuantizedLinear(int8Weights: p.w, scales: p.scales, bias: useBias ? p.bias : nil,
                                                    outputFeatures: n, inputFeatures: k, activation: activation)
                    let reference = referenceInt8Linear(p.x, rows: m, p.w, scales: p.scales, bias: useBias ? p.bias : nil,
                                                        outputs: n, activation: activation)
                    assertClose(layer.run(p.x, rows: m), reference.y, tolerance: reference.tolerance,
                                "M=\(m) N=\(n) K=\(k) \(activation) bias=\(useBias)")
                }
            }
        }
    }

    func testBatchGivesTheSameNumbersAsRowsAlone() throws {
        var rng = SplitMix64(seed: 8)
        let p = Problem(m: 97, n: 45, k: 71, rng: &rng)
        let layer = try QuantizedLinear(int8Weights: p.w, scales: p.scales, bias: p.bias, outputFeatures: p.n,
                                        inputFeatures: p.k, activation: .tanh)
        let batch = layer.run(p.x, rows: p.m)
        for r in 0..<p.m {
            let single = layer.run(Array(p.x[(r * p.k)..<((r + 1) * p.k)]), rows: 1)
            XCTAssertEqual(single.map(\.bitPattern), batch[(r * p.n)..<((r + 1) * p.n)].map(\.bitPattern), "row \(r)")
        }
    }

    func testStridedForwardWritesOnlyItsColumns() throws {
        var rng = SplitMix64(seed: 9)
        let p = Problem(m: 4, n: 5, k: 6, rng: &rng)
        let layer = try QuantizedLinear(int8Weights: p.w, scales: p.scales, bias: p.bias, outputFeatures: 5,
                                        inputFeatures: 6, activation: .relu)
        let dense = layer.run(p.x, rows: 4)
        var wideInput = [Float](repeating: 99, count: 4 * 9)
        for r in 0..<4 { for c in 0..<6 { wideInput[r * 9 + c] = p.x[r * 6 + c] } }
        var wideOutput = [Float](repeating: -7, count: 4 * 8)
        LayerScratch.withAllocated(bytes: 0) { scratch in
            layer.forward(wideInput, rows: 4, inputStride: 9, output: &wideOutput + 2, outputStride: 8, scratch: &scratch)
        }
        for r in 0..<4 {
            XCTAssertEqual(Array(wideOutput[(r * 8 + 2)..<(r * 8 + 7)]), Array(dense[(r * 5)..<(r * 5 + 5)]))
            XCTAssertEqual([wideOutput[r * 8], wideOutput[r * 8 + 1], wideOutput[r * 8 + 7]], [-7, -7, -7])
        }
    }

    func testLoadsInt8AndFP32WeightsFromAFile() throws {
        var rng = SplitMix64(seed: 10)
        let p = Problem(m: 6, n: 9, k: 13, rng: &rng)
        let fp32 = rng.floats(4 * 9)
        let file = try layerFile(directory) { w in
            w.add("fc1.weight", p.w, shape: [9, 13])
            w.add("fc1.weight.scale", p.scales, shape: [9])
            w.add("fc1.bias", p.bias, shape: [9])
            w.add("head.weight", fp32, shape: [4, 9])
        }
        let fc1 = try QuantizedLinear(tensors: file, prefix: "fc1", activation: .relu)
        XCTAssertTrue(fc1.isQuantized)
        XCTAssertEqual([fc1.inputFeatures, fc1.outputFeatures], [13, 9])
        let reference = referenceInt8Linear(p.x, rows: 6, p.w, scales: p.scales, bias: p.bias, outputs: 9, activation: .relu)
        let hidden = fc1.run(p.x, rows: 6)
        assertClose(hidden, reference.y, tolerance: reference.tolerance, "fc1 from file")

        let head = try QuantizedLinear(tensors: file, prefix: "head", activation: .sigmoid)
        XCTAssertFalse(head.isQuantized)
        var expected = [Float]()
        for r in 0..<6 {
            for j in 0..<4 {
                var y: Double = 0
                for c in 0..<9 { y += Double(hidden[r * 9 + c]) * Double(fp32[j * 9 + c]) }
                expected.append(Float(1 / (1 + Foundation.exp(-y))))
            }
        }
        assertClose(head.run(hidden, rows: 6), expected, "FP32 head (no bias)")

        let mlp = try MLP(tensors: file, layers: [("fc1", .relu), ("head", .sigmoid)])
        XCTAssertEqual(mlp.run(p.x, rows: 6), head.run(hidden, rows: 6))
    }

    func testMLPMatchesChainedReferenceForSmallAndLargeBatches() throws {
        var rng = SplitMix64(seed: 11)
        let widths = [37, 64, 19, 33, 1]
        let activations: [Activation] = [.relu, .tanh, .relu, .sigmoid]
        var layers = [QuantizedLinear](), parameters = [(w: [Int8], s: [Float], b: [Float])]()
        for i in 0..<4 {
            let (k, n) = (widths[i], widths[i + 1])
            let w = rng.int8s(n * k), s = rng.floats(n, 0.002...0.02), b = rng.floats(n, -0.5...0.5)
            parameters.append((w, s, b))
            layers.append(try QuantizedLinear(name: "l\(i)", int8Weights: w, scales: s, bias: b, outputFeatures: n,
                                              inputFeatures: k, activation: activations[i]))
        }
        let mlp = try MLP(layers: layers)
        XCTAssertEqual([mlp.inputFeatures, mlp.outputFeatures], [37, 1])
        for rows in [1, 2, 300, 1100] {  // 1100: three row tiles (512 rows each at 64 hidden features)
            let x = rng.floats(rows * 37, -2...2)
            // The reference feeds each layer the Swift layer's own input, so differences do not compound.
            var input = x
            for (i, layer) in layers.enumerated() {
                let reference = referenceInt8Linear(input, rows: rows, parameters[i].w, scales: parameters[i].s,
                                                    bias: parameters[i].b, outputs: widths[i + 1], activation: activations[i])
                let output = layer.run(input, rows: rows)
                assertClose(output, reference.y, tolerance: reference.tolerance, "rows=\(rows) layer \(i)")
                input = output
            }
            XCTAssertEqual(mlp.run(x, rows: rows), input, "MLP vs its layers, rows=\(rows)")
        }
    }

    func testMLPRefusesLayersThatDoNotChain() throws {
        let a = try QuantizedLinear(name: "a", int8Weights: [1, 2, 3, 4, 5, 6], scales: [1, 1, 1], bias: nil,
                                    outputFeatures: 3, inputFeatures: 2, activation: .none)
        XCTAssertThrowsError(try MLP(layers: [a, a])) { error in
            XCTAssertEqual("\(error)", "layer 'a' has 3 outputs but layer 'a' takes 2 inputs")
        }
        XCTAssertThrowsError(try MLP(layers: []))
    }

    func testBadTensorsGiveErrorsNamingTheTensor() throws {
        let file = try layerFile(directory) { w in
            w.add("ok.weight", [Int8](repeating: 1, count: 6), shape: [2, 3])
            w.add("ok.weight.scale", [Float](repeating: 0.1, count: 2), shape: [2])
            w.add("noscale.weight", [Int8](repeating: 1, count: 6), shape: [2, 3])
            w.add("badscale.weight", [Int8](repeating: 1, count: 6), shape: [2, 3])
            w.add("badscale.weight.scale", [Float](repeating: 0.1, count: 3), shape: [3])
            w.add("nanscale.weight", [Int8](repeating: 1, count: 6), shape: [2, 3])
            w.add("nanscale.weight.scale", [Float.nan, 1], shape: [2])
            w.add("flat.weight", [Int8](repeating: 1, count: 6), shape: [6])
            w.add("ints.weight", [Int32](repeating: 1, count: 6), shape: [2, 3])
            w.add("badbias.weight", [Int8](repeating: 1, count: 6), shape: [2, 3])
            w.add("badbias.weight.scale", [Float](repeating: 0.1, count: 2), shape: [2])
            w.add("badbias.bias", [Float](repeating: 0, count: 3), shape: [3])
        }
        let cases: [(String, String)] = [
            ("missing", "'missing.weight'"), ("noscale", "'noscale.weight.scale'"), ("badscale", "'badscale.weight.scale'"),
            ("nanscale", "'nanscale.weight.scale'"), ("flat", "'flat.weight'"), ("ints", "'ints.weight'"),
            ("badbias", "'badbias.bias'"),
        ]
        for (prefix, expected) in cases {
            XCTAssertThrowsError(try QuantizedLinear(tensors: file, prefix: prefix, activation: .none), prefix) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(prefix): \(error)")
                XCTAssertTrue("\(error)".contains(file.path), "\(prefix): \(error)")
            }
        }
        XCTAssertNoThrow(try QuantizedLinear(tensors: file, prefix: "ok", activation: .none))
        XCTAssertThrowsError(try MLP(tensors: file, layers: [("ok", .relu), ("ok", .none)])) { error in
            XCTAssertTrue("\(error)".contains("layer 'ok' has 2 outputs but layer 'ok' takes 3 inputs"), "\(error)")
        }
        XCTAssertThrowsError(try QuantizedLinear(int8Weights: [1, 2], scales: [1], bias: nil, outputFeatures: 1,
                                                 inputFeatures: 3, activation: .none)) { error in
            XCTAssertTrue("\(error)".contains("do not form a [1, 3] matrix"), "\(error)")
        }
    }

    func testScratchComesFromAWorkerWorkspaceAndIsGivenBack() throws {
        let layers = try (0..<3).map { i in
            try QuantizedLinear(name: "l\(i)", int8Weights: [Int8](repeating: 1, count: 16), scales: [Float](repeating: 0.5, count: 4),
                                bias: nil, outputFeatures: 4, inputFeatures: 4, activation: .relu)
        }
        let mlp = try MLP(layers: layers)
        let workspace = WorkerWorkspace()
        var scratch = LayerScratch(workspace: workspace, region: 0, bytes: mlp.scratchBytes(rows: 50))
        let x = [Float](repeating: 1, count: 200)
        var out = [Float](repeating: 0, count: 200)
        mlp.forward(x, rows: 50, output: &out, scratch: &scratch)
        XCTAssertEqual(scratch.used, 0)
        // Each layer doubles the all-equal row: acc = 4·127, y = acc·(x/127)·0.5 = 2x.
        for value in out { XCTAssertEqual(value, 8, accuracy: 1e-5) }
    }

    func testConcurrentForwardsGiveTheSameNumbers() throws {
        var rng = SplitMix64(seed: 12)
        let layers = try [(40, 64, Activation.relu), (64, 24, .tanh), (24, 3, .sigmoid)].map { k, n, act in
            try QuantizedLinear(int8Weights: rng.int8s(n * k), scales: rng.floats(n, 0.002...0.02), bias: rng.floats(n),
                                outputFeatures: n, inputFeatures: k, activation: act)
        }
        let mlp = try MLP(layers: layers)
        let inputs = (0..<4).map { _ in rng.floats(33 * 40) }
        let expected = inputs.map { mlp.run($0, rows: 33) }
        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 4 * 20)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<20 { results[worker * 20 + i] = mlp.run(inputs[(worker + i) % 4], rows: 33) }
        }
        for worker in 0..<4 {
            for i in 0..<20 { XCTAssertEqual(results[worker * 20 + i], expected[(worker + i) % 4], "worker \(worker) run \(i)") }
        }
    }
}
