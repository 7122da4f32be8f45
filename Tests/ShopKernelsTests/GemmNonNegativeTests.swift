import ShopKernels
import XCTest

/// Rows whose activations are all in 0...127 (the input of a layer after ReLU) take AVX2's
/// vpmaddubsw micro-kernel, chosen per tile of rows; signed rows keep the vpmaddwd one. Both must
/// stay bit-exact against scalar, including the largest pair sums (127 * -128 twice) and calls that
/// mix unsigned and signed tiles.
final class GemmNonNegativeTests: XCTestCase {
    typealias Problem = GemmTests.Problem

    private func s32(_ p: Problem, _ packed: PackedWeights) -> [Int32] {
        var c = [Int32](repeating: -1, count: p.m * p.n)
        XCTAssertEqual(shop_gemm_s8s8_s32(p.m, p.a, p.k, packed.pointer, &c, p.n), SHOP_OK)
        return c
    }

    private func assertVariantsMatchScalar(_ p: Problem, _ label: String) {
        let ref = s32(p, PackedWeights(variant: SHOP_KERNEL_SCALAR, n: p.n, k: p.k, weights: p.w))
        for v in fastVariants {
            XCTAssertEqual(s32(p, PackedWeights(variant: v, n: p.n, k: p.k, weights: p.w)), ref,
                           "\(variantName(v)) \(label) M=\(p.m) N=\(p.n) K=\(p.k)")
        }
    }

    func testNonNegativeRowsMatchScalarOverShapes() {
        var rng = SplitMix64(seed: 21)
        let shapes = [(1, 1, 1), (1, 33, 64), (2, 17, 3), (3, 64, 5), (5, 9, 255), (6, 16, 256), (7, 31, 17),
                      (12, 40, 100), (13, 65, 63), (16, 256, 256), (17, 7, 1000), (64, 64, 64), (300, 100, 16),
                      (70, 700, 3000), (2, 0, 4), (0, 5, 5), (4, 6, 0)]
        for (m, n, k) in shapes {
            assertVariantsMatchScalar(Problem(m: m, n: n, k: k, rng: &rng, aRange: 0...127), "relu rows")
        }
    }

    func testLargestPairSumsDoNotSaturate() {
        // 127 * -128 + 127 * -128 = -32512 and 127 * 127 * 2 = 32258 per vpmaddubsw pair, summed
        // over every K up to SHOP_MAX_K.
        var rng = SplitMix64(seed: 22)
        for (m, n, k) in [(1, 9, 1000), (6, 16, 64), (7, 33, Int(SHOP_MAX_K))] {
            var p = Problem(m: m, n: n, k: k, rng: &rng, aRange: 0...127)
            p.a = [Int8](repeating: 127, count: m * k)
            for i in 0..<n * k { p.w[i] = (i / k) % 3 == 0 ? 127 : -128 }
            assertVariantsMatchScalar(p, "extremes")
            for i in 0..<m * k { p.a[i] = i % 2 == 0 ? 127 : 0 }
            for i in 0..<n * k { p.w[i] = i % 5 == 0 ? 127 : -128 }
            assertVariantsMatchScalar(p, "alternating extremes")
        }
    }

    func testCallsMixingUnsignedAndSignedTiles() {
        var rng = SplitMix64(seed: 23)
        for (m, n, k) in [(13, 40, 77), (25, 9, 256), (64, 33, 129), (300, 24, 40)] {
            var p = Problem(m: m, n: n, k: k, rng: &rng, aRange: 0...127)
            // One negative value makes its row (and so its tile of rows) signed: every third row here.
            for i in stride(from: 0, to: m, by: 3) { p.a[i * k + (i * 7) % k] = i % 2 == 0 ? -128 : -1 }
            assertVariantsMatchScalar(p, "mixed rows")
        }
    }

    func testFusedLinearOnNonNegativeInputs() {
        // Float inputs after a ReLU quantize to 0...127: the fused path takes the unsigned kernel.
        var rng = SplitMix64(seed: 24)
        for (m, n, k) in [(1, 64, 64), (9, 33, 100), (16, 256, 256), (17, 5, 1000)] {
            let x = rng.floats(m * k, range: -1...3).map { max($0, 0) }
            var w = rng.int8s(n * k)
            w[0] = -128
            let ws = rng.floats(n, range: 0...0.02), bias = rng.floats(n)
            var expected: [UInt32]?
            for v in supportedVariants {
                let packed = PackedWeights(variant: v, n: n, k: k, weights: w)
                var c = [Float](repeating: 0, count: m * n)
                XCTAssertEqual(shop_linear_f32(m, x, k, packed.pointer, ws, bias, SHOP_ACT_RELU, &c, n), SHOP_OK)
                if let e = expected { XCTAssertEqual(bits(c), e, "\(variantName(v)) m=\(m) n=\(n) k=\(k)") }
                else { expected = bits(c) }
            }
        }
    }
}
