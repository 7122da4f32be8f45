import ShopKernels
import XCTest

/// Deterministic pseudo-random numbers (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    mutating func int8s(_ count: Int, range: ClosedRange<Int8> = -128...127) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: range, using: &self) }
    }
    mutating func floats(_ count: Int, range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}

/// All variants this CPU runs; the first is always scalar.
let supportedVariants: [shop_kernel_variant] =
    [SHOP_KERNEL_SCALAR, SHOP_KERNEL_AVX2, SHOP_KERNEL_AVX512_VNNI].filter { shop_kernels_variant_supported($0) }

/// Variants other than scalar (compared against it). Logs once when one is missing on this CPU.
let fastVariants: [shop_kernel_variant] = {
    for v in [SHOP_KERNEL_AVX2, SHOP_KERNEL_AVX512_VNNI] where !shop_kernels_variant_supported(v) {
        print("note: \(String(cString: shop_kernels_variant_name(v))) not supported on this CPU; not tested here")
    }
    return Array(supportedVariants.dropFirst())
}()

func variantName(_ v: shop_kernel_variant) -> String { String(cString: shop_kernels_variant_name(v)) }

/// Weights packed for one variant, in a 64-byte aligned buffer (optionally at an 8-byte offset).
final class PackedWeights {
    let raw: UnsafeMutableRawPointer
    let pointer: UnsafeMutableRawPointer
    let size: Int

    init(variant: shop_kernel_variant, n: Int, k: Int, weights: [Int8], ldw: Int? = nil, offset: Int = 0,
         file: StaticString = #filePath, line: UInt = #line) {
        size = shop_packed_weights_size_for(variant, n, k)
        XCTAssertGreaterThan(size, 0, file: file, line: line)
        raw = UnsafeMutableRawPointer.allocate(byteCount: size + offset, alignment: 64)
        pointer = raw + offset
        let rc = weights.withUnsafeBufferPointer {
            shop_pack_weights_for(variant, n, k, $0.baseAddress, ldw ?? k, pointer, size)
        }
        XCTAssertEqual(rc, SHOP_OK, "pack \(variantName(variant)) n=\(n) k=\(k)", file: file, line: line)
    }

    deinit { raw.deallocate() }
}

/// Runs `body` with `variant` forced active, then restores the default.
func withVariant<T>(_ variant: shop_kernel_variant, _ body: () throws -> T) rethrows -> T {
    XCTAssertEqual(shop_kernels_force_variant(variant), SHOP_OK)
    defer { shop_kernels_reset_variant() }
    return try body()
}

/// Bit patterns, so that NaN == NaN and -0 != +0 in comparisons.
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
