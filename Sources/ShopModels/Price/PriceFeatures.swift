import Foundation

/// What the price policy knows about one SKU (the fields of `shop.v1.SkuState` it reads).
public struct SkuPricingState: Sendable, Equatable {
    /// The price the SKU sells at now (> 0).
    public var currentPrice: Double
    /// What one unit costs (>= 0).
    public var unitCost: Double
    /// The main competitor's price; 0 = unknown (parity assumed).
    public var competitorPrice: Double
    /// Units in stock (>= 0).
    public var inventoryUnits: Double
    /// Days until the season ends (>= 0).
    public var daysToSeasonEnd: Double
    /// Units sold per day, most recent day first (each >= 0).
    public var recentDailySales: [Double]

    public init(currentPrice: Double, unitCost: Double, competitorPrice: Double, inventoryUnits: Double,
                daysToSeasonEnd: Double, recentDailySales: [Double]) {
        self.currentPrice = currentPrice
        self.unitCost = unitCost
        self.competitorPrice = competitorPrice
        self.inventoryUnits = inventoryUnits
        self.daysToSeasonEnd = daysToSeasonEnd
        self.recentDailySales = recentDailySales
    }
}

/// THE feature vector of the price Q-network, version 1 — the Swift twin of
/// `tools/train/price/features.py` (the table there is the specification; the published model's
/// `parity.json` holds fixed inputs and the vectors both sides must produce).
///
/// | # | feature | value |
/// |---|---------|-------|
/// | 0 | log_price_over_cost  | clip(ln(p / max(c, 0.01 p)), -1, 5) |
/// | 1 | log_competitor_ratio | clip(ln(q / p), -1, 1); 0 when q = 0 |
/// | 2 | log_inventory_cover  | clip(ln((I + 1) / (r·(d + 1) + 1)), -4, 4), r = mean of the leading 14 sales days (0 without) |
/// | 3 | season_remaining     | min(d, 120) / 120 |
/// | 4 | sales_trend          | (a − b) / (a + b) over the two halves of the leading ≤ 14 days; 0 when undefined |
/// | 5 | elasticity           | clip(−e / 4, 0, 2), e = the model's own-price elasticity estimate |
///
/// Computed in Double, stored as Float.
public enum PriceFeatures {
    /// The definition's version (config.json `architecture.features.version`).
    public static let version = 1
    /// Features per row.
    public static let count = 6
    /// Leading days of sales history the features read.
    public static let salesWindowDays = 14
    /// Days that map to season_remaining = 1.
    public static let seasonScaleDays = 120.0
    /// Names, in order (config.json `architecture.features.names`).
    public static let names = ["log_price_over_cost", "log_competitor_ratio", "log_inventory_cover",
                               "season_remaining", "sales_trend", "elasticity"]

    /// Mean daily sales over the leading window (0 without history): the demand level at the
    /// current price.
    public static func meanRecentSales(_ sales: [Double]) -> Double {
        let window = sales.prefix(salesWindowDays)
        return window.isEmpty ? 0 : window.reduce(0, +) / Double(window.count)
    }

    /// Recent half of the window against the older half, in [-1, 1]; 0 when undefined.
    public static func salesTrend(_ sales: [Double]) -> Double {
        let window = Array(sales.prefix(salesWindowDays))
        let half = window.count / 2
        guard half >= 1 else { return 0 }
        let recent = window[0..<half].reduce(0, +) / Double(half)
        let older = window[half..<(2 * half)].reduce(0, +) / Double(half)
        let total = recent + older
        return total > 0 ? (recent - older) / total : 0
    }

    /// Writes the `count` features of `state` to `output`.
    public static func build(_ state: SkuPricingState, elasticity: Double, into output: UnsafeMutablePointer<Float>) {
        let p = state.currentPrice
        let cost = max(state.unitCost, 0.01 * p)
        let rate = meanRecentSales(state.recentDailySales)
        let d = state.daysToSeasonEnd
        output[0] = Float(clip(log(p / cost), -1, 5))
        output[1] = state.competitorPrice > 0 ? Float(clip(log(state.competitorPrice / p), -1, 1)) : 0
        output[2] = Float(clip(log((state.inventoryUnits + 1) / (rate * (d + 1) + 1)), -4, 4))
        output[3] = Float(min(d, seasonScaleDays) / seasonScaleDays)
        output[4] = Float(salesTrend(state.recentDailySales))
        output[5] = Float(clip(-elasticity / 4, 0, 2))
    }

    /// The features of `state` as an array (tests, tools).
    public static func build(_ state: SkuPricingState, elasticity: Double) -> [Float] {
        var row = [Float](repeating: 0, count: count)
        row.withUnsafeMutableBufferPointer { build(state, elasticity: elasticity, into: $0.baseAddress!) }
        return row
    }

    private static func clip(_ x: Double, _ lo: Double, _ hi: Double) -> Double { min(max(x, lo), hi) }
}
