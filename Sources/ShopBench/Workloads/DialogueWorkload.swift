import Foundation

/// `dialogue[:locale=en|zh-CN|any]`: DialogueService/Converse, first turns (no state) in the
/// given locale (`any`: both, alternating at random), written from templates
/// (`DialogueUtterances`) filled with the products, colours, variants, order numbers,
/// recipients and coupon codes of the dialogue model's own knowledge base (the file its
/// `config.json` names, `knowledge_base.json` by default).
public struct DialogueWorkload: WorkloadGenerator {
    public static let name = "dialogue"
    public static let method: String? = "shop.v1.DialogueService/Converse"
    public static let usage = "dialogue[:locale=en|zh-CN]  turns over models/dialogue's knowledge base"

    private let locales: [String]
    private let knowledge: DialogueKnowledge
    private var random: SeededRandom

    public init(parameters: WorkloadParameters, models: URL) throws {
        let locale = parameters.string("locale", default: "any")
        let known = DialogueUtterances.templates.keys.sorted()
        guard locale == "any" || known.contains(locale) else {
            throw WorkloadError("dialogue locale=\(locale): expected \(known.joined(separator: ", ")) or any")
        }
        locales = locale == "any" ? known : [locale]
        random = SeededRandom(seed: UInt64(try parameters.int("seed", default: 1)))
        let files = try ModelSideFiles(models: models, model: "dialogue", version: parameters.string("version"))
        let config = try files.json("config.json") as? [String: Any]
        let file = ((config?["architecture"] as? [String: Any])?["knowledge_base"] as? String) ?? "knowledge_base.json"
        knowledge = try DialogueKnowledge(json: try files.json(file), path: files.directory.appendingPathComponent(file).path)
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] {
        (0..<count).map { _ in
            let locale = locales.randomElement(using: &random)!
            let template = DialogueUtterances.templates[locale]!.randomElement(using: &random)!
            return ["text": knowledge.fill(template, locale: locale, using: &random), "language_code": locale]
        }
    }
}
