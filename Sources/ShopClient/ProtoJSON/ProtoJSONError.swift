/// Why a JSON document does not fit a message type, or a binary message is unreadable.
/// `path` names the offending field, e.g. `file[0].message_type[2].name`.
public struct ProtoJSONError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        path.isEmpty ? reason : "\(path): \(reason)"
    }
}
