import ShopKernels

/// A 2-D convolution over a batch of NHWC images with INT8 weights (`shop_conv2d_nhwc_f32`):
/// each image is quantized with one scale, patches are gathered (im2col) into GEMM rows, and the
/// INT8 GEMM with the fused dequantize + bias + activation epilogue computes all output positions.
///
/// Reads, for `prefix` `P`: `P.weight` I8 `[outC, kernelH, kernelW, inC]` (OHWI — transpose
/// PyTorch's OIHW before export) with F32 `P.weight.scale` `[outC]`, and optional F32 `P.bias`
/// `[outC]`. Stride and zero padding are the same along both axes.
///
/// Immutable after init; `forward` is safe from several threads at once.
public final class Conv2D: @unchecked Sendable {
    /// The tensor prefix (or a caller-given name), used in messages.
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    /// Step between output positions (both axes, ≥ 1).
    public let stride: Int
    /// Zero padding on each side (both axes).
    public let padding: Int
    public let activation: Activation

    private let packed: PackedWeights
    private let scales: [Float]
    private let bias: [Float]?

    /// Loads `prefix.weight` (+ `.scale`) and the optional `prefix.bias` from a model file.
    /// - Throws: ``ModelLoadError`` naming the file and tensor for a missing tensor, a wrong dtype or
    ///   shape, or a non-finite scale or bias; ``LayerError`` for a bad stride or padding.
    public convenience init(tensors: SafetensorsFile, prefix: String, stride: Int = 1, padding: Int = 0,
                activation: Activation) throws {
        let weightName = prefix + ".weight"
        let (values, scales) = try tensors.int8Rows(weightName, rank: 4)
        let shape = values.shape
        let bias = try tensors.optionalFiniteFloats(prefix + ".bias", shape: [shape[0]])
        let packed = try values.withBuffer {
            try PackedWeights($0, n: shape[0], k: shape[1] * shape[2] * shape[3], what: "\(tensors.path): \(weightName)")
        }
        try self.init(name: prefix, packed: packed, scales: scales, bias: bias, kernelHeight: shape[1],
                      kernelWidth: shape[2], inChannels: shape[3], stride: stride, padding: padding, activation: activation)
    }

    /// A convolution from arrays: `int8Weights` `[outChannels, kernelHeight, kernelWidth, inChannels]`.
    public convenience init(name: String = "conv", int8Weights: [Int8], scales: [Float], bias: [Float]?,
                            outChannels: Int, kernelHeight: Int, kernelWidth: Int, inChannels: Int,
                            stride: Int = 1, padding: Int = 0, activation: Activation) throws {
        guard outChannels >= 0, kernelHeight >= 0, kernelWidth >= 0, inChannels >= 0 else {
            throw LayerError("\(name): negative shape")
        }
        try validateScalesAndBias(scales, bias, count: outChannels, name: name)
        let packed = try int8Weights.withUnsafeBufferPointer {
            try PackedWeights($0, n: outChannels, k: kernelHeight * kernelWidth * inChannels, what: "\(name).weight")
        }
        try self.init(name: name, packed: packed, scales: scales, bias: bias, kernelHeight: kernelHeight,
                      kernelWidth: kernelWidth, inChannels: inChannels, stride: stride, padding: padding,
                      activation: activation)
    }

    private init(name: String, packed: PackedWeights, scales: [Float], bias: [Float]?, kernelHeight: Int,
                 kernelWidth: Int, inChannels: Int, stride: Int, padding: Int, activation: Activation) throws {
        guard kernelHeight > 0, kernelWidth > 0, inChannels > 0 else {
            throw LayerError("\(name): kernel \(kernelHeight)x\(kernelWidth)x\(inChannels) has an empty dimension")
        }
        guard stride >= 1, padding >= 0 else { throw LayerError("\(name): stride \(stride) / padding \(padding) invalid") }
        self.name = name
        self.packed = packed
        self.scales = scales
        self.bias = bias
        outChannels = packed.n
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.inChannels = inChannels
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    private func shape(batch: Int, height: Int, width: Int) -> shop_conv2d_shape {
        shop_conv2d_shape(batch: batch, in_h: height, in_w: width, in_c: inChannels, out_c: outChannels,
                          kernel_h: kernelHeight, kernel_w: kernelWidth, stride_h: stride, stride_w: stride,
                          pad_h: padding, pad_w: padding)
    }

    /// Output height and width for `height × width` inputs, or nil when the kernel does not fit.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        guard height >= 0, width >= 0 else { return nil }
        var s = shape(batch: 1, height: height, width: width)
        let (h, w) = (shop_conv2d_out_h(&s), shop_conv2d_out_w(&s))
        return h > 0 && w > 0 ? (h, w) : nil
    }

    /// Scratch bytes `forward` needs for `batch` images of `height × width` (0 if they do not fit).
    public func scratchBytes(batch: Int, height: Int, width: Int) -> Int {
        guard batch >= 0, height >= 0, width >= 0 else { return 0 }
        var s = shape(batch: batch, height: height, width: width)
        return LayerScratch.size(bytes: shop_conv2d_workspace_size(&s))
    }

    /// Convolves `batch` images: input `[batch, height, width, inChannels]`, output
    /// `[batch, outH, outW, outChannels]` (see ``outputSize(height:width:)``), both NHWC and dense.
    /// - Throws: ``LayerError`` when the kernel does not fit the image or the sizes overflow.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                        output: UnsafeMutablePointer<Float>, scratch: inout LayerScratch) throws {
        guard batch >= 0, outputSize(height: height, width: width) != nil else {
            throw LayerError("\(name): a \(kernelHeight)x\(kernelWidth) kernel (stride \(stride), padding \(padding)) does not fit a \(height)x\(width) image")
        }
        var s = shape(batch: batch, height: height, width: width)
        let bytes = shop_conv2d_workspace_size(&s)
        guard bytes > 0 else { throw LayerError("\(name): \(batch) images of \(height)x\(width)x\(inChannels) are too large") }
        guard batch > 0 else { return }
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        let workspace = scratch.bytes(bytes)
        let rc = withOptionalPointer(bias) { b in
            shop_conv2d_nhwc_f32(&s, input, packed.pointer, scales, b, activation.kernelCode, workspace, bytes, output)
        }
        guard rc == SHOP_OK else { throw LayerError("\(name): convolution failed: \(String(cString: shop_kernels_strerror(rc)))") }
    }
}
