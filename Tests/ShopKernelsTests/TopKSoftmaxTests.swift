import ShopKernels
import XCTest

/// Top-k against a stable sort; softmax against a Double reference.
final class TopKSoftmaxTests: XCTestCase {
    func sortedReference(_ x: [Float], k: Int, largest: Bool) -> [Int] {
        let order = x.indices.sorted { i, j in
            let a = x[i], b = x[j]
            if a.isNaN != b.isNaN { return largest ? a.isNaN : b.isNaN }  // NaN ranks above +inf
            if !a.isNaN && a != b { return largest ? a > b : a < b }
            return i < j
        }
        return Array(order.prefix(k))
    }

    func topk(_ x: [Float], k: Int, largest: Bool) -> (Int, [Float], [Int64]) {
        var values = [Float](repeating: 0, count: max(k, 1)), idx = [Int64](repeating: -1, count: max(k, 1))
        let n = shop_topk_f32(x.count, x, k, largest, &values, &idx)
        return (n, Array(values.prefix(max(n, 0))), Array(idx.prefix(max(n, 0))))
    }

    func testMatchesStableSort() {
        var rng = SplitMix64(seed: 41)
        for (n, k) in [(0, 3), (1, 1), (5, 0), (5, 10), (100, 7), (1000, 1000), (10_000, 100), (200_000, 3000)] {
            // Few distinct values force many ties.
            var x = (0..<n).map { _ in Float(Int.random(in: -20...20, using: &rng)) / 4 }
            if n > 10 { x[3] = -0.0; x[4] = 0.0; x[5] = .infinity; x[6] = -.infinity }
            for largest in [true, false] {
                let (count, values, idx) = topk(x, k: k, largest: largest)
                let expected = sortedReference(x, k: min(k, n), largest: largest)
                XCTAssertEqual(count, min(k, n))
                XCTAssertEqual(idx.map { Int($0) }, expected, "n=\(n) k=\(k) largest=\(largest)")
                XCTAssertEqual(bits(values), bits(expected.map { x[$0] }))
            }
        }
    }

    func testNaNRanksAboveInfinity() {
        let x: [Float] = [1, .nan, .infinity, -1]
        XCTAssertEqual(topk(x, k: 2, largest: true).2, [1, 2])
        XCTAssertEqual(topk(x, k: 2, largest: false).2, [3, 0])
        XCTAssertEqual(shop_topk_f32(3, nil, 2, true, nil, nil), Int(SHOP_EINVAL))
    }

    func testSoftmaxMatchesReferenceAndIsStable() {
        var rng = SplitMix64(seed: 42)
        for (m, n) in [(1, 1), (3, 5), (4, 100), (2, 1000)] {
            var x = rng.floats(m * n, range: -20...20)
            x[0] = 1000  // large values must not overflow
            var y = [Float](repeating: 0, count: m * n)
            XCTAssertEqual(shop_softmax_rows_f32(m, n, x, n, &y, n), SHOP_OK)
            for i in 0..<m {
                let row = x[i * n..<(i + 1) * n].map(Double.init)
                let mx = row.max()!
                let sum = row.map { Foundation.exp(max($0 - mx, -87)) }.reduce(0, +)
                for j in 0..<n {
                    XCTAssertEqual(Double(y[i * n + j]), Foundation.exp(max(row[j] - mx, -87)) / sum, accuracy: 1e-6)
                }
                XCTAssertEqual(y[i * n..<(i + 1) * n].map(Double.init).reduce(0, +), 1, accuracy: 1e-5)
            }
            var inPlace = x
            let rc = inPlace.withUnsafeMutableBufferPointer { b in
                shop_softmax_rows_f32(m, n, b.baseAddress, n, b.baseAddress, n)
            }
            XCTAssertEqual(rc, SHOP_OK)
            XCTAssertEqual(inPlace, y)
        }
        var uniform = [Float](repeating: 0, count: 2)
        XCTAssertEqual(shop_softmax_rows_f32(1, 2, [-.infinity, -.infinity], 2, &uniform, 2), SHOP_OK)
        XCTAssertEqual(uniform, [0.5, 0.5])
    }
}
