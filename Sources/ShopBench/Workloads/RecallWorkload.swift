import Foundation

/// `recall[:recent=N,limit=N]`: RecallService/Recall for a user drawn from the recall
/// model's `users.json` with `recent` recently seen items from its `items.json`.
public struct RecallWorkload: WorkloadGenerator {
    public static let name = "recall"
    public static let method: String? = "shop.v1.RecallService/Recall"
    public static let usage = "recall[:recent=10,limit=200]  users and items of models/recall"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        let recent = try parameters.int("recent", default: 10, range: 0...200)
        let limit = try parameters.int("limit", default: 200, range: 1...1000)
        var draws = [FieldDraw(field: "user_id", file: "users.json")]
        if recent > 0 { draws.append(FieldDraw(field: "recent_item_ids", file: "items.json", count: recent)) }
        sampler = try SideFileSampler(model: "recall", parameters: parameters, models: models, draws: draws,
                                      fixed: ["limit": limit])
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] { sampler.makeRequests(count: count) }
}
