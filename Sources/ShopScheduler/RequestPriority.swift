/// The two priority classes of queued work. All queued `high` work of a model runs before
/// any of its `low` work; within a class, earliest deadline first.
public enum RequestPriority: Int, Sendable, CaseIterable, CustomStringConvertible {
    case high = 0
    case low = 1

    /// Parses the `x-priority` request metadata value (`low` or `high`, case-insensitive);
    /// a missing value means `high`; an unknown value is nil (the caller answers
    /// INVALID_ARGUMENT).
    public init?(metadataValue: String?) {
        guard let value = metadataValue else {
            self = .high
            return
        }
        switch value.lowercased() {
        case "high": self = .high
        case "low": self = .low
        default: return nil
        }
    }

    public var description: String { self == .high ? "high" : "low" }
}
