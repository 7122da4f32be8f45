import Foundation

/// A fixed orthogonal rotation R applied to the catalogue (at build time) and to every query (at
/// search time) before INT8 quantization. Inner products are unchanged (R is orthogonal) but the
/// energy of each vector is spread evenly over the dimensions, so the per-row INT8 scale (set by
/// the largest component) wastes fewer levels on vectors with a few dominant components (PCA or
/// embedding outputs): on Fashion-MNIST PCA-64 it lifts INT8 recall@10 from about 0.946 to 0.961.
struct Rotation: @unchecked Sendable {
    let dimension: Int
    /// R `[d, d]`, row-major as stored (`P.rotation`): a vector v is stored as R·v.
    let matrix: UnsafeBufferPointer<Float>
    /// Rᵀ, so R·x is computed as a sum of rows scaled by x's components (vectorizes).
    private let transposed: [Float]

    init(matrix: UnsafeBufferPointer<Float>, dimension d: Int) {
        dimension = d
        self.matrix = matrix
        var t = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { t[j * d + i] = matrix[i * d + j] } }
        transposed = t
    }

    /// `out[r] = R · x[r]` for `count` rows of `dimension` floats.
    func apply(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        let d = dimension
        transposed.withUnsafeBufferPointer { t in
            let rt = t.baseAddress!
            for r in 0..<count {
                let source = x + r * d, target = out + r * d
                var j0 = 0
                while j0 + 16 <= d {  // 16 outputs at a time: a sum of 16-wide slices of Rᵀ's rows
                    var acc = SIMD16<Float>()
                    for i in 0..<d {
                        acc += source[i] * UnsafeRawPointer(rt + i * d + j0).loadUnaligned(as: SIMD16<Float>.self)
                    }
                    UnsafeMutableRawPointer(target + j0).storeBytes(of: acc, as: SIMD16<Float>.self)
                    j0 += 16
                }
                for j in j0..<d {
                    var sum: Float = 0
                    for i in 0..<d { sum += source[i] * rt[i * d + j] }
                    target[j] = sum
                }
            }
        }
    }

    /// A seeded random orthogonal matrix: Gram-Schmidt (in Double) of gaussian rows.
    static func random(dimension d: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed ^ 0x524F_5441_5445)  // "ROTATE"
        var rows = [[Double]]()
        while rows.count < d {
            var v = (0..<d).map { _ -> Double in
                let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
                let u2 = Double.random(in: 0..<1, using: &generator)
                return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            }
            for _ in 0..<2 {  // twice is enough for orthogonality to rounding error
                for row in rows {
                    let dot = zip(v, row).reduce(0) { $0 + $1.0 * $1.1 }
                    for j in 0..<d { v[j] -= dot * row[j] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-6 { rows.append(v.map { $0 / norm }) }
        }
        return rows.flatMap { $0.map(Float.init) }
    }

    /// Largest |(R·Rᵀ − I)[i, j]|.
    static func orthogonalityError(_ m: UnsafeBufferPointer<Float>, dimension d: Int) -> Float {
        var worst: Float = 0
        for i in 0..<d {
            for j in i..<d {
                var dot: Float = 0
                for t in 0..<d { dot += m[i * d + t] * m[j * d + t] }
                worst = max(worst, abs(dot - (i == j ? 1 : 0)))
            }
        }
        return worst
    }
}
