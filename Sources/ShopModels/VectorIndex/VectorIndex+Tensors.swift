import ShopScheduler

extension VectorIndex {
    /// Adds this index's tensors under `prefix` to `writer`, in the layout
    /// ``init(tensors:prefix:)`` reads (docs/model-format.md, "Vector index").
    /// Ids are written only if the index has ids, categories only if it has categories.
    public func addTensors(to writer: inout SafetensorsWriter, prefix: String) {
        writer.add(prefix + ".vectors", Array(vectors), shape: [count, dimension])
        writer.add(prefix + ".vectors.scale", Array(scales), shape: [count])
        if let ids { writer.add(prefix + ".ids", Array(ids), shape: [count]) }
        if let categories { writer.add(prefix + ".categories", Array(categories), shape: [count]) }
        if let fine {
            writer.add(prefix + ".fine_vectors", Array(fine.rows), shape: [count, dimension])
            writer.add(prefix + ".fine_vectors.scale", Array(fine.scales), shape: [count])
        }
        if let rotation { writer.add(prefix + ".rotation", Array(rotation.matrix), shape: [dimension, dimension]) }
        guard let ivf else { return }
        writer.add(prefix + ".ivf.centroids", Array(ivf.centroids), shape: [ivf.listCount, dimension])
        writer.add(prefix + ".ivf.list_offsets", ivf.listOffsets.map { Int64($0) }, shape: [ivf.listCount + 1])
        writer.add(prefix + ".ivf.rows", Array(ivf.rows), shape: [count])
        writer.add(prefix + ".ivf.vectors", Array(ivf.vectors), shape: [count, dimension])
        writer.add(prefix + ".ivf.vectors.scale", Array(ivf.scales), shape: [count])
    }

    /// Convenience for tests and tools: searches `queries` (row-major, `count × dimension`) with a
    /// private workspace and returns one array of hits per query (allocates; servers use
    /// ``search(queries:count:k:mode:filter:results:scratch:scratchRegion:)``).
    public func search(_ queries: [Float], k: Int, mode: SearchMode = .exact, filter: SearchFilter? = nil) throws
        -> [[SearchHit]] {
        guard queries.count % dimension == 0 else {
            throw VectorIndexError.invalidArgument("\(queries.count) floats are not whole queries of dimension \(dimension)")
        }
        let queryCount = queries.count / dimension
        let (slots, overflow) = queryCount.multipliedReportingOverflow(by: k)
        guard k >= 0, !overflow, slots <= 1 << 26 else {
            throw VectorIndexError.invalidArgument("k must be >= 0 and queries × k at most 2^26, got k = \(k)")
        }
        var hits = [SearchHit](repeating: .none, count: queryCount * k)
        try queries.withUnsafeBufferPointer { q in
            try hits.withUnsafeMutableBufferPointer { out in
                guard let base = q.baseAddress, let results = out.baseAddress else { return }
                try search(queries: base, count: queryCount, k: k, mode: mode, filter: filter, results: results,
                           scratch: WorkerWorkspace())
            }
        }
        return (0..<queryCount).map { Array(hits[($0 * k)..<(($0 + 1) * k)]) }
    }
}
