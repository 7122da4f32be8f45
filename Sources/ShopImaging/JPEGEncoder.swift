import CTurboJPEG

/// Encodes 8-bit gray or RGB pixels as JPEG with libjpeg-turbo (for clients, tools and tests).
public enum JPEGEncoder {
    /// `quality` 1...100; colour images use 4:2:0 chroma subsampling, gray ones are single-channel.
    public static func encode(_ image: PixelImage, quality: Int = 90) throws -> [UInt8] {
        guard let handle = tjInitCompress() else {
            throw ImageError.unsupported(format: "JPEG", reason: "cannot create a TurboJPEG compressor")
        }
        defer { tjDestroy(handle) }
        let gray = image.channels == 1
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let status = image.pixels.withUnsafeBufferPointer { p in
            tjCompress2(handle, p.baseAddress, Int32(image.width), 0, Int32(image.height),
                        Int32((gray ? TJPF_GRAY : TJPF_RGB).rawValue), &jpeg, &size,
                        Int32((gray ? TJSAMP_GRAY : TJSAMP_420).rawValue), Int32(max(1, min(100, quality))), 0)
        }
        guard status == 0, let jpeg else {
            throw ImageError.unsupported(format: "JPEG", reason: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
