/// The layout of one output row of ``ImageSearchModel``: the L2-normalised query embedding
/// (`dimension` floats), then ``ImageSearchModel/maxMatches`` ``SearchHit``s, best first (only the
/// request's `limit` are written; ``SearchHit/none`` pads when fewer items pass the filter).
public struct ImageSearchOutputRow {
    public let dimension: Int
    public let maxMatches: Int

    /// Byte offset of the hits (SearchHit-aligned).
    public var hitsOffset: Int {
        let stride = MemoryLayout<SearchHit>.alignment
        return (dimension * MemoryLayout<Float>.stride + stride - 1) / stride * stride
    }

    /// Bytes of one row.
    public var bytes: Int { hitsOffset + maxMatches * MemoryLayout<SearchHit>.stride }

    /// The embedding of the row at `row`.
    public func embedding(_ row: UnsafeRawPointer) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: row.assumingMemoryBound(to: Float.self), count: dimension)
    }

    /// The first `count` hits of the row at `row`.
    public func hits(_ row: UnsafeRawPointer, count: Int) -> UnsafeBufferPointer<SearchHit> {
        UnsafeBufferPointer(start: (row + hitsOffset).assumingMemoryBound(to: SearchHit.self), count: min(count, maxMatches))
    }
}
