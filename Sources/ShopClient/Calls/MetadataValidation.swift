/// Checks custom metadata before it goes on the wire, so a bad `-H` flag gives a clear error
/// instead of a malformed HTTP/2 header block.
enum MetadataValidation {
    /// Header names a caller may not set: the transport owns them.
    static let reserved: Set<String> = [
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
        "user-agent", "connection", "host", "transfer-encoding", "upgrade", "keep-alive",
    ]

    /// A description of what is wrong with the pair, or nil when it may be sent.
    static func problem(name: String, value: String) -> String? {
        guard !name.isEmpty else { return "empty metadata name" }
        if name.hasPrefix(":") || reserved.contains(name) {
            return "metadata name '\(name)' is reserved"
        }
        let nameOK = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard nameOK else { return "metadata name '\(name)' may only contain a-z 0-9 - _ ." }
        let valueOK = value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
        guard valueOK else { return "metadata value of '\(name)' must be printable ASCII (use a -bin name with base64 for bytes)" }
        return nil
    }
}
