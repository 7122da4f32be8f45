/// Which versions of a model the repository keeps loaded.
public enum VersionPolicy: Sendable, Equatable {
    /// The newest `n` versions that pass validation (n ≥ 1). A newer version that fails validation
    /// is skipped, so the previous good one keeps serving.
    case latest(Int)
    /// Exactly these versions, when present on disk and valid.
    case specific(Set<Int>)

    /// The default: serve the newest valid version.
    public static var newest: VersionPolicy { .latest(1) }

    /// The on-disk versions to consider, in preference order (newest first), and how many to keep.
    func candidates(onDisk versions: [Int]) -> (ordered: [Int], keep: Int) {
        let newestFirst = versions.sorted(by: >)
        switch self {
        case .latest(let count):
            return (newestFirst, max(1, count))
        case .specific(let wanted):
            return (newestFirst.filter(wanted.contains), wanted.count)
        }
    }
}

/// A change the repository made, delivered to observers after the switch is visible to readers.
public enum ModelRepositoryEvent: Sendable, Equatable {
    /// A version was validated and is now served.
    case loaded(model: String, version: Int)
    /// A version is no longer served (removed from disk or out of policy). In-flight holders of its
    /// handle keep using it; it is unmapped when the last one lets go.
    case unloaded(model: String, version: Int)
    /// A version failed validation and was not loaded (reported once per distinct file state).
    case refused(model: String, version: Int, error: ModelLoadError)
}

/// A lookup that cannot be served.
public enum ModelLookupError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No directory of that name in the repository.
    case unknownModel(String)
    /// The model exists but the version asked for (or any version, if nil) is not loaded.
    case versionNotAvailable(model: String, version: Int?, available: [Int])

    public var description: String {
        switch self {
        case .unknownModel(let name):
            return "model '\(name)' does not exist in the repository"
        case .versionNotAvailable(let name, let version, let available):
            let what = version.map { "version \($0)" } ?? "any version"
            return "model '\(name)' has no \(what) loaded (loaded: \(available.isEmpty ? "none" : available.map(String.init).joined(separator: ", ")))"
        }
    }
}
