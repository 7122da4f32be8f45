import ShopKernels
import XCTest
@testable import ShopModels

/// The search's selection pieces against plain sorting: buffered top-k with cuts (ties included),
/// the centroid top-n, and the scan's lower bound.
final class VectorIndexTopKTests: XCTestCase {
    /// Scores with many exact ties (a few distinct values) or all distinct.
    private func scores(_ count: Int, distinct: Int?, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            distinct.map { Float(Int.random(in: 0..<$0, using: &generator)) / 4 } ?? Float.random(in: -1..<1, using: &generator)
        }
    }

    func testBufferedTopKKeepsTheBestByScoreThenSmallerRow() {
        for (trial, distinct) in [nil, 3, 40].enumerated() {
            for k in [1, 5, 26] {
                let values = scores(700, distinct: distinct, seed: UInt64(trial * 100 + k))
                let capacity = TopKCandidates.capacity(k: k)
                var s = [Float](repeating: 0, count: capacity), r = [Int32](repeating: 0, count: capacity)
                var size: Int32 = 0, threshold: Float = 0, sink: Int8 = 0
                s.withUnsafeMutableBufferPointer { s in
                    r.withUnsafeMutableBufferPointer { r in
                        let top = TopKCandidates(k: k, capacity: capacity, scores: s.baseAddress!, rows: r.baseAddress!,
                                                 sizes: &size, thresholds: &threshold, sink: &sink)
                        top.reset(count: 1)
                        for (row, score) in values.enumerated().reversed() where score >= top.threshold(0) {
                            top.offer(0, score: score, row: Int32(row))
                        }
                        top.rescore(0) { values[Int($0)] }
                        var hits = [SearchHit](repeating: .none, count: k)
                        top.drain(0, slots: k, ids: nil, to: &hits)
                        let want = values.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
                            .prefix(k).map { Int32($0.offset) }
                        XCTAssertEqual(hits.map(\.row), want, "distinct \(String(describing: distinct)), k \(k)")
                    }
                }
            }
        }
    }

    func testBestIndicesMatchesShopTopK() {
        for (trial, distinct) in [nil, 2, 30].enumerated() {
            let values = scores(257, distinct: distinct, seed: UInt64(7 + trial))
            for take in [1, 4, 17, 32] {
                var ours = [Int64](repeating: -1, count: take), theirs = ours
                var ourScores = [Float](repeating: 0, count: take), theirScores = ourScores
                VectorIndex.bestIndices(values, count: values.count, take: take, scores: &ourScores, into: &ours)
                XCTAssertEqual(shop_topk_f32(values.count, values, take, true, &theirScores, &theirs), take)
                XCTAssertEqual(ours, theirs, "distinct \(String(describing: distinct)), take \(take)")
            }
        }
    }

    func testLowerBoundIsReachedByAtLeastCountScores() {
        for length in [32, 33, 63, 64, 100, 512] {
            for count in [1, 20, 32] {
                let values = scores(length, distinct: length == 100 ? 5 : nil, seed: UInt64(length))
                let bound = CandidateScan.lowerBound(values, length: length, reachedBy: count)
                XCTAssertGreaterThanOrEqual(values.filter { $0 >= bound }.count, count, "length \(length), count \(count)")
                XCTAssertLessThanOrEqual(bound, values.max()!)
            }
        }
    }
}
