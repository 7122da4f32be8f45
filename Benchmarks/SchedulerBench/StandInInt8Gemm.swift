// STAND-IN: a plain-Swift int8 GEMM used only until ShopKernels ships its GEMM.
// It is correct but not the project's kernel (no VNNI/AVX2 dispatch): numbers measured
// with it say nothing about the INT8 kernels, only about batching relative to batch size 1.

/// C[m][n] = Σ_k A[m][k] · B[n][k] (int8 × int8 → int32); A is M×K row-major activations,
/// B is N×K row-major weights (one row per output channel).
func standInGemmS8(m: Int, n: Int, k: Int,
                   a: UnsafePointer<Int8>, b: UnsafePointer<Int8>, c: UnsafeMutablePointer<Int32>) {
    let vectorK = k & ~15
    for row in 0..<m {
        let activations = a + row * k
        var column = 0
        while column + 4 <= n {  // four output channels share each activation load
            var sums = (SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>(), SIMD16<Int32>())
            var index = 0
            while index < vectorK {
                let x = widen(activations + index)
                sums.0 &+= SIMD16<Int32>(truncatingIfNeeded: x &* widen(b + column * k + index))
                sums.1 &+= SIMD16<Int32>(truncatingIfNeeded: x &* widen(b + (column + 1) * k + index))
                sums.2 &+= SIMD16<Int32>(truncatingIfNeeded: x &* widen(b + (column + 2) * k + index))
                sums.3 &+= SIMD16<Int32>(truncatingIfNeeded: x &* widen(b + (column + 3) * k + index))
                index += 16
            }
            c[row * n + column] = sums.0.wrappedSum() &+ scalarTail(activations, b + column * k, from: vectorK, to: k)
            c[row * n + column + 1] = sums.1.wrappedSum() &+ scalarTail(activations, b + (column + 1) * k, from: vectorK, to: k)
            c[row * n + column + 2] = sums.2.wrappedSum() &+ scalarTail(activations, b + (column + 2) * k, from: vectorK, to: k)
            c[row * n + column + 3] = sums.3.wrappedSum() &+ scalarTail(activations, b + (column + 3) * k, from: vectorK, to: k)
            column += 4
        }
        while column < n {
            c[row * n + column] = scalarTail(activations, b + column * k, from: 0, to: k)
            column += 1
        }
    }
}

/// 16 int8 values sign-extended to int16 (products of two fit: |x·y| ≤ 127·128).
@inline(__always)
private func widen(_ pointer: UnsafePointer<Int8>) -> SIMD16<Int16> {
    SIMD16<Int16>(truncatingIfNeeded: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Int8>.self))
}

@inline(__always)
private func scalarTail(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, from start: Int, to end: Int) -> Int32 {
    var sum: Int32 = 0
    for index in start..<end { sum &+= Int32(a[index]) &* Int32(b[index]) }
    return sum
}
