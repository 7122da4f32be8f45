import Foundation

/// `image_search[:limit=N]`: ImageSearchService/Search with a query drawn from the
/// image_search model's `queries.json` (objects merged into the request, e.g.
/// `{"embedding": {"values": [...]}}` or `{"png_image": "<base64>"}`).
public struct ImageSearchWorkload: WorkloadGenerator {
    public static let name = "image_search"
    public static let method: String? = "shop.v1.ImageSearchService/Search"
    public static let usage = "image_search[:limit=10,version=V,seed=S] (models/image_search/<v>/queries.json)"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        let limit = try parameters.int("limit", default: 10, range: 1...1000)
        sampler = try SideFileSampler(model: "image_search", parameters: parameters, models: models,
                                      draws: [FieldDraw(field: "", file: "queries.json")], fixed: ["limit": limit])
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] { sampler.makeRequests(count: count) }
}
