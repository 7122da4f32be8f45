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
