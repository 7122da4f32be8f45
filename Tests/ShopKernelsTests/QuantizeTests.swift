import ShopKernels
import XCTest

/// Per-row activation quantization: variants identical, scalar equal to the documented rule.
final class QuantizeTests: XCTestCase {
    func quantize(_ x: [Float], m: Int, k: Int) -> (q: [Int8], scales: [Float], sums: [Int32]) {
        var q = [Int8](repeating: 99, count: m * k), s = [Float](repeating: -1, count: m)
        var sums = [Int32](repeating: -1, count: m)
        XCTAssertEqual(shop_quantize_rows(m, k, x, k, &q, k, &s, &sums), SHOP_OK)
        return (q, s, sums)
    }

    func testVariantsMatchReferenceRule() {
        var rng = SplitMix64(seed: 11)
        for (m, k) in [(1, 1), (3, 7), (2, 31), (4, 32), (5, 33), (2, 1000), (1, 4099), (3, 0)] {
            var x = rng.floats(m * k, range: -5...5)
            if m * k > 3 { x[1] = 0; x[2] = -0.0 }
            if k > 0 { for j in 0..<k { x[(m - 1) * k + j] = 0 } }  // an all-zero row
            var reference: ([Int8], [Float], [Int32])?
            for v in supportedVariants {
                let r = withVariant(v) { quantize(x, m: m, k: k) }
                if let ref = reference {
                    XCTAssertEqual(r.q, ref.0, "\(variantName(v)) m=\(m) k=\(k)")
                    XCTAssertEqual(bits(r.scales), bits(ref.1))
                    XCTAssertEqual(r.sums, ref.2)
                } else {
                    reference = (r.q, r.scales, r.sums)
                    for i in 0..<m {
                        let row = x[i * k..<(i + 1) * k]
                        let maxAbs = row.map { abs($0) }.max() ?? 0
                        XCTAssertEqual(r.scales[i], maxAbs > 0 ? maxAbs / 127 : 0)
                        let inv = maxAbs > 0 ? 127 / maxAbs : 0
                        var sum: Int32 = 0
                        for j in 0..<k {
                            let e = Int8(min(max((x[i * k + j] * inv).rounded(.toNearestOrEven), -127), 127))
                            XCTAssertEqual(r.q[i * k + j], e)
                            sum += Int32(e)
                        }
                        XCTAssertEqual(r.sums[i], sum)
                    }
                }
            }
        }
    }

    func testRoundsHalfToEvenAndHitsBothEnds() {
        // max |x| = 127 makes inv = 1: values land exactly on .5 boundaries.
        let x: [Float] = [127, -127, 0.5, 1.5, 2.5, -0.5, -1.5, 126.5]
        for v in supportedVariants {
            let r = withVariant(v) { quantize(x, m: 1, k: x.count) }
            XCTAssertEqual(r.q, [127, -127, 0, 2, 2, 0, -2, 126], variantName(v))
            XCTAssertEqual(r.scales, [1])
        }
    }

    func testExpMatchesLibm() {
        var x: Float = -87
        while x <= 88 {
            let e = shop_expf(x), ref = Foundation.exp(Double(x))
            XCTAssertEqual(Double(e), ref, accuracy: ref * 3e-7, "exp(\(x))")
            x += 0.173
        }
        XCTAssertEqual(shop_expf(0), 1)
        XCTAssertEqual(shop_expf(-1000), shop_expf(-87))
        XCTAssertTrue(shop_expf(1000).isFinite)
    }

    func testTanhMatchesLibm() {
        var x: Float = -12
        while x <= 12 {
            let t = shop_tanhf(x), ref = Foundation.tanh(Double(x))
            XCTAssertEqual(Double(t), ref, accuracy: max(abs(ref), 1e-30) * 5e-7, "tanh(\(x))")
            XCTAssertEqual(shop_tanhf(-x), -t, "odd: tanh(\(x))")
            x += 0.0173
        }
        for x: Float in [0, 1e-20, 1e-4, 0.6249, 0.625, 0.6251] {
            XCTAssertEqual(Double(shop_tanhf(x)), Foundation.tanh(Double(x)), accuracy: Double(x) * 5e-7 + 1e-45, "tanh(\(x))")
        }
        XCTAssertEqual(shop_tanhf(1000), 1)
        XCTAssertEqual(shop_tanhf(-1000), -1)
        XCTAssertEqual(shop_tanhf(-0.0).sign, .minus)
    }
}
