/// A histogram with fixed, ascending bucket upper bounds (Prometheus style: a value goes in
/// the first bucket whose bound is ≥ it; values above the last bound go in an overflow
/// bucket). Recording never allocates.
public struct FixedBucketHistogram: Sendable, Equatable {
    /// Inclusive upper bounds of the buckets, ascending.
    public let upperBounds: [UInt64]
    /// Counts per bucket; one more than `upperBounds` (the last is the overflow bucket).
    public private(set) var counts: [UInt64]
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// Sum of recorded values (wrapping).
    public private(set) var sum: UInt64 = 0
    /// Largest recorded value.
    public private(set) var max: UInt64 = 0

    public init(upperBounds: [UInt64]) {
        self.upperBounds = upperBounds
        counts = Array(repeating: 0, count: upperBounds.count + 1)
    }

    /// Bounds `first, first·2, first·4, …` (`buckets` of them).
    public static func exponential(first: UInt64, buckets: Int) -> FixedBucketHistogram {
        var bounds: [UInt64] = []
        var bound = Swift.max(first, 1)
        for _ in 0..<buckets {
            bounds.append(bound)
            bound = bound.multipliedReportingOverflow(by: 2).overflow ? .max : bound * 2
        }
        return FixedBucketHistogram(upperBounds: bounds)
    }

    /// Adds one value.
    public mutating func record(_ value: UInt64) {
        // Binary search for the first bound >= value.
        var low = 0
        var high = upperBounds.count
        while low < high {
            let mid = (low + high) / 2
            if upperBounds[mid] < value { low = mid + 1 } else { high = mid }
        }
        counts[low] += 1
        count += 1
        sum = sum &+ value
        if value > max { max = value }
    }

    /// Adds every value `other` recorded (same bucket bounds).
    public mutating func merge(_ other: FixedBucketHistogram) {
        precondition(other.upperBounds == upperBounds, "merging histograms with different buckets")
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        sum = sum &+ other.sum
        max = Swift.max(max, other.max)
    }

    /// The upper bound of the bucket holding the `quantile` (0...1) value; `max` for the
    /// overflow bucket; 0 when empty.
    public func quantileUpperBound(_ quantile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = UInt64((Double(count) * Swift.min(Swift.max(quantile, 0), 1)).rounded(.up))
        var seen: UInt64 = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += bucketCount
            if seen >= Swift.max(rank, 1) {
                return index < upperBounds.count ? Swift.min(upperBounds[index], max) : max
            }
        }
        return max
    }

    /// Mean of recorded values; 0 when empty.
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
