import Foundation
@testable import ShopModels

/// Deterministic vectors for the vector index tests, and the FP32 brute-force reference.
enum VectorIndexTestData {
    /// `count × dimension` standard normal floats (Box-Muller over SplitMix64).
    static func gaussian(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var generator = ShopModels.SplitMix64(seed: seed)
        return (0..<(count * dimension)).map { _ in
            let u1 = Float.random(in: Float.ulpOfOne..<1, using: &generator)
            let u2 = Float.random(in: 0..<1, using: &generator)
            return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
        }
    }

    /// Points around `clusters` random centres: centre + `noise` × gaussian, unit length.
    static func clustered(count: Int, dimension: Int, clusters: Int, noise: Float, seed: UInt64) -> [Float] {
        let centres = VectorMath.normalizedRows(gaussian(count: clusters, dimension: dimension, seed: seed ^ 1),
                                                dimension: dimension)
        let jitter = gaussian(count: count, dimension: dimension, seed: seed ^ 2)
        let perDimension = noise / Float(dimension).squareRoot()
        var points = [Float](repeating: 0, count: count * dimension)
        for i in 0..<count {
            let c = (i * 7919) % clusters
            for j in 0..<dimension {
                points[i * dimension + j] = centres[c * dimension + j] + perDimension * jitter[i * dimension + j]
            }
        }
        return VectorMath.normalizedRows(points, dimension: dimension)
    }

    /// Exact FP32 cosine top-k rows of each query (ties: smaller row first), optionally restricted.
    static func bruteForce(_ vectors: [Float], _ queries: [Float], dimension d: Int, k: Int,
                           admit: (Int) -> Bool = { _ in true }) -> [[Int]] {
        let base = VectorMath.normalizedRows(vectors, dimension: d)
        let q = VectorMath.normalizedRows(queries, dimension: d)
        let n = base.count / d
        return base.withUnsafeBufferPointer { b in
            q.withUnsafeBufferPointer { q in
                (0..<(q.count / d)).map { i -> [Int] in
                    var scored: [(Float, Int)] = []
                    scored.reserveCapacity(n)
                    for r in 0..<n where admit(r) {
                        var s: Float = 0
                        for j in 0..<d { s += q[i * d + j] * b[r * d + j] }
                        scored.append((s, r))
                    }
                    scored.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    return scored.prefix(k).map(\.1)
                }
            }
        }
    }

    /// Fraction of the reference rows found (over all queries).
    static func recall(_ hits: [[SearchHit]], _ reference: [[Int]]) -> Double {
        var found = 0, total = 0
        for (hitsOfQuery, truth) in zip(hits, reference) {
            let rows = Set(hitsOfQuery.filter(\.isHit).map { Int($0.row) })
            found += truth.filter(rows.contains).count
            total += truth.count
        }
        return Double(found) / Double(max(1, total))
    }
}
