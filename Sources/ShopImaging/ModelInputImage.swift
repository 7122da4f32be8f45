/// Turns any image into the ImageSearch model's input: 28×28 gray floats in [0, 1], the way the
/// training data looks (Fashion-MNIST: a light object centred on a dark square). The one
/// definition lives in tools/train/image_search/preprocess.py; this is the same, step for step,
/// and a parity test compares both on fixed inputs:
///
/// 1. gray: ITU-R BT.601 luma in integers, `Y = (299·R + 587·G + 114·B + 500) / 1000`;
/// 2. polarity: when the mean of the outermost ring of pixels is ≥ 128 (a light background, as in
///    most photos) every pixel is inverted, `v = 255 − v`;
/// 3. letterbox: the image is centred on a dark square of side max(w, h) at offset
///    ((side − w) / 2, (side − h) / 2), keeping its aspect ratio;
/// 4. resize: area averaging to 28×28 (each output pixel is the coverage-weighted mean of the
///    source square it covers; separable);
/// 5. scale: `v / 255`.
public enum ModelInputImage {
    /// Side of the model input.
    public static let size = 28
    /// Floats per model input row (28 · 28).
    public static let count = size * size

    /// The model input of `image` as 784 floats.
    public static func floats(_ image: PixelImage) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            write(image, to: buffer)
            initialized = count
        }
    }

    /// Writes the model input of `image` into `output` (at least 784 floats).
    public static func write(_ image: PixelImage, to output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= count, "model input needs \(count) floats")
        var gray = luma(image)
        if hasLightBackground(gray, width: image.width, height: image.height) {
            for i in gray.indices { gray[i] = 255 - gray[i] }
        }
        let side = max(image.width, image.height)
        let columns = AreaWeights(length: image.width, offset: (side - image.width) / 2, side: side, size: size)
        let rows = AreaWeights(length: image.height, offset: (side - image.height) / 2, side: side, size: size)

        // Horizontal pass: every source row → `size` column averages.
        var horizontal = [Double](repeating: 0, count: image.height * size)
        gray.withUnsafeBufferPointer { g in
            for y in 0..<image.height {
                let row = y * image.width
                for o in 0..<size {
                    var sum = 0.0
                    for tap in columns.taps[o] { sum += tap.weight * Double(g[row + tap.index]) }
                    horizontal[y * size + o] = sum
                }
            }
        }
        // Vertical pass: `size` rows of column averages → the output, scaled to [0, 1].
        for o in 0..<size {
            for x in 0..<size {
                var sum = 0.0
                for tap in rows.taps[o] { sum += tap.weight * horizontal[tap.index * size + x] }
                output[o * size + x] = Float(sum / 255.0)
            }
        }
    }

    /// BT.601 integer luma (a gray image is returned as is).
    static func luma(_ image: PixelImage) -> [UInt8] {
        guard image.channels == 3 else { return image.pixels }
        let n = image.width * image.height
        return image.pixels.withUnsafeBufferPointer { p in
            [UInt8](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let y = (299 * Int(p[3 * i]) + 587 * Int(p[3 * i + 1]) + 114 * Int(p[3 * i + 2]) + 500) / 1000
                    out[i] = UInt8(y)
                }
                initialized = n
            }
        }
    }

    /// Mean of the outermost ring of pixels ≥ 128 (all pixels when the image is 2 or less wide or high).
    static func hasLightBackground(_ gray: [UInt8], width: Int, height: Int) -> Bool {
        var sum = 0, count = 0
        if width <= 2 || height <= 2 {
            for v in gray { sum += Int(v) }
            count = gray.count
        } else {
            for x in 0..<width {
                sum += Int(gray[x]) + Int(gray[(height - 1) * width + x])
            }
            for y in 1..<(height - 1) {
                sum += Int(gray[y * width]) + Int(gray[y * width + width - 1])
            }
            count = 2 * width + 2 * (height - 2)
        }
        return 2 * sum >= 255 * count
    }
}

/// The taps of a 1-D area-averaging resize of one letterboxed axis: output cell `o` averages the
/// letterboxed cells `[o·side/size, (o+1)·side/size)` with fractional coverage at its edges;
/// source cell `k` sits at letterboxed position `offset + k` (the padding is 0 and contributes nothing).
struct AreaWeights {
    struct Tap {
        let index: Int
        let weight: Double
    }
    let taps: [[Tap]]

    init(length: Int, offset: Int, side: Int, size: Int) {
        var taps: [[Tap]] = []
        taps.reserveCapacity(size)
        for o in 0..<size {
            let start = Double(o * side) / Double(size)
            let end = Double((o + 1) * side) / Double(size)
            var cell: [Tap] = []
            var p = Int(start.rounded(.down))
            let last = Int(end.rounded(.up))
            while p < last {
                let k = p - offset
                if k >= 0, k < length {
                    let coverage = min(end, Double(p + 1)) - max(start, Double(p))
                    if coverage > 0 { cell.append(Tap(index: k, weight: coverage / (end - start))) }
                }
                p += 1
            }
            taps.append(cell)
        }
        self.taps = taps
    }
}
