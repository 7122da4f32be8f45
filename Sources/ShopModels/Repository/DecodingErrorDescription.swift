extension DecodingError {
    /// One line for a JSONDecoder error: where in the document, and what was wrong,
    /// e.g. `'w1'.'shape'.[0]: Expected to decode Int but found a string instead.`
    var oneLineDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "'\(key.stringValue)'" }
                .joined(separator: ".")
        }
        switch self {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
             .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return "top level is not a JSON object"
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let location = context.codingPath.isEmpty ? "" : "\(path(context.codingPath)): "
            return "\(location)missing field '\(key.stringValue)'"
        @unknown default:
            return "\(self)"
        }
    }
}
