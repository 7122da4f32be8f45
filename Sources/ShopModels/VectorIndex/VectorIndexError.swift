import ShopKernels

/// Why a ``VectorIndex`` could not be built or could not run a search.
///
/// Loading from a model file throws ``ModelLoadError`` instead (naming the file and the tensor).
public enum VectorIndexError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A constructor argument is inconsistent (sizes, counts, non-finite values).
    case invalidArgument(String)
    /// `.ivf` search on an index that has no IVF lists.
    case noIVFLists
    /// A query contains NaN or infinity.
    case nonFiniteQuery(index: Int)
    /// A kernel call failed (a SHOP_E* code): a bug, never expected with validated inputs.
    case kernel(String)

    public var description: String {
        switch self {
        case .invalidArgument(let reason): return "invalid vector index argument: \(reason)"
        case .noIVFLists: return "IVF search requested but the index has no IVF lists (use .exact)"
        case .nonFiniteQuery(let index): return "query \(index) contains NaN or infinity"
        case .kernel(let reason): return "vector index kernel call failed: \(reason)"
        }
    }
}

extension VectorIndexError {
    /// The error for kernel `function` returning SHOP_E* `code`.
    static func kernelFailure(_ function: String, _ code: Int32) -> VectorIndexError {
        .kernel("\(function): \(String(cString: shop_kernels_strerror(code)))")
    }
}
