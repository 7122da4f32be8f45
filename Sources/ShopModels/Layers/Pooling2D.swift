/// Spatial pooling over NHWC feature maps (no weights): max pooling with a window and stride, and
/// global average pooling. Stateless; safe from any thread.
public struct MaxPool2D: Sendable, Equatable {
    /// Window height and width.
    public let window: Int
    /// Step between windows (both axes).
    public let stride: Int

    /// A `window × window` max pool (stride defaults to the window: non-overlapping). No padding:
    /// windows that do not fit at the right/bottom edge are dropped (PyTorch's default, floor mode).
    /// - Throws: ``LayerError`` when the window or stride is below 1 (e.g. from a bad config.json).
    public init(window: Int, stride: Int? = nil) throws {
        guard window >= 1, (stride ?? window) >= 1 else {
            throw LayerError("MaxPool2D: window \(window) and stride \(stride ?? window) must be >= 1")
        }
        self.window = window
        self.stride = stride ?? window
    }

    /// Output height and width for `height × width` inputs (0 when the window does not fit).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let h = height >= window ? (height - window) / stride + 1 : 0
        let w = width >= window ? (width - window) / stride + 1 : 0
        return (h, w)
    }

    /// input `[batch, height, width, channels]` → output `[batch, outH, outW, channels]`.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels c: Int,
                        output: UnsafeMutablePointer<Float>) {
        let (oh, ow) = outputSize(height: height, width: width)
        for b in 0..<batch {
            let image = input + b * height * width * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let out = output + ((b * oh + oy) * ow + ox) * c
                    let first = image + (oy * stride * width + ox * stride) * c
                    out.update(from: first, count: c)
                    for ky in 0..<window {
                        for kx in 0..<window {
                            let p = image + ((oy * stride + ky) * width + ox * stride + kx) * c
                            for ch in 0..<c where p[ch] > out[ch] { out[ch] = p[ch] }
                        }
                    }
                }
            }
        }
    }
}

/// Global average pooling: `[batch, height, width, channels]` → `[batch, channels]`, the mean of
/// each channel over all positions (zeros for an empty map).
public func globalAveragePool(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels c: Int,
                              output: UnsafeMutablePointer<Float>) {
    let positions = height * width
    for b in 0..<batch {
        let out = output + b * c
        out.update(repeating: 0, count: c)
        let image = input + b * positions * c
        for p in 0..<positions {
            for ch in 0..<c { out[ch] += image[p * c + ch] }
        }
        if positions > 0 {
            let n = Float(positions)
            for ch in 0..<c { out[ch] /= n }
        }
    }
}
