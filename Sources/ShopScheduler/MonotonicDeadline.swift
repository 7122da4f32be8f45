#if canImport(Glibc)
import Glibc
#endif

/// An instant of `CLOCK_MONOTONIC` in nanoseconds, used as a request's deadline.
///
/// Same clock and unit as `ShopWire.Deadline.uptimeNanoseconds`, so the service layer
/// converts with `MonotonicDeadline(uptimeNanoseconds: call.deadline.uptimeNanoseconds)`
/// (ShopScheduler does not depend on ShopWire).
public struct MonotonicDeadline: Comparable, Hashable, Sendable {
    public var uptimeNanoseconds: UInt64

    public init(uptimeNanoseconds: UInt64) { self.uptimeNanoseconds = uptimeNanoseconds }

    /// No deadline.
    public static let never = MonotonicDeadline(uptimeNanoseconds: .max)

    /// `nanoseconds` after the current instant of `CLOCK_MONOTONIC` (saturating).
    public static func after(nanoseconds: UInt64) -> MonotonicDeadline {
        let (sum, overflow) = MonotonicClock.now().addingReportingOverflow(nanoseconds)
        return MonotonicDeadline(uptimeNanoseconds: overflow ? .max : sum)
    }

    public static func < (lhs: MonotonicDeadline, rhs: MonotonicDeadline) -> Bool {
        lhs.uptimeNanoseconds < rhs.uptimeNanoseconds
    }
}

/// Reads `CLOCK_MONOTONIC`.
public enum MonotonicClock {
    /// Nanoseconds of `CLOCK_MONOTONIC`.
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
