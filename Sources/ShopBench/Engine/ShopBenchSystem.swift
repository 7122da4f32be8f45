import CShopSys
import ShopWire

/// Small system facts the engine needs (kept apart so the engine reads as load logic).
enum ShopBenchSystem {
    /// CPUs in this process's affinity mask (at least 1).
    static var availableCPUs: Int { max(1, Int(shop_available_cpus())) }

    /// The monotonic clock in nanoseconds (the clock of `Deadline`).
    @inline(__always)
    static func now() -> UInt64 { Deadline.now().uptimeNanoseconds }
}

extension Duration {
    /// Whole nanoseconds (saturating at 0 for negative durations).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Seconds as a Double.
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
