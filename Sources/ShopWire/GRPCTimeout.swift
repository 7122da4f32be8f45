/// The `grpc-timeout` header: `TimeoutValue TimeoutUnit`, at most 8 ASCII digits followed by one
/// of `H` (hours), `M` (minutes), `S` (seconds), `m` (milliseconds), `u` (microseconds),
/// `n` (nanoseconds). See gRPC's PROTOCOL-HTTP2.md.
public enum GRPCTimeout {
    /// Parses a header value into nanoseconds (saturating at `UInt64.max`).
    /// Throws `INVALID_ARGUMENT`-ready errors for anything malformed.
    public static func parse(_ value: String) throws -> UInt64 {
        var utf8 = Array(value.utf8)
        guard utf8.count >= 2, utf8.count <= 9 else {
            throw GRPCStatus(.invalidArgument, "malformed grpc-timeout '\(value)'")
        }
        let unit = utf8.removeLast()
        var amount: UInt64 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw GRPCStatus(.invalidArgument, "malformed grpc-timeout '\(value)'")
            }
            amount = amount * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        guard let scale = nanosecondsPerUnit(unit) else {
            throw GRPCStatus(.invalidArgument, "malformed grpc-timeout '\(value)': unknown unit")
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? .max : product
    }

    /// Formats a timeout with the finest unit whose value fits in 8 digits, rounding up so the
    /// peer never sees a shorter timeout than intended.
    public static func format(nanoseconds: UInt64) -> String {
        let units: [(UInt64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"),
            (60_000_000_000, "M"), (3_600_000_000_000, "H"),
        ]
        for (scale, unit) in units {
            let amount = nanoseconds / scale + (nanoseconds % scale == 0 ? 0 : 1)
            if amount <= maxAmount { return "\(amount)\(unit)" }
        }
        return "\(maxAmount)H"
    }

    /// The largest value the header can carry (8 digits).
    public static let maxAmount: UInt64 = 99_999_999

    private static func nanosecondsPerUnit(_ unit: UInt8) -> UInt64? {
        switch unit {
        case UInt8(ascii: "H"): return 3_600_000_000_000
        case UInt8(ascii: "M"): return 60_000_000_000
        case UInt8(ascii: "S"): return 1_000_000_000
        case UInt8(ascii: "m"): return 1_000_000
        case UInt8(ascii: "u"): return 1_000
        case UInt8(ascii: "n"): return 1
        default: return nil
        }
    }
}

extension Deadline {
    /// The deadline a `grpc-timeout` header value sets, counted from now.
    public init(grpcTimeout value: String) throws {
        self = .after(nanoseconds: try GRPCTimeout.parse(value))
    }
}
