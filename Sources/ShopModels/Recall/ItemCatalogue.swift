import Foundation

/// The items a recommendation model knows: external item ids (strings, e.g. the decimal MovieLens
/// movie id) in the row order of the model's tensors, read from the side file `item_ids.txt` (one
/// id per line). Immutable; lookups are thread-safe.
public final class ItemCatalogue: Sendable {
    /// Item ids in row order.
    public let ids: [String]
    private let rowOfId: [String: Int32]

    /// A catalogue over `ids` (row order). Throws when an id is empty or repeated.
    public init(ids: [String], file: String = "item_ids.txt") throws {
        var rows: [String: Int32] = [:]
        rows.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() {
            guard !id.isEmpty else {
                throw ModelLoadError(file: file, .modelRejected("line \(row + 1): empty item id"))
            }
            guard rows.updateValue(Int32(row), forKey: id) == nil else {
                throw ModelLoadError(file: file, .modelRejected("line \(row + 1): item id '\(id)' repeats"))
            }
        }
        self.ids = ids
        rowOfId = rows
    }

    /// Reads a side file of ids, one per line (a trailing newline is allowed), and checks that it
    /// has `expectedCount` lines when given.
    public static func load(path: String, expectedCount: Int? = nil) throws -> ItemCatalogue {
        let ids = try readLines(path: path)
        if let expectedCount, ids.count != expectedCount {
            throw ModelLoadError(file: path, .modelRejected("\(ids.count) ids, the tensors have \(expectedCount) rows"))
        }
        return try ItemCatalogue(ids: ids, file: path)
    }

    /// The lines of a small UTF-8 side file, without the trailing empty line.
    static func readLines(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelLoadError(file: path, .missing)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelLoadError(file: path, .modelRejected("not UTF-8 text"))
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Number of items.
    public var count: Int { ids.count }

    /// The row of `id`, or nil when the catalogue does not know it.
    public func row(of id: String) -> Int32? { rowOfId[id] }
}
