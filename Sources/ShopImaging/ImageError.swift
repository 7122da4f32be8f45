/// Why an image was refused. Every case carries a message fit for a client (an INVALID_ARGUMENT
/// status): what is wrong, with the numbers involved.
public enum ImageError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No bytes at all.
    case empty(format: String)
    /// width or height is zero or negative.
    case invalidDimensions(width: Int, height: Int)
    /// width · height exceeds the configured limit (checked from the header, before decoding).
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// Channels other than 1 (gray) or 3 (RGB) for raw pixels.
    case unsupportedChannels(Int)
    /// Raw pixel bytes that do not match width · height · channels.
    case wrongLength(actual: Int, expected: Int)
    /// The decoder refused the data (truncated, corrupt, not this format); `reason` is the library's.
    case corrupt(format: String, reason: String)
    /// Valid data the decoder cannot convert (e.g. CMYK JPEG).
    case unsupported(format: String, reason: String)

    public var description: String {
        switch self {
        case let .empty(format):
            return "\(format) image is empty"
        case let .invalidDimensions(width, height):
            return "image dimensions \(width)x\(height) are invalid (both must be at least 1)"
        case let .tooManyPixels(width, height, limit):
            return "image is \(width)x\(height) = \(width * height) pixels, over the limit of \(limit)"
        case let .unsupportedChannels(channels):
            return "raw image channels must be 1 (gray) or 3 (RGB), got \(channels)"
        case let .wrongLength(actual, expected):
            return "raw image has \(actual) bytes, width·height·channels = \(expected)"
        case let .corrupt(format, reason):
            return "\(format) image is truncated or corrupt: \(reason)"
        case let .unsupported(format, reason):
            return "\(format) image is not supported: \(reason)"
        }
    }
}
