/// How ``VectorIndex/init(vectors:count:dimension:ids:categories:ivf:)`` builds IVF lists.
public struct IVFBuildOptions: Sendable, Equatable {
    /// Number of lists (clamped to the number of vectors).
    public var lists: Int
    /// k-means iterations on the sample.
    public var iterations: Int
    /// Vectors sampled for training the centroids (default: 40 per list, at most all of them).
    /// The sample and the initial centroids come from the index's seed (same seed, same lists).
    public var sampleSize: Int?

    public init(lists: Int, iterations: Int = 8, sampleSize: Int? = nil) {
        self.lists = lists
        self.iterations = iterations
        self.sampleSize = sampleSize
    }
}

/// A small deterministic generator (SplitMix64) so index builds are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
