import Foundation

/// `dialogue`: DialogueService/Converse, first turns with a user text drawn from the
/// dialogue model's `utterances.json` (an array of strings, Chinese and English).
public struct DialogueWorkload: WorkloadGenerator {
    public static let name = "dialogue"
    public static let method: String? = "shop.v1.DialogueService/Converse"
    public static let usage = "dialogue[:version=V,seed=S] (models/dialogue/<v>/utterances.json)"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        sampler = try SideFileSampler(model: "dialogue", parameters: parameters, models: models,
                                      draws: [FieldDraw(field: "text", file: "utterances.json")])
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] { sampler.makeRequests(count: count) }
}
