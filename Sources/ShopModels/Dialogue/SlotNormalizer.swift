import Foundation

/// Normalizes raw slot text against the knowledge base: 黑色 / black / blk → `black`,
/// 256G / 256 gb / 256个G → `256GB`, 星耀X1 / nova x1 → `phone-x1`, 两台 → `2`, ¥500 / 500块 → `500`.
/// Returns nil when the value matches nothing the knowledge base knows.
public struct SlotNormalizer: Sendable {
    public let knowledgeBase: KnowledgeBase

    public init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

    public func normalize(slot: String, raw: String) -> String? {
        let key = Self.key(raw)
        guard !key.isEmpty else { return nil }
        switch slot {
        case "product": return bestMatch(key, knowledgeBase.products.map { ($0.id, [$0.names.zh, $0.names.en] + $0.aliases) })
        case "color": return bestMatch(key, knowledgeBase.colors.map { ($0.id, [$0.names.zh, $0.names.en] + $0.aliases) })
        case "recipient": return bestMatch(key, knowledgeBase.recipients.map { ($0.id, [$0.names.zh, $0.names.en] + $0.aliases) })
        case "storage": return storage(key)
        case "size": return size(key)
        case "quantity": return Self.number(in: key).map { String($0) }
        case "budget": return Self.number(in: key).map { String($0) }
        case "order_id":
            let digits = key.filter(\.isASCII).filter(\.isNumber)
            return digits.count >= 6 ? String(digits) : nil
        default: return nil
        }
    }

    /// Lower-cased, normalized, without spaces and common punctuation.
    static func key(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in TextNormalizer.normalize(text) where !" -_.,'\"!?:;()".unicodeScalars.contains(scalar) {
            view.append(scalar)
        }
        return String(view)
    }

    /// Exact match of a name or alias first, then the longest name contained in the value (or, for
    /// values of 2+ characters, a name starting with the value).
    private func bestMatch(_ key: String, _ candidates: [(id: String, names: [String])]) -> String? {
        var best: (id: String, length: Int)?
        for candidate in candidates {
            for name in candidate.names {
                let nameKey = Self.key(name)
                if nameKey == key { return candidate.id }
                if nameKey.count >= 1, key.contains(nameKey), nameKey.count > (best?.length ?? 0) {
                    best = (candidate.id, nameKey.count)
                } else if key.count >= 2, nameKey.hasPrefix(key), key.count > (best?.length ?? 0) {
                    best = (candidate.id, key.count)
                }
            }
        }
        return best?.id
    }

    private func storage(_ key: String) -> String? {
        guard let amount = Self.number(in: key) else { return nil }
        let terabytes = key.contains("t")
        let value = terabytes ? "\(amount)TB" : "\(amount)GB"
        let known = Set(knowledgeBase.products.flatMap { $0.variants.compactMap { $0.options["storage"] } })
        return known.contains(value) ? value : nil
    }

    private func size(_ key: String) -> String? {
        var value = key
        for noise in ["size", "码", "号", "尺码", "eu"] { value = value.replacingOccurrences(of: noise, with: "") }
        value = value.uppercased()
        let known = Set(knowledgeBase.products.flatMap { $0.variants.compactMap { $0.options["size"] } })
        return known.contains(value) ? value : nil
    }

    static let chineseDigits: [Character: Int] = ["零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
    static let englishNumbers = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                                 "nine": 9, "ten": 10, "a couple": 2, "couple": 2, "a pair": 2]

    /// The first number in `text`: ASCII digits (with a 千/k/万 multiplier after them), Chinese
    /// numerals up to 万, or an English number word.
    static func number(in text: String) -> Int? {
        let characters = Array(text)
        if let first = characters.firstIndex(where: { $0.isASCII && $0.isNumber }) {
            var end = first
            while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
            guard var value = Int(String(characters[first..<end])) else { return nil }
            if end < characters.count {
                switch characters[end] {
                case "千", "k": value *= 1_000
                case "万", "w": value *= 10_000
                default: break
                }
            }
            return value
        }
        var total = 0, digit = -1, found = false
        for character in characters {
            if let d = chineseDigits[character] {
                digit = d
                found = true
            } else if let unit = ["十": 10, "百": 100, "千": 1_000, "万": 10_000][character] {
                total += (digit < 0 ? 1 : digit) * unit
                digit = -1
                found = true
            } else if found {
                break
            }
        }
        if found { return total + max(digit, 0) }
        for (word, value) in englishNumbers where text.contains(word) { return value }
        return nil
    }
}
