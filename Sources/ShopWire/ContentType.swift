/// The request `content-type` check of gRPC over HTTP/2.
///
/// Accepted: `application/grpc` and `application/grpc+proto`, each optionally followed by
/// `;parameters`, case-insensitive. Anything else (including `application/grpc+json`, which this
/// server cannot decode) is not gRPC-proto and the server answers HTTP 415.
public enum GRPCContentType {
    /// The value the server sends in responses.
    public static let response = "application/grpc"

    /// True when `value` names gRPC with the protobuf codec.
    public static func isSupported(_ value: String) -> Bool {
        // Nearly every peer sends exactly one of the two canonical values: answer those
        // without slicing or lower-casing (this check runs on every request and response).
        if value == response || value == "application/grpc+proto" { return true }
        var mediaType = Substring(value)
        if let semicolon = mediaType.firstIndex(of: ";") {
            mediaType = mediaType[..<semicolon]
        }
        let trimmed = mediaType.trimmingSpaces().lowercased()
        return trimmed == "application/grpc" || trimmed == "application/grpc+proto"
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
