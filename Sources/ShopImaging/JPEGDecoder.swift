import CTurboJPEG

/// Decodes JPEG with libjpeg-turbo (TurboJPEG API). The pixel limit is checked from the header
/// before the pixel buffer is allocated. Warnings (e.g. premature end of data: a truncated file)
/// are errors, and progressive scans are limited (TJFLAG_LIMITSCANS) against scan bombs.
/// Gray JPEGs decode to 1 channel, colour ones to RGB.
public enum JPEGDecoder {
    public static func decode(_ data: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> PixelImage {
        guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count > 0 else {
            throw ImageError.empty(format: "JPEG")
        }
        guard let handle = tjInitDecompress() else {
            throw ImageError.unsupported(format: "JPEG", reason: "cannot create a TurboJPEG decompressor")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(data.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImageError.corrupt(format: "JPEG", reason: errorText(handle))
        }
        guard width > 0, height > 0 else {
            throw ImageError.corrupt(format: "JPEG", reason: "no frame header with the image size (truncated?)")
        }
        try limits.check(width: Int(width), height: Int(height))
        let gray = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = gray ? 1 : 3
        let format = gray ? TJPF_GRAY : TJPF_RGB
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let flags = Int32(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
        let status = pixels.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, base, UInt(data.count), out.baseAddress, width, 0, height, Int32(format.rawValue), flags)
        }
        guard status == 0 else {
            let reason = errorText(handle)
            if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
                throw ImageError.unsupported(format: "JPEG", reason: "CMYK/YCCK colour (\(reason))")
            }
            throw ImageError.corrupt(format: "JPEG", reason: reason)
        }
        return PixelImage(checkedWidth: Int(width), height: Int(height), channels: channels, pixels: pixels)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "libjpeg-turbo refused the data" }
        return String(cString: text)
    }
}
