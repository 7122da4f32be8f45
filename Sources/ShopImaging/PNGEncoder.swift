import CPNG

/// Encodes 8-bit gray or RGB pixels as PNG with libpng's simplified write API (for clients,
/// tools and tests that need real PNG files).
public enum PNGEncoder {
    public static func encode(_ image: PixelImage) throws -> [UInt8] {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = image.channels == 3 ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0
        defer { png_image_free(&png) }
        let stride = png_int_32(image.width * image.channels)
        var size: png_alloc_size_t = 0
        let sized = image.pixels.withUnsafeBytes { p in
            png_image_write_to_memory(&png, nil, &size, 0, p.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw ImageError.unsupported(format: "PNG", reason: "libpng cannot encode the image") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { o in
            image.pixels.withUnsafeBytes { p in
                png_image_write_to_memory(&png, o.baseAddress, &size, 0, p.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw ImageError.unsupported(format: "PNG", reason: "libpng cannot encode the image") }
        return Array(out.prefix(Int(size)))
    }
}
