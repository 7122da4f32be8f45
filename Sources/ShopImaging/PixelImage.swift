/// An 8-bit image in memory: row-major, channels interleaved (1 = gray, 3 = RGB), no row padding.
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `width · height · channels` bytes.
    public let pixels: [UInt8]

    /// Wraps pixels, checking dimensions, channels, the pixel limit and the byte count.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8],
                limits: ImageLimits = .default) throws {
        try Self.validate(width: width, height: height, channels: channels, byteCount: pixels.count, limits: limits)
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Copies raw pixels from a buffer (e.g. a request's bytes field) after the same checks.
    public init(width: Int, height: Int, channels: Int, bytes: UnsafeRawBufferPointer,
                limits: ImageLimits = .default) throws {
        try Self.validate(width: width, height: height, channels: channels, byteCount: bytes.count, limits: limits)
        self.init(checkedWidth: width, height: height, channels: channels, pixels: Array(bytes))
    }

    /// The raw-pixel rules: dimensions within `limits`, 1 or 3 channels, exactly w·h·c bytes.
    public static func validate(width: Int, height: Int, channels: Int, byteCount: Int,
                                limits: ImageLimits = .default) throws {
        try limits.check(width: width, height: height)
        guard channels == 1 || channels == 3 else { throw ImageError.unsupportedChannels(channels) }
        let expected = width * height * channels
        guard byteCount == expected else { throw ImageError.wrongLength(actual: byteCount, expected: expected) }
    }

    /// For decoders: pixels already produced for checked dimensions.
    init(checkedWidth width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// Limits applied to every image before its pixels are allocated.
public struct ImageLimits: Sendable, Equatable {
    /// Most pixels (width · height) an image may have; decoders check it from the header.
    public var maxPixels: Int

    public init(maxPixels: Int) {
        self.maxPixels = maxPixels
    }

    /// 16 Mpixel (image_search_service.proto).
    public static let `default` = ImageLimits(maxPixels: 16 * 1024 * 1024)

    /// Throws for non-positive dimensions or more than `maxPixels` pixels (overflow-safe).
    public func check(width: Int, height: Int) throws {
        guard width >= 1, height >= 1 else { throw ImageError.invalidDimensions(width: width, height: height) }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw ImageError.tooManyPixels(width: width, height: height, limit: maxPixels)
        }
    }
}
