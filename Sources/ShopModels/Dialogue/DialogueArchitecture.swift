/// The `architecture` of a `dialogue.ngram` config.json (written by tools/train/dialogue).
public struct DialogueArchitecture: Codable, Sendable {
    public struct Features: Codable, Sendable {
        public var textBuckets: Int
        public var slotBuckets: Int
        public var slotFeaturesPerChar: Int
        enum CodingKeys: String, CodingKey {
            case textBuckets = "text_buckets", slotBuckets = "slot_buckets", slotFeaturesPerChar = "slot_features_per_char"
        }
    }

    public var features: Features
    /// Intent names in the intent model's output order.
    public var intents: [String]
    /// Slot names.
    public var slots: [String]
    /// BIO tags in the slot tagger's output order ("O", "B-product", "I-product", ...).
    public var slotTags: [String]
    /// Sentiment labels in output order (negative, neutral, positive).
    public var sentiments: [String]
    /// Intensities in output order (low, medium, high).
    public var intensities: [String]
    /// The knowledge base side file.
    public var knowledgeBase: String

    enum CodingKeys: String, CodingKey {
        case features, intents, slots, slotTags = "slot_tags", sentiments, intensities, knowledgeBase = "knowledge_base"
    }
}
