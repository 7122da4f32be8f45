/// The behaviour histories of the users known at training time, most recent first.
///
/// Tensors `users.history_offsets` I64 `[U + 1]` and `users.history_rows` I32 (CSR: user `u`'s item
/// rows are `rows[offsets[u] ..< offsets[u + 1]]`); side file `user_ids.txt` names the users in
/// order. Immutable; thread-safe.
public final class UserHistories: @unchecked Sendable {
    private let offsets: TensorView<Int64>
    private let rows: TensorView<Int32>
    private let userIndex: [String: Int]

    public init(tensors: SafetensorsFile, userIdsPath: String, items: Int) throws {
        let ids = try ItemCatalogue.readLines(path: userIdsPath)
        offsets = try tensors.tensor("users.history_offsets", as: Int64.self, shape: [ids.count + 1])
        rows = try tensors.tensor("users.history_rows", as: Int32.self)
        var index: [String: Int] = [:]
        for (u, id) in ids.enumerated() { index[id] = u }
        userIndex = index
        var previous: Int64 = 0
        for u in 0...ids.count {
            let offset = offsets[u]
            guard offset >= previous, offset <= Int64(rows.count), u > 0 || offset == 0 else {
                throw ModelLoadError(file: tensors.path, .modelRejected("users.history_offsets is not a CSR offset list"))
            }
            previous = offset
        }
        for row in rows.buffer where row < 0 || Int(row) >= items {
            throw ModelLoadError(file: tensors.path, .modelRejected("users.history_rows holds item row \(row) outside 0..<\(items)"))
        }
    }

    /// Number of known users.
    public var count: Int { userIndex.count }

    /// The stored history of `userId` (most recent first), or nil for an unknown user.
    public func history(of userId: String) -> [Int32]? {
        guard let u = userIndex[userId] else { return nil }
        return Array(rows.buffer[Int(offsets[u])..<Int(offsets[u + 1])])
    }
}
