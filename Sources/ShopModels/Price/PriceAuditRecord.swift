import Foundation

/// One price decision as the audit log records it: one JSON object per line.
///
/// Keys: `decision_id` (UUID), `time` (ISO 8601 UTC, milliseconds), `model`, `model_version`,
/// `sku_id`, `inputs` (the SKU state and the guardrails in force), `features`, `q_values` (five,
/// action order), `model_action`, `final_action` (null when clamped), `price_clamped`,
/// `final_price` (what the policy decided), `suggested_price` (what was returned: the current
/// price in shadow mode), `guardrails_applied`, `shadow_mode`.
public struct PriceAuditRecord: Encodable, Sendable {
    public struct Inputs: Encodable, Sendable {
        public var current_price: Double
        public var unit_cost: Double
        public var competitor_price: Double
        public var inventory_units: Double
        public var days_to_season_end: Double
        public var recent_daily_sales: [Double]
        public var guardrails: Guardrails
    }

    public struct Guardrails: Encodable, Sendable {
        public var min_margin: Double?
        public var max_change_fraction: Double?
        public var floor_price: Double?
        public var ceiling_price: Double?

        /// Absent rules as explicit nulls.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(min_margin, forKey: .min_margin)
            try c.encode(max_change_fraction, forKey: .max_change_fraction)
            try c.encode(floor_price, forKey: .floor_price)
            try c.encode(ceiling_price, forKey: .ceiling_price)
        }

        private enum Key: String, CodingKey { case min_margin, max_change_fraction, floor_price, ceiling_price }
    }

    public var decision_id: String
    public var time: String
    public var model: String
    public var model_version: String
    public var sku_id: String
    public var inputs: Inputs
    public var features: [Float]
    public var q_values: [Float]
    public var model_action: String
    public var final_action: String?
    public var price_clamped: Bool
    public var final_price: Double
    public var suggested_price: Double
    public var guardrails_applied: [String]
    public var shadow_mode: Bool

    /// A record of `decision` for `state`, decided at `time` (``timestamp(_:)`` of the decision
    /// time: one request's records share it, so it is formatted once per request).
    public init(decisionID: String, time: String, model: String, modelVersion: String, skuID: String,
                state: SkuPricingState, guardrails: PriceGuardrails, features: [Float], qValues: [Float],
                decision: PriceDecision, suggestedPrice: Double, shadowMode: Bool) {
        decision_id = decisionID
        self.time = time
        self.model = model
        model_version = modelVersion
        sku_id = skuID
        inputs = Inputs(current_price: state.currentPrice, unit_cost: state.unitCost,
                        competitor_price: state.competitorPrice, inventory_units: state.inventoryUnits,
                        days_to_season_end: state.daysToSeasonEnd, recent_daily_sales: state.recentDailySales,
                        guardrails: Guardrails(min_margin: guardrails.minMargin, max_change_fraction: guardrails.maxChangeFraction,
                                               floor_price: guardrails.floorPrice, ceiling_price: guardrails.ceilingPrice))
        self.features = features
        q_values = qValues
        model_action = decision.modelAction.name
        final_action = decision.finalAction?.name
        price_clamped = decision.clamped
        final_price = decision.price
        suggested_price = suggestedPrice
        guardrails_applied = decision.guardrailsApplied.map(\.name)
        shadow_mode = shadowMode
    }

    /// Explicit nulls for absent optionals, so every record has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(decision_id, forKey: .decision_id)
        try c.encode(time, forKey: .time)
        try c.encode(model, forKey: .model)
        try c.encode(model_version, forKey: .model_version)
        try c.encode(sku_id, forKey: .sku_id)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(features, forKey: .features)
        try c.encode(q_values, forKey: .q_values)
        try c.encode(model_action, forKey: .model_action)
        try c.encode(final_action, forKey: .final_action)
        try c.encode(price_clamped, forKey: .price_clamped)
        try c.encode(final_price, forKey: .final_price)
        try c.encode(suggested_price, forKey: .suggested_price)
        try c.encode(guardrails_applied, forKey: .guardrails_applied)
        try c.encode(shadow_mode, forKey: .shadow_mode)
    }

    private enum Key: String, CodingKey {
        case decision_id, time, model, model_version, sku_id, inputs, features, q_values, model_action, final_action,
             price_clamped, final_price, suggested_price, guardrails_applied, shadow_mode
    }

    /// One JSON line (no trailing newline).
    public func jsonLine() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// RFC 3339 UTC with milliseconds (`2026-11-23T15:30:00.123Z`), as ISO8601DateFormatter with
    /// fractional seconds writes it, without building an ICU formatter per record (that cost
    /// more than the Q-network for every SKU of a batch).
    public static func timestamp(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = time_t(totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000)
        return UTCTimestamp.string(seconds: seconds, milliseconds: Int(totalMillis - Int64(seconds) * 1000))
    }
}
