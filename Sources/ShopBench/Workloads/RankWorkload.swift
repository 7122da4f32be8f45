import Foundation

/// `rank[:candidates=N,behavior=N]`: RankService/Rank for a user drawn from the rank
/// model's `users.json`, with `behavior` recent items and `candidates` candidate items drawn
/// from its `items.json`.
public struct RankWorkload: WorkloadGenerator {
    public static let name = "rank"
    public static let method: String? = "shop.v1.RankService/Rank"
    public static let usage = "rank[:candidates=100,behavior=20]  users and items of models/rank"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        let candidates = try parameters.int("candidates", default: 100, range: 1...2000)
        let behavior = try parameters.int("behavior", default: 20, range: 0...1000)
        var draws = [FieldDraw(field: "user_id", file: "users.json"),
                     FieldDraw(field: "candidate_item_ids", file: "items.json", count: candidates)]
        if behavior > 0 { draws.append(FieldDraw(field: "behavior_item_ids", file: "items.json", count: behavior)) }
        sampler = try SideFileSampler(model: "rank", parameters: parameters, models: models, draws: draws)
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] { sampler.makeRequests(count: count) }
}
