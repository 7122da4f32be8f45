/// Business rules a final price must satisfy, applied per SKU after the Q-network
/// (`shop.v1.PriceGuardrails`). An absent rule is no constraint.
///
/// Together with the SKU's current price `p` and unit cost `c` the rules give one feasible interval
/// `[lo, hi]`: `lo = max(c·(1 + minMargin), p·(1 − maxChangeFraction), floorPrice)`,
/// `hi = min(p·(1 + maxChangeFraction), ceilingPrice)`. ``decide(qValues:currentPrice:unitCost:)``
/// picks the best-valued action whose price lies in it, or clamps the current price into it when no
/// action's does. Pure: no state, no I/O.
public struct PriceGuardrails: Sendable, Equatable {
    /// Minimum margin over unit cost as a fraction (>= 0): price >= unitCost · (1 + minMargin).
    public var minMargin: Double?
    /// Largest relative change from the current price, in [0, 1].
    public var maxChangeFraction: Double?
    /// Absolute lowest price (> 0).
    public var floorPrice: Double?
    /// Absolute highest price (> 0, >= floorPrice).
    public var ceilingPrice: Double?

    /// One rule, in `shop.v1.Guardrail` order (raw values are the proto numbers).
    public enum Rule: Int, CaseIterable, Sendable, Comparable {
        case minMargin = 1
        case maxChange = 2
        case floorPrice = 3
        case ceilingPrice = 4

        /// The name used in audit records (the proto enum's suffix).
        public var name: String {
            switch self {
            case .minMargin: return "MIN_MARGIN"
            case .maxChange: return "MAX_CHANGE"
            case .floorPrice: return "FLOOR_PRICE"
            case .ceilingPrice: return "CEILING_PRICE"
            }
        }

        public static func < (a: Rule, b: Rule) -> Bool { a.rawValue < b.rawValue }
    }

    /// No rules.
    public static let none = PriceGuardrails()

    public init(minMargin: Double? = nil, maxChangeFraction: Double? = nil, floorPrice: Double? = nil,
                ceilingPrice: Double? = nil) {
        self.minMargin = minMargin
        self.maxChangeFraction = maxChangeFraction
        self.floorPrice = floorPrice
        self.ceilingPrice = ceilingPrice
    }

    /// Relative slack for prices that sit exactly on a bound (the same as the Python twin's).
    static let tolerance = 1e-9

    /// Checks the rules on their own: values finite and in range, floor <= ceiling.
    /// - Throws: ``PricingInputError`` naming the field.
    public func validate() throws {
        if let m = minMargin, !(m.isFinite && m >= 0) { throw PricingInputError("min_margin", "must be finite and >= 0, got \(m)") }
        if let f = maxChangeFraction, !(f.isFinite && f >= 0 && f <= 1) {
            throw PricingInputError("max_change_fraction", "must be in [0, 1], got \(f)")
        }
        if let f = floorPrice, !(f.isFinite && f > 0) { throw PricingInputError("floor_price", "must be finite and > 0, got \(f)") }
        if let c = ceilingPrice, !(c.isFinite && c > 0) { throw PricingInputError("ceiling_price", "must be finite and > 0, got \(c)") }
        if let f = floorPrice, let c = ceilingPrice, c < f {
            throw PricingInputError("ceiling_price", "must be >= floor_price (\(f)), got \(c)")
        }
    }

    /// The feasible interval for a SKU.
    /// - Throws: ``PricingInputError`` for invalid rules or inputs, or when the rules leave no price
    ///   (e.g. the margin floor above the ceiling), naming the rules that collide.
    public func feasibleInterval(currentPrice: Double, unitCost: Double) throws -> ClosedRange<Double> {
        try validate()
        guard currentPrice.isFinite && currentPrice > 0 else {
            throw PricingInputError("current_price", "must be finite and > 0, got \(currentPrice)")
        }
        guard unitCost.isFinite && unitCost >= 0 else {
            throw PricingInputError("unit_cost", "must be finite and >= 0, got \(unitCost)")
        }
        var lo = 0.0, hi = Double.infinity
        var loRule: Rule?, hiRule: Rule?
        func raise(_ value: Double, _ rule: Rule) { if value > lo { lo = value; loRule = rule } }
        func lower(_ value: Double, _ rule: Rule) { if value < hi { hi = value; hiRule = rule } }
        if let m = minMargin { raise(unitCost * (1 + m), .minMargin) }
        if let f = maxChangeFraction {
            raise(currentPrice * (1 - f), .maxChange)
            lower(currentPrice * (1 + f), .maxChange)
        }
        if let f = floorPrice { raise(f, .floorPrice) }
        if let c = ceilingPrice { lower(c, .ceilingPrice) }
        guard lo <= hi * (1 + Self.tolerance) else {
            let field = hiRule == .ceilingPrice ? "ceiling_price" : "max_change_fraction"
            throw PricingInputError(field, "leaves no feasible price: \(loRule?.name ?? "?") needs >= \(lo), "
                                    + "\(hiRule?.name ?? "?") allows <= \(hi)")
        }
        return lo...max(lo, hi)
    }

