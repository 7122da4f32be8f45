import ShopKernels

/// The activation a layer applies after `x·Wᵀ + b`, fused into the kernel's epilogue.
///
/// The raw values are the names `tools/quantize --mlp` and config.json use.
public enum Activation: String, Sendable, Codable, CaseIterable {
    /// The identity.
    case none
    /// `max(y, 0)`.
    case relu
    /// `1 / (1 + exp(-y))` with the kernels' `shop_expf`.
    case sigmoid
    /// `tanh(y)` with the kernels' `shop_tanhf`.
    case tanh

    /// The kernel epilogue's code.
    var kernelCode: shop_activation {
        switch self {
        case .none: return SHOP_ACT_NONE
        case .relu: return SHOP_ACT_RELU
        case .sigmoid: return SHOP_ACT_SIGMOID
        case .tanh: return SHOP_ACT_TANH
        }
    }

    /// The activation of one value, computed exactly as the kernels' scalar epilogue does (so the
    /// FP32 path and the INT8 path agree bit for bit on the same pre-activation value).
    @inline(__always)
    public func apply(_ y: Float) -> Float {
        switch self {
        case .none: return y
        case .relu: return y > 0 ? y : 0
        case .sigmoid: return 1 / (1 + shop_expf(-y))
        case .tanh: return shop_tanhf(y)
        }
    }
}
