import XCTest
@testable import ShopModels

/// EmbeddingTable: bags against a reference, out-of-range ids skipped and counted, file loading.
final class LayerEmbeddingTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    func makeTable(rows: Int = 50, dimension: Int = 13, seed: UInt64 = 3) throws -> (EmbeddingTable, [Int8], [Float]) {
        var rng = SplitMix64(seed: seed)
        let values = rng.int8s(rows * dimension), scales = rng.floats(rows, 0.001...0.05)
        return (try EmbeddingTable(int8Values: values, scales: scales, rows: rows, dimension: dimension), values, scales)
    }

    /// Σ (w·s[id])·q[id, :] in id order, skipping invalid ids; mean divides by the valid count.
    func reference(_ ids: [Int32], lengths: [Int32], weights: [Float]?, mode: EmbeddingTable.BagMode,
                   values: [Int8], scales: [Float], dimension d: Int) -> [Float] {
        var out = [Float](), read = 0
        for length in lengths {
            var sum = [Float](repeating: 0, count: d), count = 0
            for _ in 0..<max(Int(length), 0) {
                let id = Int(ids[read])
                if id >= 0 && id < scales.count {
                    let c = (weights?[read] ?? 1) * scales[id]
                    for j in 0..<d { sum[j] = sum[j] + c * Float(values[id * d + j]) }
                    count += 1
                }
                read += 1
            }
            out += mode == .mean && count > 0 ? sum.map { $0 / Float(count) } : sum
        }
        return out
    }

    func bag(_ table: EmbeddingTable, _ ids: [Int32], lengths: [Int32], weights: [Float]? = nil,
             mode: EmbeddingTable.BagMode) -> (out: [Float], skipped: Int) {
        var out = [Float](repeating: .nan, count: lengths.count * table.dimension)
        let skipped = LayerScratch.withAllocated(bytes: table.bagScratchBytes(ids: ids.count, bags: lengths.count)) { scratch in
            if let weights {
                return table.bag(ids: ids, lengths: lengths, bags: lengths.count, mode: mode, weights: weights,
                                 output: &out, scratch: &scratch)
            }
            return table.bag(ids: ids, lengths: lengths, bags: lengths.count, mode: mode, output: &out, scratch: &scratch)
        }
        return (out, skipped)
    }

    func testBagsMatchReference() throws {
        let (table, values, scales) = try makeTable()
        var rng = SplitMix64(seed: 4)
        let lengths: [Int32] = [3, 0, 1, 7, 2, 20]
        let ids = (0..<33).map { _ in Int32.random(in: 0..<50, using: &rng) }
        let weights = rng.floats(33, 0...2)
        for mode in [EmbeddingTable.BagMode.sum, .mean] {
            for w in [nil, weights] {
                let (out, skipped) = bag(table, ids, lengths: lengths, weights: w, mode: mode)
                XCTAssertEqual(skipped, 0)
                assertClose(out, reference(ids, lengths: lengths, weights: w, mode: mode, values: values, scales: scales,
                                           dimension: 13), relative: 1e-6, absolute: 1e-7, "\(mode) weighted=\(w != nil)")
            }
        }
        // Each bag alone gives the same numbers as inside the batch.
        let (batch, _) = bag(table, ids, lengths: lengths, mode: .mean)
        var start = 0
        for (b, length) in lengths.enumerated() {
            let (single, _) = bag(table, Array(ids[start..<(start + Int(length))]), lengths: [length], mode: .mean)
            XCTAssertEqual(single, Array(batch[(b * 13)..<((b + 1) * 13)]), "bag \(b)")
            start += Int(length)
        }
    }

    func testOutOfRangeIdsAreSkippedAndCounted() throws {
        let (table, _, _) = try makeTable()
        let (valid, _) = bag(table, [5, 7], lengths: [2], mode: .mean)
        let (mixed, skipped) = bag(table, [-1, 5, 50, 7, Int32.max], lengths: [5], mode: .mean)
        XCTAssertEqual(skipped, 3)
        XCTAssertEqual(mixed, valid, "invalid ids add nothing and do not count toward the mean")
        let (allInvalid, skippedAll) = bag(table, [-3, 99, 1], lengths: [2, -4, 1], mode: .mean)
        XCTAssertEqual(skippedAll, 2)
        XCTAssertEqual(Array(allInvalid[0..<26]), [Float](repeating: 0, count: 26), "all-invalid and negative-length bags are zeros")
        XCTAssertEqual(Array(allInvalid[26...]), bag(table, [1], lengths: [1], mode: .sum).out)

        var row = [Float](repeating: .nan, count: 13)
        XCTAssertFalse(table.lookup(50, into: &row))
        XCTAssertEqual(row, [Float](repeating: 0, count: 13))
        XCTAssertFalse(table.lookup(-1, into: &row))
    }

    func testInt64IdsLookupAndStride() throws {
        let (table, values, scales) = try makeTable(rows: 9, dimension: 4)
        var row = [Float](repeating: 0, count: 4)
        XCTAssertTrue(table.lookup(8, into: &row))
        XCTAssertEqual(row, (0..<4).map { scales[8] * Float(values[32 + $0]) })
        var wide = [Float](repeating: -1, count: 2 * 6)
        let ids: [Int64] = [8, 1 << 40, 3]
        let lengths: [Int32] = [2, 1]
        let skipped = LayerScratch.withAllocated(bytes: table.bagScratchBytes(ids: 3, bags: 2)) { scratch in
            table.bag(ids: ids, lengths: lengths, bags: 2, mode: .sum, output: &wide, outputStride: 6, scratch: &scratch)
        }
        XCTAssertEqual(skipped, 1)
        XCTAssertEqual(Array(wide[0..<4]), row)
        XCTAssertEqual(Array(wide[4..<6]), [-1, -1])
        XCTAssertEqual(Array(wide[6..<10]), (0..<4).map { scales[3] * Float(values[12 + $0]) })
    }

    func testLoadsFromFileAndRefusesBadTensors() throws {
        var rng = SplitMix64(seed: 5)
        let values = rng.int8s(6 * 4), scales = rng.floats(6, 0.01...0.1)
        let file = try layerFile(directory) { w in
            w.add("items", values, shape: [6, 4])
            w.add("items.scale", scales, shape: [6])
            w.add("flat", values, shape: [24])
            w.add("flat.scale", scales, shape: [6])
            w.add("noscale", values, shape: [6, 4])
            w.add("short", values, shape: [6, 4])
            w.add("short.scale", [Float](repeating: 1, count: 5), shape: [5])
        }
        let table = try EmbeddingTable(tensors: file, name: "items")
        XCTAssertEqual([table.rows, table.dimension], [6, 4])
        XCTAssertEqual(Array(table.quantizedRow(2)), Array(values[8..<12]))
        XCTAssertEqual(table.scale(of: 5), scales[5])
        for (name, expected) in [("flat", "'flat'"), ("noscale", "'noscale.scale'"), ("short", "'short.scale'"), ("nope", "'nope'")] {
            XCTAssertThrowsError(try EmbeddingTable(tensors: file, name: name)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(name): \(error)")
            }
        }
    }
}
