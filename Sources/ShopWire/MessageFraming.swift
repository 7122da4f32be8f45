/// gRPC's length-prefixed message framing: a 1-byte compressed flag, a 4-byte big-endian
/// length, then the message bytes.
public enum GRPCFrame {
    /// Size of the prefix before every message.
    public static let headerSize = 5

    /// A gzip member costs at least 20 bytes (10-byte header, 8-byte trailer, an empty deflate
    /// block), so a shorter message can never shrink: it is sent uncompressed without trying.
    static let smallestCompressibleMessage = 21

    /// Appends one framed message to `output`. With a compressor, the message is gzip'd and the
    /// compressed flag set, unless compression would not make it smaller (the flag is per
    /// message, so sending that one uncompressed is always allowed).
    public static func append(_ message: UnsafeRawBufferPointer, to output: inout [UInt8],
                              compressor: GzipCompressor? = nil) throws {
        let start = output.count
        if let compressor, message.count >= smallestCompressibleMessage {
            output.append(contentsOf: [1, 0, 0, 0, 0])
            try compressor.compress(message, appendingTo: &output)
            let compressedLength = output.count - start - headerSize
            if compressedLength < message.count {
                writeLength(compressedLength, into: &output, at: start)
                return
            }
            output.removeLast(output.count - start)
        }
        output.reserveCapacity(start + headerSize + message.count)
        output.append(0)
        output.append(contentsOf: [0, 0, 0, 0])
        writeLength(message.count, into: &output, at: start)
        output.append(contentsOf: message)
    }

    /// One framed message as a new array.
    public static func framed(_ message: [UInt8], compressor: GzipCompressor? = nil) throws -> [UInt8] {
        var output: [UInt8] = []
        try message.withUnsafeBytes { try append($0, to: &output, compressor: compressor) }
        return output
    }

    private static func writeLength(_ length: Int, into output: inout [UInt8], at start: Int) {
        let value = UInt32(truncatingIfNeeded: length)
        output[start + 1] = UInt8(truncatingIfNeeded: value >> 24)
        output[start + 2] = UInt8(truncatingIfNeeded: value >> 16)
        output[start + 3] = UInt8(truncatingIfNeeded: value >> 8)
        output[start + 4] = UInt8(truncatingIfNeeded: value)
    }
}

/// Reassembles length-prefixed gRPC messages from bytes that arrive in arbitrary chunks
/// (a message split across DATA frames, several messages in one frame).
///
/// Enforces `maxMessageSize` on the declared length before buffering anything, and again on
/// the decompressed size (RESOURCE_EXHAUSTED). Decompresses flagged messages with the peer's
/// `grpc-encoding`. Whole messages that sit inside one chunk are delivered without copying.
public struct GRPCMessageReader {
    /// Largest message accepted, compressed or not.
    public let maxMessageSize: Int
    /// The algorithm of flagged messages (the request's `grpc-encoding`).
    public let encoding: MessageEncoding
    private var pending: [UInt8] = []
    private var decompressor: GzipDecompressor?

    public init(maxMessageSize: Int, encoding: MessageEncoding = .identity) {
        self.maxMessageSize = maxMessageSize
        self.encoding = encoding
    }

    /// True when bytes of an incomplete message are buffered (at end of stream: truncated).
    public var hasPartialMessage: Bool { !pending.isEmpty }

    /// Feeds one chunk; calls `onMessage` with every message it completes, in order. The
    /// buffer passed to `onMessage` is valid only during the call. Throws a `GRPCStatus` on a
    /// protocol violation; the reader must not be used after that.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer,
                                 _ onMessage: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = chunk
        // Complete the buffered message first.
        while !pending.isEmpty {
            let needed = try bytesNeededForPending()
            if needed == 0 {
                let buffered = pending
                pending.removeAll(keepingCapacity: pending.capacity <= 64 * 1024)
                try buffered.withUnsafeBytes { whole in
                    let payload = UnsafeRawBufferPointer(rebasing: whole[GRPCFrame.headerSize...])
                    try deliver(flag: whole[0], payload: payload, onMessage)
                }
                break
            }
            if input.isEmpty { return }
            let take = min(needed, input.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[0..<take]))
            input = UnsafeRawBufferPointer(rebasing: input[take...])
        }
        // Whole messages directly from the chunk.
        while input.count >= GRPCFrame.headerSize {
            let length = try Self.declaredLength(input, limit: maxMessageSize)
            let total = GRPCFrame.headerSize + length
            guard input.count >= total else { break }
            try deliver(flag: input[0], payload: UnsafeRawBufferPointer(rebasing: input[GRPCFrame.headerSize..<total]), onMessage)
            input = UnsafeRawBufferPointer(rebasing: input[total...])
        }
        if !input.isEmpty {
            if input.count >= GRPCFrame.headerSize {
                pending.reserveCapacity(GRPCFrame.headerSize + (try Self.declaredLength(input, limit: maxMessageSize)))
            }
            pending.append(contentsOf: input)
        }
    }

    /// Bytes still missing from the buffered message (header first, then the body).
    private func bytesNeededForPending() throws -> Int {
        if pending.count < GRPCFrame.headerSize { return GRPCFrame.headerSize - pending.count }
        let length = try pending.withUnsafeBytes { try Self.declaredLength($0, limit: maxMessageSize) }
        return GRPCFrame.headerSize + length - pending.count
    }

    private static func declaredLength(_ bytes: UnsafeRawBufferPointer, limit: Int) throws -> Int {
        let length = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
        guard length <= limit else {
            throw GRPCStatus(.resourceExhausted,
                             "message of \(length) bytes is larger than the limit of \(limit) bytes")
        }
        return length
    }

    private mutating func deliver(flag: UInt8, payload: UnsafeRawBufferPointer,
                                  _ onMessage: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch flag {
        case 0:
            try onMessage(payload)
        case 1:
            guard encoding == .gzip else {
                throw GRPCStatus(.internal, "compressed message without a grpc-encoding")
            }
            if decompressor == nil { decompressor = GzipDecompressor() }
            let plain = try decompressor!.decompress(payload, limit: maxMessageSize)
            try plain.withUnsafeBytes { try onMessage($0) }
        default:
            throw GRPCStatus(.internal, "invalid compressed flag \(flag) in message prefix")
        }
    }
}
