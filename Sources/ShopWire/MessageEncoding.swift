/// Message compression algorithms this implementation speaks (`grpc-encoding` values), and the
/// negotiation rules around `grpc-encoding` / `grpc-accept-encoding`.
public enum MessageEncoding: String, Sendable, CaseIterable {
    case identity
    case gzip

    /// The `grpc-accept-encoding` value this implementation advertises.
    public static let acceptEncodingHeader = "identity,gzip"

    /// Parses a `grpc-encoding` value; nil when the algorithm is not supported (the server then
    /// answers UNIMPLEMENTED, listing what it accepts).
    public init?(header value: String) {
        let name = Substring(value).trimmingSpaces().lowercased()
        guard let encoding = MessageEncoding(rawValue: name) else { return nil }
        self = encoding
    }

    /// The encodings listed in a `grpc-accept-encoding` value that this implementation knows.
    public static func accepted(by header: String?) -> Set<MessageEncoding> {
        var result: Set<MessageEncoding> = [.identity]
        guard let header else { return result }
        for item in header.split(separator: ",") {
            if let encoding = MessageEncoding(header: String(item)) { result.insert(encoding) }
        }
        return result
    }

    /// The encoding for messages sent to a peer that advertised `acceptEncoding`:
    /// gzip when compression is enabled and the peer accepts it, identity otherwise.
    public static func forResponse(acceptEncoding: String?, compressionEnabled: Bool) -> MessageEncoding {
        guard compressionEnabled, let acceptEncoding else { return .identity }
        return accepted(by: acceptEncoding).contains(.gzip) ? .gzip : .identity
    }
}
