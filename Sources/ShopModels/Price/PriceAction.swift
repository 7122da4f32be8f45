/// One of the five discrete price moves of the price Q-network, in the order of its Q-value
/// outputs (and of `shop.v1.PriceAction` 1...5).
public enum PriceAction: Int, CaseIterable, Sendable, Codable {
    case decrease10 = 0
    case decrease5 = 1
    case keep = 2
    case increase5 = 3
    case increase10 = 4

    /// The factor this action multiplies the current price by.
    public var multiplier: Double {
        switch self {
        case .decrease10: return 0.90
        case .decrease5: return 0.95
        case .keep: return 1.00
        case .increase5: return 1.05
        case .increase10: return 1.10
        }
    }

    /// The name used in audit records (the proto enum's suffix).
    public var name: String {
        switch self {
        case .decrease10: return "DECREASE_10_PERCENT"
        case .decrease5: return "DECREASE_5_PERCENT"
        case .keep: return "KEEP"
        case .increase5: return "INCREASE_5_PERCENT"
        case .increase10: return "INCREASE_10_PERCENT"
        }
    }

    /// The price this action sets from `currentPrice`.
    public func price(from currentPrice: Double) -> Double { currentPrice * multiplier }

    /// The action with the largest of `values` (five Q-values in action order); the first on a tie.
    public static func argmax<Values: Collection>(_ values: Values) -> PriceAction where Values.Element == Float {
        var best = 0
        var bestValue = -Float.infinity
        for (index, value) in values.enumerated() where index < allCases.count && value > bestValue {
            best = index
            bestValue = value
        }
        return PriceAction(rawValue: best)!
    }
}
