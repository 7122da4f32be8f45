import CNGHTTP2
import ShopWire

/// The request header fields of calls that share a method and call options on one
/// connection, laid out once as nghttp2 name/value pairs over one byte buffer.
///
/// Building the fields (the `:path`, the authority, user agent, validated metadata) costs
/// string work and allocations; a connection keeps the block of its last (method, options)
/// and reuses it for every call that matches, so a load test's call after call submits
/// the same prepared array. Only `grpc-timeout` is per call (it depends on the time left):
/// it is spliced in at its place, after the fixed fields and before the metadata.
final class RequestHeaderBlock {
    let method: MethodPath
    let metadata: Metadata
    let compressRequest: Bool
    /// Why the metadata cannot be sent; calls with this block fail INTERNAL with it.
    let problem: String?
    /// Fields before `grpc-timeout` (pseudo-headers, content-type, te, ...).
    private let fixedCount: Int
    private let fields: UnsafeMutableBufferPointer<nghttp2_nv>
    private let bytes: UnsafeMutableRawBufferPointer

    init(method: MethodPath, options: CallOptions, scheme: String, authority: String, userAgent: String) {
        self.method = method
        self.metadata = options.metadata
        self.compressRequest = options.compressRequest
        var pairs: [(String, String)] = [
            (":method", "POST"),
            (":scheme", scheme),
            (":path", method.description),
            (":authority", authority),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            ("user-agent", userAgent),
            ("grpc-accept-encoding", MessageEncoding.acceptEncodingHeader),
        ]
        if options.compressRequest { pairs.append(("grpc-encoding", "gzip")) }
        fixedCount = pairs.count
        var problem: String?
        for (name, value) in options.metadata {
            if let found = MetadataValidation.problem(name: name, value: value) {
                problem = found
                break
            }
            pairs.append((name, value))
        }
        self.problem = problem
        if problem != nil { pairs.removeLast(pairs.count - fixedCount) }

        let byteCount = pairs.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
        bytes = .allocate(byteCount: max(1, byteCount), alignment: 1)
        fields = .allocate(capacity: pairs.count)
        var offset = 0
        for (index, (name, value)) in pairs.enumerated() {
            let nameStart = bytes.baseAddress! + offset
            offset += UnsafeMutableRawBufferPointer(rebasing: bytes[offset...]).copyBytes(fromUTF8: name)
            let valueStart = bytes.baseAddress! + offset
            offset += UnsafeMutableRawBufferPointer(rebasing: bytes[offset...]).copyBytes(fromUTF8: value)
            fields[index] = nghttp2_nv(name: nameStart.assumingMemoryBound(to: UInt8.self),
                                       value: valueStart.assumingMemoryBound(to: UInt8.self),
                                       namelen: name.utf8.count, valuelen: value.utf8.count,
                                       flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        }
    }

    deinit {
        fields.deallocate()
        bytes.deallocate()
    }

    /// True when a call with `method` and `options` sends exactly these fields.
    func matches(_ method: MethodPath, _ options: CallOptions) -> Bool {
        options.compressRequest == compressRequest && method == self.method && options.metadata == metadata
    }

    /// Calls `body` with the fields to submit: the prepared array, or (with a deadline) a
    /// temporary copy with `grpc-timeout: timeout` at its place. nghttp2 copies the fields.
    func withFields<Result>(timeout: String?, _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result) -> Result {
        guard let timeout else { return body(UnsafePointer(fields.baseAddress!), fields.count) }
        let name: StaticString = "grpc-timeout"
        var value = Array(timeout.utf8)
        return value.withUnsafeMutableBufferPointer { valueBytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: fields.count + 1) { spliced in
                for index in 0..<fixedCount { spliced[index] = fields[index] }
                spliced[fixedCount] = nghttp2_nv(
                    name: UnsafeMutablePointer(mutating: name.utf8Start), value: valueBytes.baseAddress!,
                    namelen: name.utf8CodeUnitCount, valuelen: valueBytes.count,
                    flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
                for index in fixedCount..<fields.count { spliced[index + 1] = fields[index] }
                return body(UnsafePointer(spliced.baseAddress!), fields.count + 1)
            }
        }
    }
}

private extension UnsafeMutableRawBufferPointer {
    /// Copies the UTF-8 bytes of `text` to the start of this buffer; returns how many.
    func copyBytes(fromUTF8 text: String) -> Int {
        var count = 0
        for byte in text.utf8 {
            self[count] = byte
            count += 1
        }
        return count
    }
}
