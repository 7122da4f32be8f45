import ShopModels

/// Server-side settings of `shop.v1.PriceService` (shopserve's `--price-audit-log`).
public struct PriceServiceOptions: @unchecked Sendable {
    /// Where every decision's audit record goes (default: standard output; shopserve's own log
    /// lines go to standard error).
    public var auditLog: PriceAuditLog

    public init(auditLog: PriceAuditLog = PriceAuditLog()) {
        self.auditLog = auditLog
    }
}
