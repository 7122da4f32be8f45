import Glibc
import ShopWire

/// The response header fields a client call acts on, read straight from nghttp2's bytes:
/// one instance for the response HEADERS block and one for the trailers. Only the first
/// value of each field counts (as `Metadata.first`). Strings are made only for values that
/// are kept: `grpc-status` and `grpc-encoding` are short enough to be stored inline, and
/// the common `content-type: application/grpc` is recognised without making one.
struct ResponseFields {
    enum ContentType: Equatable {
        case absent
        case supported
        /// Present but not gRPC with protobuf; the text for the error message.
        case unsupported(String)
    }

    var httpStatus: Int?
    var grpcStatus: String?
    var grpcMessage: String?
    var grpcEncoding: String?
    var contentType = ContentType.absent

    /// Records one field (`name` is lower-case: nghttp2 rejects other names).
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let first = name.first else { return }
        if first == UInt8(ascii: ":") {
            if httpStatus == nil, Self.equal(name, ":status") { httpStatus = Self.decimal(value) ?? 0 }
            return
        }
        guard first == UInt8(ascii: "g") || first == UInt8(ascii: "c") else { return }
        if Self.equal(name, "grpc-status") {
            if grpcStatus == nil { grpcStatus = Self.text(value) }
        } else if Self.equal(name, "grpc-message") {
            if grpcMessage == nil { grpcMessage = Self.text(value) }
        } else if Self.equal(name, "grpc-encoding") {
            if grpcEncoding == nil { grpcEncoding = Self.text(value) }
        } else if Self.equal(name, "content-type"), contentType == .absent {
            if Self.equal(value, GRPCContentTypeBytes.canonical) || Self.equal(value, GRPCContentTypeBytes.proto) {
                contentType = .supported
            } else {
                let text = Self.text(value)
                contentType = GRPCContentType.isSupported(text) ? .supported : .unsupported(text)
            }
        }
    }

    var isGRPCContentType: Bool { contentType == .supported }

    /// The content-type text, "" when absent (for error messages).
    var contentTypeText: String {
        switch contentType {
        case .absent: return ""
        case .supported: return GRPCContentType.response
        case .unsupported(let text): return text
        }
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && (bytes.count == 0 || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
    }

    /// The value of an unsigned decimal of at most 9 digits; nil otherwise (as `Int(String)`
    /// for the values a status can take).
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return bytes.isEmpty ? nil : Int(text(bytes)) }
        var result = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return Int(text(bytes)) }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }
}

/// The two canonical gRPC content types as byte literals.
private enum GRPCContentTypeBytes {
    static let canonical: StaticString = "application/grpc"
    static let proto: StaticString = "application/grpc+proto"
}
