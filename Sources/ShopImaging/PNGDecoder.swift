import CPNG

/// Decodes PNG with libpng's simplified API (which reports errors by return value, never longjmp
/// through Swift frames). The pixel limit is checked from the IHDR header before any pixel memory
/// is allocated. Output is 8-bit gray or RGB: palettes become RGB, 16-bit samples become 8-bit
/// (libpng's conversion), and an alpha channel is composited over black, `v = (v·a + 127) / 255`.
public enum PNGDecoder {
    public static func decode(_ data: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> PixelImage {
        guard let base = data.baseAddress, data.count > 0 else { throw ImageError.empty(format: "PNG") }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, base, data.count) != 0 else {
            throw ImageError.corrupt(format: "PNG", reason: message(of: image))
        }
        let width = Int(image.width), height = Int(image.height)
        try limits.check(width: width, height: height)

        let color = image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = image.format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0
        image.format = (color ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? png_uint_32(PNG_FORMAT_FLAG_ALPHA) : 0)
        let decodedChannels = (color ? 3 : 1) + (alpha ? 1 : 0)
        var decoded = [UInt8](repeating: 0, count: width * height * decodedChannels)
        let ok = decoded.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, png_int_32(width * decodedChannels), nil)
        }
        guard ok != 0 else { throw ImageError.corrupt(format: "PNG", reason: message(of: image)) }
        let channels = color ? 3 : 1
        let pixels = alpha ? compositeOverBlack(decoded, channels: channels) : decoded
        return PixelImage(checkedWidth: width, height: height, channels: channels, pixels: pixels)
    }

    /// Drops the alpha channel (the last of `channels + 1` per pixel) by compositing over black.
    static func compositeOverBlack(_ withAlpha: [UInt8], channels: Int) -> [UInt8] {
        let stride = channels + 1
        let count = withAlpha.count / stride
        var out = [UInt8](repeating: 0, count: count * channels)
        for p in 0..<count {
            let a = Int(withAlpha[p * stride + channels])
            for c in 0..<channels {
                out[p * channels + c] = UInt8((Int(withAlpha[p * stride + c]) * a + 127) / 255)
            }
        }
        return out
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "libpng refused the data" : text
    }
}
