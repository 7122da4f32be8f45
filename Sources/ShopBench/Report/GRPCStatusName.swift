import ShopWire

/// gRPC status code numbers ↔ names (`OK`, `NOT_FOUND`, ...) for reports.
enum GRPCStatusName {
    static func of(_ code: Int) -> String { GRPCStatus.Code(rawValue: code)?.name ?? "CODE_\(code)" }
    static func code(of name: String) -> Int? { GRPCStatus.Code(name: name)?.rawValue }
}
