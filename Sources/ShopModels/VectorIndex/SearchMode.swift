/// How a ``VectorIndex`` search visits the catalogue.
public enum SearchMode: Sendable, Equatable {
    /// Every vector is scored: the queries of a batch run as one blocked INT8 GEMM against the table.
    case exact
    /// Only the vectors of the `nprobe` inverted lists whose centroids are most similar to the query
    /// are scored. Needs an index with IVF lists; `nprobe` is clamped to the number of lists, so
    /// `nprobe >= lists` gives the same answers as `.exact`.
    case ivf(nprobe: Int)
}
