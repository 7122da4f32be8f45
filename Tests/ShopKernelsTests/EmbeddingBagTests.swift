import ShopKernels
import XCTest

/// Embedding bag: reference sums in entry order (exact), variants identical, bad indices refused.
final class EmbeddingBagTests: XCTestCase {
    func reference(table: [Int8], dim: Int, scales: [Float], indices: [Int64], offsets: [Int], weights: [Float]?,
                   mean: Bool) -> [Float] {
        let bags = offsets.count - 1
        var out = [Float](repeating: 0, count: bags * dim)
        for b in 0..<bags {
            for e in offsets[b]..<offsets[b + 1] {
                let row = Int(indices[e])
                let c = weights.map { $0[e] * scales[row] } ?? scales[row]
                for d in 0..<dim { out[b * dim + d] = out[b * dim + d] + c * Float(table[row * dim + d]) }
            }
            let count = offsets[b + 1] - offsets[b]
            if mean && count > 0 { for d in 0..<dim { out[b * dim + d] = out[b * dim + d] / Float(count) } }
        }
        return out
    }

    func testMatchesReferenceForEveryVariant() {
        var rng = SplitMix64(seed: 21)
        for (rows, dim) in [(1, 1), (10, 3), (100, 16), (50, 33), (1000, 64), (7, 257)] {
            var table = rng.int8s(rows * dim)
            table[0] = -128
            let scales = rng.floats(rows, range: 0...0.1)
            let bagSizes = [0, 1, 3, 10, 0, 7]
            var offsets = [0]
            for s in bagSizes { offsets.append(offsets.last! + s) }
            let indices = (0..<offsets.last!).map { _ in Int64.random(in: 0..<Int64(rows), using: &rng) }
            let weights = rng.floats(indices.count, range: -2...2)
            for (w, mean) in [(nil, false), (nil, true), (weights, false), (weights, true)] as [([Float]?, Bool)] {
                let ref = reference(table: table, dim: dim, scales: scales, indices: indices, offsets: offsets,
                                    weights: w, mean: mean)
                for v in supportedVariants {
                    var out = [Float](repeating: .nan, count: bagSizes.count * dim)
                    let offs = offsets.map { UInt($0) }
                    let rc = withVariant(v) {
                        shop_embedding_bag(rows, dim, table, dim, scales, indices, offs.map { Int($0) },
                                           bagSizes.count, w, mean ? SHOP_BAG_MEAN : SHOP_BAG_SUM, &out, dim)
                    }
                    XCTAssertEqual(rc, SHOP_OK)
                    XCTAssertEqual(bits(out), bits(ref), "\(variantName(v)) rows=\(rows) dim=\(dim) mean=\(mean)")
                }
            }
        }
    }

    func testOutOfRangeIndexIsRefusedBeforeWriting() {
        let table: [Int8] = [1, 2, 3, 4]
        var out: [Float] = [7, 7]
        XCTAssertEqual(shop_embedding_bag(2, 2, table, 2, [1, 1], [0, 2], [0, 2], 1, nil, SHOP_BAG_SUM, &out, 2),
                       SHOP_EINDEX)
        XCTAssertEqual(shop_embedding_bag(2, 2, table, 2, [1, 1], [-1], [0, 1], 1, nil, SHOP_BAG_SUM, &out, 2),
                       SHOP_EINDEX)
        XCTAssertEqual(out, [7, 7])
        XCTAssertEqual(shop_embedding_bag(2, 2, table, 2, [1, 1], [0], [1, 0], 1, nil, SHOP_BAG_SUM, &out, 2),
                       SHOP_EINVAL)  // decreasing offsets
        XCTAssertEqual(shop_embedding_bag(2, 2, table, 2, [0.5, 2], [1, 1], [0, 2], 1, nil, SHOP_BAG_MEAN, &out, 2),
                       SHOP_OK)
        XCTAssertEqual(out, [6, 8])
    }
}
