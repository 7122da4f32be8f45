#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 UTC timestamps with milliseconds (`2026-11-23T15:30:00.123Z`), as
/// ISO8601DateFormatter with fractional seconds writes them, built with `gmtime_r` instead of
/// an ICU formatter (which costs microseconds per call): price audit records and log lines.
public enum UTCTimestamp {
    /// The timestamp of `seconds` since 1970 plus `milliseconds` (0 ... 999).
    public static func string(seconds: time_t, milliseconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)).\(digits(Int32(milliseconds), 3))Z"
    }
}
