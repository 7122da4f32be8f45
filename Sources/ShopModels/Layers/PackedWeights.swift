import ShopKernels

/// An INT8 weight matrix `[n, k]` packed once for the active kernel variant (`shop_pack_weights`),
/// owned and immutable afterwards: any number of threads may run GEMMs on it at once.
final class PackedWeights: @unchecked Sendable {
    /// Output channels (rows of the weight).
    let n: Int
    /// Reduction length (columns of the weight).
    let k: Int
    /// The packed buffer (64-byte aligned).
    let pointer: UnsafeMutableRawPointer

    /// Packs `weights` (row-major `[n, k]`, row stride `k`). `what` names the tensor in errors.
    init(_ weights: UnsafeBufferPointer<Int8>, n: Int, k: Int, what: String) throws {
        guard n >= 0, k >= 0, weights.count == n * k else {
            throw LayerError("\(what): \(weights.count) weights do not form a [\(n), \(k)] matrix")
        }
        guard k <= Int(SHOP_MAX_K) else {
            throw LayerError("\(what): \(k) input features exceed the kernels' limit of \(SHOP_MAX_K)")
        }
        let size = shop_packed_weights_size(n, k)
        guard size > 0 else { throw LayerError("\(what): a [\(n), \(k)] weight cannot be packed") }
        pointer = .allocate(byteCount: size, alignment: 64)
        let rc = shop_pack_weights(n, k, weights.baseAddress, k, pointer, size)
        guard rc == SHOP_OK else {
            pointer.deallocate()
            throw LayerError("\(what): packing failed: \(String(cString: shop_kernels_strerror(rc)))")
        }
        self.n = n
        self.k = k
    }

    deinit { pointer.deallocate() }
}
