import ShopKernels
import XCTest

/// INT8 GEMM/GEMV: every variant bit-exact against scalar, scalar against a plain Swift reference.
final class GemmTests: XCTestCase {
    /// (M, N, K) triples: odd sizes, panel edges, zero sizes; not the full cross product.
    static let shapes: [(Int, Int, Int)] = {
        let ms = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 65]
        let ns = [0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255, 256, 257]
        let ks = [0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 63, 64, 65, 127, 255, 256, 257, 1000]
        var out: [(Int, Int, Int)] = []
        for (i, k) in ks.enumerated() {
            out.append((ms[i % ms.count], ns[(i * 5) % ns.count], k))
            out.append((ms[(i * 7 + 3) % ms.count], ns[(i * 3 + 1) % ns.count], k))
            out.append((1, ns[(i * 11 + 2) % ns.count], k))  // GEMV
        }
        // Last ones span several row chunks and weight blocks of the blocked drivers.
        out += [(256, 257, 255), (127, 1000, 64), (4, 3, 1000), (1, 1000, 257), (70, 700, 3000), (300, 100, 16)]
        return out
    }()

    struct Problem {
        var m, n, k: Int
        var a: [Int8]
        var w: [Int8]
        var aScales: [Float]
        var wScales: [Float]
        var bias: [Float]

        init(m: Int, n: Int, k: Int, rng: inout SplitMix64, aRange: ClosedRange<Int8> = -128...127,
             wRange: ClosedRange<Int8> = -128...127) {
            self.m = m
            self.n = n
            self.k = k
            a = rng.int8s(m * k, range: aRange)
            w = rng.int8s(n * k, range: wRange)
            aScales = rng.floats(m, range: 0...0.05)
            wScales = rng.floats(n, range: 0...0.05)
            bias = rng.floats(n, range: -2...2)
        }
    }

    func gemmS32(_ p: Problem, _ packed: PackedWeights, aOffset: Int = 0, lda: Int? = nil) -> [Int32] {
        let lda = lda ?? p.k
        var a = [Int8](repeating: 7, count: aOffset + max(p.m - 1, 0) * lda + p.k + 3)
        for i in 0..<p.m { for kk in 0..<p.k { a[aOffset + i * lda + kk] = p.a[i * p.k + kk] } }
        var c = [Int32](repeating: -1, count: p.m * p.n)
        let rc = a.withUnsafeBufferPointer { ab in
            shop_gemm_s8s8_s32(p.m, ab.baseAddress! + aOffset, lda, packed.pointer, &c, p.n)
        }
        XCTAssertEqual(rc, SHOP_OK)
        return c
    }

    func gemmF32(_ p: Problem, _ packed: PackedWeights, act: shop_activation, useBias: Bool, cOffset: Int = 0)
        -> [Float]
    {
        var c = [Float](repeating: .nan, count: p.m * p.n + cOffset)
        let rc = c.withUnsafeMutableBufferPointer { cb in
            shop_gemm_s8s8_f32(p.m, p.a, p.k, p.aScales, packed.pointer, p.wScales, useBias ? p.bias : nil, act,
                               cb.baseAddress! + cOffset, p.n)
        }
        XCTAssertEqual(rc, SHOP_OK)
        return Array(c[cOffset...])
    }

    func referenceS32(_ p: Problem) -> [Int32] {
        var c = [Int32](repeating: 0, count: p.m * p.n)
        for i in 0..<p.m {
            for j in 0..<p.n {
                var acc: Int64 = 0
                for kk in 0..<p.k { acc += Int64(p.a[i * p.k + kk]) * Int64(p.w[j * p.k + kk]) }
                c[i * p.n + j] = Int32(acc)
            }
        }
        return c
    }

    func testEveryVariantMatchesScalarOverShapes() {
        var rng = SplitMix64(seed: 1)
        for (m, n, k) in Self.shapes {
            let p = Problem(m: m, n: n, k: k, rng: &rng)
            let scalar = PackedWeights(variant: SHOP_KERNEL_SCALAR, n: n, k: k, weights: p.w)
            let refS32 = gemmS32(p, scalar)
            let refF32 = [SHOP_ACT_NONE, SHOP_ACT_RELU, SHOP_ACT_SIGMOID, SHOP_ACT_TANH].map { act in
                [true, false].map { bits(gemmF32(p, scalar, act: act, useBias: $0)) }
            }
            for v in fastVariants {
                let packed = PackedWeights(variant: v, n: n, k: k, weights: p.w)
                let label = "\(variantName(v)) M=\(m) N=\(n) K=\(k)"
                XCTAssertEqual(gemmS32(p, packed), refS32, "s32 \(label)")
                for (ai, act) in [SHOP_ACT_NONE, SHOP_ACT_RELU, SHOP_ACT_SIGMOID, SHOP_ACT_TANH].enumerated() {
                    for (bi, useBias) in [true, false].enumerated() {
                        XCTAssertEqual(bits(gemmF32(p, packed, act: act, useBias: useBias)), refF32[ai][bi],
                                       "f32 act=\(act.rawValue) bias=\(useBias) \(label)")
                    }
                }
            }
        }
    }

    func testScalarMatchesIndependentReference() {
        var rng = SplitMix64(seed: 2)
        for (m, n, k) in Self.shapes where m * n * k <= 2_000_000 {
            let p = Problem(m: m, n: n, k: k, rng: &rng)
            let scalar = PackedWeights(variant: SHOP_KERNEL_SCALAR, n: n, k: k, weights: p.w)
            let acc = referenceS32(p)
            XCTAssertEqual(gemmS32(p, scalar), acc, "M=\(m) N=\(n) K=\(k)")
            let none = gemmF32(p, scalar, act: SHOP_ACT_NONE, useBias: true)
            let relu = gemmF32(p, scalar, act: SHOP_ACT_RELU, useBias: true)
            let sigm = gemmF32(p, scalar, act: SHOP_ACT_SIGMOID, useBias: true)
            let tanh = gemmF32(p, scalar, act: SHOP_ACT_TANH, useBias: true)
            let plain = gemmF32(p, scalar, act: SHOP_ACT_NONE, useBias: false)
            for i in 0..<m {
                for j in 0..<n {
                    let x = Float(acc[i * n + j]) * (p.aScales[i] * p.wScales[j])
                    let y = x + p.bias[j]
                    XCTAssertEqual(plain[i * n + j], x)
                    XCTAssertEqual(none[i * n + j], y)
                    XCTAssertEqual(relu[i * n + j], max(y, 0))
                    let s = 1 / (1 + Foundation.exp(-Double(y)))
                    XCTAssertEqual(Double(sigm[i * n + j]), s, accuracy: 1e-6)
                    XCTAssertEqual(Double(tanh[i * n + j]), Foundation.tanh(Double(y)), accuracy: 1e-6)
                }
            }
        }
    }

    func testExtremeValuesAndLargestK() {
        // All -128 (the largest products) and mixed extremes at K = SHOP_MAX_K: the exact sums
        // reach +-2^30 and the VNNI offset sum 255 * 128 * K; nothing may overflow or saturate.
        let k = Int(SHOP_MAX_K)
        for (m, n) in [(1, 17), (3, 33), (9, 2)] {
            var rng = SplitMix64(seed: UInt64(m * 100 + n))
            var p = Problem(m: m, n: n, k: k, rng: &rng)
            for i in 0..<m * k { p.a[i] = i % (k + 1) < k / 2 ? -128 : (i % 3 == 0 ? 127 : -128) }
            for i in 0..<n * k { p.w[i] = (i / k) % 2 == 0 ? -128 : 127 }
            let scalar = PackedWeights(variant: SHOP_KERNEL_SCALAR, n: n, k: k, weights: p.w)
            let ref = gemmS32(p, scalar)
            XCTAssertEqual(ref, referenceS32(p))
            for v in fastVariants {
                let packed = PackedWeights(variant: v, n: n, k: k, weights: p.w)
                XCTAssertEqual(gemmS32(p, packed), ref, variantName(v))
            }
        }
        // Row of all 127 against all -128 and all 127.
        var rng = SplitMix64(seed: 9)
        var p = Problem(m: 2, n: 2, k: 1000, rng: &rng)
        p.a = [Int8](repeating: 127, count: 1000) + [Int8](repeating: -128, count: 1000)
        p.w = [Int8](repeating: -128, count: 1000) + [Int8](repeating: 127, count: 1000)
        for v in supportedVariants {
            let packed = PackedWeights(variant: v, n: 2, k: 1000, weights: p.w)
            let expected: [Int32] = [-127 * 128 * 1000, 127 * 127 * 1000, 128 * 128 * 1000, -128 * 127 * 1000]
            XCTAssertEqual(gemmS32(p, packed), expected, variantName(v))
        }
    }

    func testZeroScalesGiveBiasOnly() {
        var rng = SplitMix64(seed: 3)
        var p = Problem(m: 5, n: 19, k: 33, rng: &rng)
        p.aScales = [0, 0.5, 0, 0.25, 0]
        p.wScales = (0..<19).map { $0 % 2 == 0 ? 0 : 0.01 }
        for v in supportedVariants {
            let packed = PackedWeights(variant: v, n: 19, k: 33, weights: p.w)
            let c = gemmF32(p, packed, act: SHOP_ACT_NONE, useBias: true)
            for i in 0..<5 {
                for j in 0..<19 where p.aScales[i] == 0 || p.wScales[j] == 0 {
                    XCTAssertEqual(c[i * 19 + j], p.bias[j], "\(variantName(v)) (\(i),\(j))")
                }
            }
        }
    }

    func testAlignmentOffsetsAndStrides() {
        var rng = SplitMix64(seed: 4)
        let p = Problem(m: 13, n: 37, k: 71, rng: &rng)
        let ref = referenceS32(p)
        for v in supportedVariants {
            for offset in [0, 8, 24] {
                let packed = PackedWeights(variant: v, n: 37, k: 71, weights: p.w, offset: offset)
                for aOffset in [0, 1, 3] {
                    XCTAssertEqual(gemmS32(p, packed, aOffset: aOffset, lda: 71 + aOffset), ref,
                                   "\(variantName(v)) packed+\(offset) a+\(aOffset)")
                }
                let base = bits(gemmF32(p, packed, act: SHOP_ACT_SIGMOID, useBias: true))
                XCTAssertEqual(bits(gemmF32(p, packed, act: SHOP_ACT_SIGMOID, useBias: true, cOffset: 1)), base)
            }
        }
        // Strided weights (ldw > K) pack the same as dense ones.
        let ldw = 80
        var strided = [Int8](repeating: 99, count: 37 * ldw)
        for j in 0..<37 { for kk in 0..<71 { strided[j * ldw + kk] = p.w[j * 71 + kk] } }
        for v in supportedVariants {
            let packed = PackedWeights(variant: v, n: 37, k: 71, weights: strided, ldw: ldw)
            XCTAssertEqual(gemmS32(p, packed), ref, variantName(v))
        }
    }

    func testOutputStrideLeavesGapsUntouched() {
        var rng = SplitMix64(seed: 5)
        let p = Problem(m: 6, n: 10, k: 20, rng: &rng)
        for v in supportedVariants {
            let packed = PackedWeights(variant: v, n: 10, k: 20, weights: p.w)
            var c = [Float](repeating: 42, count: 6 * 13)
            XCTAssertEqual(shop_gemm_s8s8_f32(6, p.a, 20, p.aScales, packed.pointer, p.wScales, p.bias, SHOP_ACT_NONE,
                                              &c, 13), SHOP_OK)
            let dense = gemmF32(p, packed, act: SHOP_ACT_NONE, useBias: true)
            for i in 0..<6 {
                XCTAssertEqual(Array(c[i * 13..<i * 13 + 10]), Array(dense[i * 10..<i * 10 + 10]))
                XCTAssertEqual(Array(c[i * 13 + 10..<i * 13 + 13]), [42, 42, 42], variantName(v))
            }
        }
    }

    func testFusedLinearEqualsQuantizeThenGemm() {
        var rng = SplitMix64(seed: 6)
        for (m, n, k) in [(1, 64, 64), (3, 17, 5), (9, 33, 100), (16, 256, 256), (0, 3, 3), (2, 5, 0), (17, 1, 1000)] {
            let x = rng.floats(m * k, range: -3...3)
            var w = rng.int8s(n * k)
            if n > 0 && k > 0 { w[0] = -128 }
            let ws = rng.floats(n, range: 0...0.02), bias = rng.floats(n)
            var expected: [UInt32]?
            for v in supportedVariants {
                withVariant(v) {
                    let packed = PackedWeights(variant: v, n: n, k: k, weights: w)
                    var q = [Int8](repeating: 0, count: m * k), scales = [Float](repeating: 0, count: m)
                    XCTAssertEqual(shop_quantize_rows(m, k, x, k, &q, k, &scales, nil), SHOP_OK)
                    var c1 = [Float](repeating: 0, count: m * n), c2 = c1
                    XCTAssertEqual(shop_gemm_s8s8_f32(m, q, k, scales, packed.pointer, ws, bias, SHOP_ACT_SIGMOID,
                                                      &c1, n), SHOP_OK)
                    XCTAssertEqual(shop_linear_f32(m, x, k, packed.pointer, ws, bias, SHOP_ACT_SIGMOID, &c2, n), SHOP_OK)
                    XCTAssertEqual(bits(c2), bits(c1), "\(variantName(v)) m=\(m) n=\(n) k=\(k)")
                    if let e = expected { XCTAssertEqual(bits(c2), e, variantName(v)) } else { expected = bits(c2) }
                }
            }
        }
    }

    func testBadArgumentsAreRefused() {
        var rng = SplitMix64(seed: 7)
        let p = Problem(m: 2, n: 3, k: 4, rng: &rng)
        let packed = PackedWeights(variant: SHOP_KERNEL_SCALAR, n: 3, k: 4, weights: p.w)
        var c = [Int32](repeating: 0, count: 6)
        var garbage = [UInt64](repeating: 0, count: 16)
        XCTAssertEqual(shop_gemm_s8s8_s32(2, p.a, 4, &garbage, &c, 3), SHOP_EPACKED)
        XCTAssertEqual(shop_gemm_s8s8_s32(2, p.a, 4, nil, &c, 3), SHOP_EPACKED)
        XCTAssertEqual(shop_gemm_s8s8_s32(2, p.a, 3, packed.pointer, &c, 3), SHOP_EINVAL)  // lda < K
        XCTAssertEqual(shop_gemm_s8s8_s32(2, p.a, 4, packed.pointer, &c, 2), SHOP_EINVAL)  // ldc < N
        XCTAssertEqual(shop_gemm_s8s8_s32(2, nil, 4, packed.pointer, &c, 3), SHOP_EINVAL)
        var cf = [Float](repeating: 0, count: 6)
        XCTAssertEqual(shop_gemm_s8s8_f32(2, p.a, 4, nil, packed.pointer, p.wScales, nil, SHOP_ACT_NONE, &cf, 3),
                       SHOP_EINVAL)
        XCTAssertEqual(shop_gemm_s8s8_f32(2, p.a, 4, p.aScales, packed.pointer, p.wScales, nil,
                                          shop_activation(rawValue: 9), &cf, 3), SHOP_EINVAL)
        XCTAssertEqual(shop_packed_weights_size(3, Int(SHOP_MAX_K) + 1), 0)
        var small = [UInt64](repeating: 0, count: 8)
        XCTAssertEqual(shop_pack_weights_for(SHOP_KERNEL_SCALAR, 3, 4, p.w, 4, &small, 64), SHOP_ESIZE)
        XCTAssertEqual(shop_gemm_s8s8_s32(0, nil, 0, packed.pointer, nil, 0), SHOP_OK)
        XCTAssertEqual(shop_packed_weights_n(packed.pointer), 3)
        XCTAssertEqual(shop_packed_weights_k(packed.pointer), 4)
        if !shop_kernels_variant_supported(SHOP_KERNEL_AVX512_VNNI) {
            XCTAssertEqual(shop_kernels_force_variant(SHOP_KERNEL_AVX512_VNNI), SHOP_EUNSUPPORTED)
        }
        XCTAssertEqual(String(cString: shop_kernels_strerror(SHOP_EINDEX)), "index out of range")
    }
}