    /// The rules `price` breaks (in rule order).
    public func violations(of price: Double, currentPrice: Double, unitCost: Double) -> [Rule] {
        let slack = Self.tolerance * max(price, 1)
        var broken: [Rule] = []
        if let m = minMargin, price < unitCost * (1 + m) - slack { broken.append(.minMargin) }
        if let f = maxChangeFraction, abs(price - currentPrice) > f * currentPrice + slack { broken.append(.maxChange) }
        if let f = floorPrice, price < f - slack { broken.append(.floorPrice) }
        if let c = ceilingPrice, price > c + slack { broken.append(.ceilingPrice) }
        return broken
    }

    /// The decision for one SKU: the network's argmax, the best allowed action (or a clamp), the
    /// final price rounded to cents inside the feasible interval, and the rules that changed it.
    /// - Throws: ``PricingInputError`` as ``feasibleInterval(currentPrice:unitCost:)`` does.
    public func decide<Values: Collection>(qValues: Values, currentPrice: Double, unitCost: Double) throws
        -> PriceDecision where Values.Element == Float {
        let interval = try feasibleInterval(currentPrice: currentPrice, unitCost: unitCost)
        let values = Array(qValues)
        let modelAction = PriceAction.argmax(values)
        let ranked = PriceAction.allCases.sorted { a, b in
            values[a.rawValue] != values[b.rawValue] ? values[a.rawValue] > values[b.rawValue] : a.rawValue < b.rawValue
        }
        let allowed = ranked.first { violations(of: $0.price(from: currentPrice), currentPrice: currentPrice, unitCost: unitCost).isEmpty }
        var applied = Set(violations(of: modelAction.price(from: currentPrice), currentPrice: currentPrice, unitCost: unitCost))
        let price: Double
        if let allowed {
            price = allowed.price(from: currentPrice)
        } else {
            price = min(max(currentPrice, interval.lowerBound), interval.upperBound)
            applied.formUnion(violations(of: currentPrice, currentPrice: currentPrice, unitCost: unitCost))
        }
        return PriceDecision(modelAction: modelAction, finalAction: allowed, price: Self.roundToCents(price, within: interval),
                             clamped: allowed == nil, guardrailsApplied: applied.sorted())
    }

    /// `price` rounded to 2 decimals, moved by a cent back inside `interval` if rounding left it;
    /// unrounded when the interval is narrower than a cent.
    public static func roundToCents(_ price: Double, within interval: ClosedRange<Double>) -> Double {
        let cents = (price * 100).rounded() / 100
        if interval.contains(cents) { return cents }
        let up = (interval.lowerBound * 100).rounded(.up) / 100
        if cents < interval.lowerBound, interval.contains(up) { return up }
        let down = (interval.upperBound * 100).rounded(.down) / 100
        if cents > interval.upperBound, interval.contains(down) { return down }
        return price
    }
}

/// The outcome of the guardrails for one SKU.
public struct PriceDecision: Sendable, Equatable {
    /// The network's choice (argmax of the Q-values, first on a tie).
    public var modelAction: PriceAction
    /// The best-valued action the guardrails allow; nil when none does and the price was clamped.
    public var finalAction: PriceAction?
    /// The final price, rounded to cents (inside the feasible interval).
    public var price: Double
    /// True when no action was allowed and the current price was clamped into the interval.
    public var clamped: Bool
    /// The rules that made `finalAction` differ from `modelAction` or clamped the price, in rule order.
    public var guardrailsApplied: [PriceGuardrails.Rule]
}

/// A SKU's inputs or guardrails are unusable: the field and why (the service answers
/// INVALID_ARGUMENT with it).
public struct PricingInputError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The offending field (proto name, relative to the SKU or its guardrails).
    public let field: String
    /// Why it is unusable.
    public let reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field) \(reason)" }
}
