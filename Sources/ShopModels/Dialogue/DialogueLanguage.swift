import Foundation

/// The two reply languages.
public enum DialogueLanguage: String, Sendable, Equatable {
    case chinese = "zh-CN"
    case english = "en"

    /// A BCP-47 tag mapped to a reply language: `zh`, `zh-CN`, `zh-Hans`, `zh-TW`, … → Chinese;
    /// `en`, `en-US`, … → English; empty → nil (detect from the text); anything else → English.
    public static func from(code: String) -> DialogueLanguage? {
        let lower = code.lowercased()
        if lower.isEmpty { return nil }
        return lower == "zh" || lower.hasPrefix("zh-") || lower.hasPrefix("zh_") ? .chinese : .english
    }

    /// Chinese when the text has a CJK ideograph; English when it has a Latin word of 3+ letters;
    /// otherwise (digits, "256GB", emoji) `fallback` (the conversation's language), else English.
    public static func detect(_ text: String, fallback: DialogueLanguage? = nil) -> DialogueLanguage {
        if text.unicodeScalars.contains(where: { (0x3400...0x9FFF).contains($0.value) || (0xF900...0xFAFF).contains($0.value) }) {
            return .chinese
        }
        var run = 0
        for scalar in text.unicodeScalars {
            let letter = (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
            run = letter ? run + 1 : 0
            if run >= 3 { return .english }
        }
        return fallback ?? .english
    }
}

/// Fills `{placeholder}`s of the knowledge base's reply templates.
struct ReplyComposer {
    let knowledgeBase: KnowledgeBase
    let language: DialogueLanguage

    func text(_ template: String, _ values: [String: String] = [:]) -> String {
        var text = knowledgeBase.replies[template]?.text(language) ?? ""
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }

    func list(_ items: [String]) -> String {
        switch language {
        case .chinese: return items.joined(separator: "、")
        case .english: return items.joined(separator: ", ")
        }
    }

    func and(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        switch language {
        case .chinese: return items.dropLast().joined(separator: "、") + "和" + items.last!
        case .english: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    func price(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    func slotName(_ slot: String) -> String { knowledgeBase.slotNames[slot]?.text(language) ?? slot }
    func productName(_ id: String) -> String { knowledgeBase.product(id: id)?.names.text(language) ?? id }

    /// "黑色 256GB" / "black, 256GB".
    func variantText(_ options: [String: String], slots: [String]) -> String {
        let parts = slots.compactMap { slot -> String? in
            guard let value = options[slot] else { return nil }
            if slot == "color", let color = knowledgeBase.color(id: value) { return color.names.text(language) }
            return slot == "size" && language == .chinese ? value + "码" : value
        }
        return parts.joined(separator: language == .chinese ? " " : ", ")
    }
}
