#if canImport(Glibc)
import Glibc
#endif
import ShopWire

/// Byte-level matching of the request headers the transport interprets, so the hot path does
/// not build a `String` for every header name.
enum RequestHeaderName {
    case method, path, contentType, te, grpcTimeout, grpcEncoding, grpcAcceptEncoding, requestID
    case otherPseudo
    case metadata

    init(_ name: UnsafeRawBufferPointer) {
        switch name.count {
        case 2 where Self.equal(name, "te"): self = .te
        case 5 where Self.equal(name, ":path"): self = .path
        case 7 where Self.equal(name, ":method"): self = .method
        case 12 where Self.equal(name, "content-type"): self = .contentType
        case 12 where Self.equal(name, "grpc-timeout"): self = .grpcTimeout
        case 12 where Self.equal(name, "x-request-id"): self = .requestID
        case 13 where Self.equal(name, "grpc-encoding"): self = .grpcEncoding
        case 20 where Self.equal(name, "grpc-accept-encoding"): self = .grpcAcceptEncoding
        default: self = name.first == UInt8(ascii: ":") ? .otherPseudo : .metadata
        }
    }

    @inline(__always)
    static func equal(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
    }
}

extension MethodPath {
    /// Parses the bytes of `:path` (`/package.Service/Method`) without intermediate arrays.
    init?(pathBytes path: UnsafeRawBufferPointer) {
        guard path.count >= 4, path[0] == UInt8(ascii: "/") else { return nil }
        var slash = -1
        for index in 1..<path.count where path[index] == UInt8(ascii: "/") {
            guard slash < 0 else { return nil }
            slash = index
        }
        guard slash > 1, slash < path.count - 1 else { return nil }
        self.init(service: String(decoding: UnsafeRawBufferPointer(rebasing: path[1..<slash]), as: UTF8.self),
                  method: String(decoding: UnsafeRawBufferPointer(rebasing: path[(slash + 1)...]), as: UTF8.self))
    }
}
