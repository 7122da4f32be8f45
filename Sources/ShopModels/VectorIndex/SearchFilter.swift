/// Which catalogue entries a search may return, checked only for candidates that would enter a
/// query's top-k (so a filter costs nothing for the bulk of the catalogue).
///
/// Deliberately data-only (no closure predicate): the checks are a category set lookup and an id
/// set lookup, both cheap and safe to share between threads.
public struct SearchFilter: Sendable, Equatable {
    /// Only entries whose category (`P.categories`) is in this set; nil allows every category.
    /// An index without categories admits nothing when a category set is given.
    public var allowedCategories: Set<Int32>?
    /// Entries whose external id is in this set are never returned (e.g. items already seen).
    public var excludedIDs: Set<Int64>

    public init(allowedCategories: Set<Int32>? = nil, excludedIDs: Set<Int64> = []) {
        self.allowedCategories = allowedCategories
        self.excludedIDs = excludedIDs
    }

    /// True when the filter admits everything (the search then skips the checks).
    public var isTrivial: Bool { allowedCategories == nil && excludedIDs.isEmpty }
}
