import Foundation
import XCTest
@testable import ShopModels

/// AttentionPooling: masked softmax over valid positions, the scorer run as one batch, mean pooling.
final class LayerAttentionTests: XCTestCase {
    let d = 6

    func makeScorer(seed: UInt64 = 21) throws -> MLP {
        var rng = SplitMix64(seed: seed)
        let hidden = try QuantizedLinear(name: "att.fc1", int8Weights: rng.int8s(10 * 4 * d), scales: rng.floats(10, 0.005...0.02),
                                         bias: rng.floats(10, -0.3...0.3), outputFeatures: 10, inputFeatures: 4 * d,
                                         activation: .relu)
        let score = try QuantizedLinear(name: "att.out", int8Weights: rng.int8s(10), scales: [0.02], bias: [0.1],
                                        outputFeatures: 1, inputFeatures: 10, activation: .none)
        return try MLP(layers: [hidden, score])
    }

    struct Batch {
        var queries: [Float], keys: [Float], lengths: [Int32]
        let maxLength: Int
        var rows: Int { lengths.count }
    }

    func makeBatch(lengths: [Int32], maxLength: Int, seed: UInt64) -> Batch {
        var rng = SplitMix64(seed: seed)
        return Batch(queries: rng.floats(lengths.count * d), keys: rng.floats(lengths.count * maxLength * d),
                     lengths: lengths, maxLength: maxLength)
    }

    func run(_ pooling: AttentionPooling, _ b: Batch) -> (out: [Float], weights: [Float]) {
        var out = [Float](repeating: .nan, count: b.rows * d), weights = [Float](repeating: .nan, count: b.rows * b.maxLength)
        LayerScratch.withAllocated(bytes: pooling.scratchBytes(rows: b.rows, maxLength: b.maxLength)) { scratch in
            pooling.forward(queries: b.queries, keys: b.keys, lengths: b.lengths, maxLength: b.maxLength, rows: b.rows,
                            output: &out, attention: &weights, scratch: &scratch)
            XCTAssertEqual(scratch.used, 0)
        }
        return (out, weights)
    }

    func testMatchesPerPairReference() throws {
        let scorer = try makeScorer()
        let pooling = try AttentionPooling(scorer: scorer)
        XCTAssertEqual(pooling.dimension, d)
        let b = makeBatch(lengths: [3, 0, 5, 1, 9, -2], maxLength: 5, seed: 22)
        let (out, weights) = run(pooling, b)
        for r in 0..<b.rows {
            let length = min(max(Int(b.lengths[r]), 0), b.maxLength)
            let q = Array(b.queries[(r * d)..<((r + 1) * d)])
            // Scores one pair at a time (a batch row gives the same numbers alone), softmax in Double.
            let scores: [Double] = (0..<length).map { i in
                let k = Array(b.keys[((r * b.maxLength + i) * d)..<((r * b.maxLength + i + 1) * d)])
                let features = q + k + zip(q, k).map { $0 - $1 } + zip(q, k).map { $0 * $1 }
                return Double(scorer.run(features, rows: 1)[0])
            }
            let top = scores.max() ?? 0
            let exps = scores.map { Foundation.exp($0 - top) }
            let total = exps.reduce(0, +)
            var expected = [Float](repeating: 0, count: d)
            for i in 0..<length {
                let w = exps[i] / total
                XCTAssertEqual(Double(weights[r * b.maxLength + i]), w, accuracy: 1e-6, "row \(r) weight \(i)")
                for j in 0..<d { expected[j] += Float(w) * b.keys[(r * b.maxLength + i) * d + j] }
            }
            for i in length..<b.maxLength { XCTAssertEqual(weights[r * b.maxLength + i], 0, "padding row \(r)") }
            assertClose(Array(out[(r * d)..<((r + 1) * d)]), expected, relative: 1e-5, absolute: 1e-6, "row \(r)")
        }
    }

    func testBatchRowsEqualRowsAloneAndPaddingIsIgnored() throws {
        let pooling = try AttentionPooling(scorer: try makeScorer())
        var b = makeBatch(lengths: [4, 2, 7, 1], maxLength: 7, seed: 23)
        let (batch, _) = run(pooling, b)
        for r in 0..<b.rows {
            let single = Batch(queries: Array(b.queries[(r * d)..<((r + 1) * d)]),
                               keys: Array(b.keys[(r * 7 * d)..<((r + 1) * 7 * d)]), lengths: [b.lengths[r]], maxLength: 7)
            XCTAssertEqual(run(pooling, single).out, Array(batch[(r * d)..<((r + 1) * d)]), "row \(r)")
        }
        // Garbage in padded positions changes nothing.
        for r in 0..<b.rows {
            for i in Int(b.lengths[r])..<7 { for j in 0..<d { b.keys[(r * 7 + i) * d + j] = .nan } }
        }
        XCTAssertEqual(run(pooling, b).out, batch)
    }

    func testMeanPoolingAndScorerValidation() throws {
        let b = makeBatch(lengths: [2, 0, 9], maxLength: 3, seed: 24)
        var out = [Float](repeating: .nan, count: 3 * d)
        AttentionPooling.meanPool(keys: b.keys, lengths: b.lengths, maxLength: 3, rows: 3, dimension: d, output: &out)
        for j in 0..<d {
            XCTAssertEqual(out[j], (b.keys[j] + b.keys[d + j]) / 2, accuracy: 1e-6)
            XCTAssertEqual(out[d + j], 0)
            XCTAssertEqual(out[2 * d + j], (b.keys[6 * d + j] + b.keys[7 * d + j] + b.keys[8 * d + j]) / 3, accuracy: 1e-6)
        }
        let wide = try QuantizedLinear(int8Weights: [Int8](repeating: 1, count: 2 * 8), scales: [1, 1], bias: nil,
                                       outputFeatures: 2, inputFeatures: 8, activation: .none)
        XCTAssertThrowsError(try AttentionPooling(scorer: try MLP(layers: [wide]))) { error in
            XCTAssertTrue("\(error)".contains("expected 1"), "\(error)")
        }
        let odd = try QuantizedLinear(int8Weights: [Int8](repeating: 1, count: 7), scales: [1], bias: nil,
                                      outputFeatures: 1, inputFeatures: 7, activation: .none)
        XCTAssertThrowsError(try AttentionPooling(scorer: try MLP(layers: [odd]))) { error in
            XCTAssertTrue("\(error)".contains("4·D"), "\(error)")
        }
    }
}
