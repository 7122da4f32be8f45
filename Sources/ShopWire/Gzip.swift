import CZlib

/// gzip compression of gRPC messages (zlib's deflate with a gzip wrapper).
///
/// One instance per connection or call: the z_stream is reused (`deflateReset`) between
/// messages. Not thread-safe.
public final class GzipCompressor {
    private var stream = z_stream()
    private var initialised = false

    /// `level` is zlib's 0...9 (default 6 is the usual speed/size trade-off; gRPC uses it).
    public init(level: Int32 = Z_DEFAULT_COMPRESSION) {
        initialised = shop_deflate_init_gzip(&stream, level) == Z_OK
    }

    deinit {
        if initialised { deflateEnd(&stream) }
    }

    /// Appends the gzip encoding of `input` to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws {
        guard initialised else { throw GRPCStatus(.internal, "zlib deflate unavailable") }
        defer { deflateReset(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let produced: Int = try output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress! + start
            stream.avail_out = uInt(bound)
            let rc = deflate(&stream, Z_FINISH)
            guard rc == Z_STREAM_END else { throw GRPCStatus(.internal, "gzip compression failed (zlib \(rc))") }
            return bound - Int(stream.avail_out)
        }
        output.removeLast(bound - produced)
    }

    /// The gzip encoding of `input`.
    public func compress(_ input: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        try input.withUnsafeBytes { try compress($0, appendingTo: &output) }
        return output
    }
}

/// gzip decompression with an upper bound on the output size, so a small compressed message
/// cannot expand into gigabytes (a "zip bomb"): past the limit it stops and throws
/// RESOURCE_EXHAUSTED. Not thread-safe; reuse one per connection or call.
public final class GzipDecompressor {
    private var stream = z_stream()
    private var initialised = false
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)

    public init() {
        initialised = shop_inflate_init_gzip(&stream) == Z_OK
    }

    deinit {
        if initialised { inflateEnd(&stream) }
    }

    /// Decompresses one complete gzip member. Throws RESOURCE_EXHAUSTED when the output would
    /// exceed `limit` bytes, INTERNAL when the input is not valid gzip.
    public func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        guard initialised else { throw GRPCStatus(.internal, "zlib inflate unavailable") }
        defer { inflateReset(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 64)))
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let (rc, produced): (Int32, Int) = scratch.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                let rc = inflate(&stream, Z_NO_FLUSH)
                return (rc, buffer.count - Int(stream.avail_out))
            }
            if output.count + produced > limit {
                throw GRPCStatus(.resourceExhausted,
                                 "decompressed message larger than the limit of \(limit) bytes")
            }
            output.append(contentsOf: scratch[0..<produced])
            switch rc {
            case Z_STREAM_END:
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw GRPCStatus(.internal, "truncated gzip message")
            case Z_BUF_ERROR:
                continue
            default:
                throw GRPCStatus(.internal, "invalid gzip message (zlib \(rc))")
            }
        }
    }

    /// Convenience for arrays.
    public func decompress(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0, limit: limit) }
    }
}
