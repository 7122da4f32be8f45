/// gRPC metadata: an ordered list of (lower-case name, value) pairs, as carried in HTTP/2
/// headers or trailers. Values are kept exactly as they appear on the wire (names ending in
/// `-bin` carry base64 text).
public struct Metadata: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(name: String, value: String)]

    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, String)...) {
        entries = elements.map { (name: $0.0.lowercased(), value: $0.1) }
    }

    /// Appends a pair; the name is lower-cased as HTTP/2 requires.
    public mutating func add(_ name: String, _ value: String) {
        entries.append((name: name.lowercased(), value: value))
    }

    /// Replaces every value of `name` with one value.
    public mutating func set(_ name: String, _ value: String) {
        let key = name.lowercased()
        entries.removeAll { $0.name == key }
        entries.append((name: key, value: value))
    }

    /// The first value of `name`, if any.
    public func first(_ name: String) -> String? {
        let key = name.lowercased()
        return entries.first(where: { $0.name == key })?.value
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] {
        let key = name.lowercased()
        return entries.filter { $0.name == key }.map(\.value)
    }

    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        entries.makeIterator()
    }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }
}
