import Foundation

/// `price[:skus=N,jitter=P]`: PriceService/SuggestPrices for `skus` SKUs. Each SKU is one of
/// the market states the price model was validated on (`parity.json` `cases`: price, unit
/// cost, competitor price, inventory, days to season end, daily sales), keeping the
/// realistic ones (priced above a positive cost, a competitor price, stock, season left, at
/// least a week of sales; the file also holds edge cases such as zero cost or no history),
/// named after a brand of the retail scanner panels its demand model was fitted to
/// (`demand.json` `archetypes`). Price and cost move together and the competitor's price on
/// its own by up to ±`jitter` percent, so requests differ. SKU ids are unique within a
/// request (`<brand>-<n>`).
public struct PriceWorkload: WorkloadGenerator {
    public static let name = "price"
    public static let method: String? = "shop.v1.PriceService/SuggestPrices"
    public static let usage = "price[:skus=10,jitter=5]  market states of models/price (parity.json)"

    private let cases: [[String: Any]]
    private let brands: [String]
    private let skus: Int
    private let jitter: Double
    private var random: SeededRandom

    public init(parameters: WorkloadParameters, models: URL) throws {
        skus = try parameters.int("skus", default: 10, range: 1...10_000)
        jitter = Double(try parameters.int("jitter", default: 5, range: 0...50)) / 100
        random = SeededRandom(seed: UInt64(try parameters.int("seed", default: 1)))
        let files = try ModelSideFiles(models: models, model: "price", version: parameters.string("version"))
        cases = try files.objects("parity.json", member: "cases").filter(Self.isRealistic)
        guard !cases.isEmpty else {
            throw WorkloadError("\(files.directory.path)/parity.json has no realistic market state (price > cost > 0, stock, sales)")
        }
        brands = try files.objects("demand.json", member: "archetypes").compactMap { $0["brand"] as? String }
        guard !brands.isEmpty else { throw WorkloadError("\(files.directory.path)/demand.json archetypes name no brand") }
    }

    /// A market state a shop would really send: every number present, priced above a
    /// positive cost, a competitor price, stock and season left, a week or more of sales.
    static func isRealistic(_ state: [String: Any]) -> Bool {
        let numbers = numericFields.compactMap { (state[$0] as? NSNumber)?.doubleValue }
        guard numbers.count == numericFields.count, let sales = state["recent_daily_sales"] as? [Any] else { return false }
        let (price, cost) = (numbers[0], numbers[1])
        return price > cost && cost > 0 && numbers[2...].allSatisfy { $0 > 0 } && sales.count >= 7
    }

    /// The `SkuState` fields copied from a parity case (`price` becomes `current_price`).
    static let numericFields = ["price", "unit_cost", "competitor_price", "inventory_units", "days_to_season_end"]

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] {
        (0..<count).map { _ in ["skus": (0..<skus).map { makeSku(number: $0) }] }
    }

    private mutating func makeSku(number: Int) -> [String: Any] {
        let state = cases.randomElement(using: &random)!
        let brand = brands[Int.random(in: 0..<brands.count, using: &random)]
        let value = { (key: String) in (state[key] as! NSNumber).doubleValue }
        let move = 1 + Double.random(in: -jitter...jitter, using: &random)
        let price = (value("price") * move * 100).rounded() / 100
        let cost = (value("unit_cost") * move * 100).rounded() / 100
        let competitor = (value("competitor_price") * (1 + Double.random(in: -jitter...jitter, using: &random)) * 100).rounded() / 100
        var sku: [String: Any] = [
            "sku_id": "\(brand)-\(number)",
            "current_price": price,
            "unit_cost": cost,
            "competitor_price": max(0, competitor),
            "inventory_units": Int(value("inventory_units")),
            "days_to_season_end": Int(value("days_to_season_end")),
        ]
        sku["recent_daily_sales"] = state["recent_daily_sales"]
        return sku
    }
}
