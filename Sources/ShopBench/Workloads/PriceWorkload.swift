import Foundation

/// `price[:skus=N]`: PriceService/SuggestPrices for `skus` SKU states drawn from the price
/// model's `skus.json` (an array of `SkuState` objects in proto3 JSON).
public struct PriceWorkload: WorkloadGenerator {
    public static let name = "price"
    public static let method: String? = "shop.v1.PriceService/SuggestPrices"
    public static let usage = "price[:skus=10,version=V,seed=S] (models/price/<v>/skus.json)"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        let skus = try parameters.int("skus", default: 10, range: 1...10_000)
        sampler = try SideFileSampler(model: "price", parameters: parameters, models: models,
                                      draws: [FieldDraw(field: "skus", file: "skus.json", count: skus)])
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] { sampler.makeRequests(count: count) }
}
