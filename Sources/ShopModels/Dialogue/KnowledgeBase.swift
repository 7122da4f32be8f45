import Foundation

/// The shop's knowledge base for the dialogue engine: catalogue with variants, stock per warehouse,
/// prices, shipping / return / payment texts, coupons, orders and reply templates. Read from the
/// model version's `knowledge_base.json` side file; the format is documented in
/// docs/dialogue-knowledge-base.md and users may replace the file with their own shop's.
public struct KnowledgeBase: Codable, Sendable {
    /// Text in both reply languages.
    public struct Localized: Codable, Sendable, Hashable {
        public var zh: String
        public var en: String
        enum CodingKeys: String, CodingKey { case zh = "zh-CN", en }
        /// The text in `language`.
        public func text(_ language: DialogueLanguage) -> String { language == .chinese ? zh : en }
    }

    public struct Color: Codable, Sendable {
        public var id: String
        public var names: Localized
        public var aliases: [String]
    }

    public struct Warehouse: Codable, Sendable {
        public var id: String
        public var names: Localized
        public var shipDays: Int
        enum CodingKeys: String, CodingKey { case id, names, shipDays = "ship_days" }
    }

    /// One purchasable variant: its options (slot → normalized value), price and stock per warehouse.
    public struct Variant: Codable, Sendable {
        public var options: [String: String]
        public var price: Double
        public var stock: [String: Int]
    }

    public struct Product: Codable, Sendable {
        public var id: String
        public var names: Localized
        public var aliases: [String]
        public var category: String
        /// The slots that choose a variant (`color`, `storage`, `size`), asked for before a stock answer.
        public var variantSlots: [String]
        public var tags: [String]
        public var variants: [Variant]
        enum CodingKeys: String, CodingKey { case id, names, aliases, category, variantSlots = "variant_slots", tags, variants }

        /// Lowest and highest variant price.
        public var priceRange: (min: Double, max: Double) {
            let prices = variants.map(\.price)
            return (prices.min() ?? 0, prices.max() ?? 0)
        }
    }

    public struct Recipient: Codable, Sendable {
        public var id: String
        public var names: Localized
        public var aliases: [String]
        public var tags: [String]
    }

    public struct Policy: Codable, Sendable {
        public var text: Localized
    }

    public struct Coupon: Codable, Sendable {
        public var code: String
        /// `promotion` (listed when asked) or `price_complaint` (offered to unhappy customers about price).
        public var use: String
        public var description: Localized
    }

    public struct Order: Codable, Sendable {
        public var id: String
        public var status: String
        public var carrier: String
        public var etaDays: Int
        public var items: [String]
        enum CodingKeys: String, CodingKey { case id, status, carrier, etaDays = "eta_days", items }
    }

    public var format: String
    public var formatVersion: Int
    public var currency: String
    public var colors: [Color]
    public var warehouses: [Warehouse]
    public var products: [Product]
    public var recipients: [Recipient]
    public var shipping: Policy
    public var returns: Policy
    public var payment: Policy
    public var coupons: [Coupon]
    public var orders: [Order]
    public var orderStatusNames: [String: Localized]
    public var slotNames: [String: Localized]
    /// Reply templates by name; `{placeholder}`s are filled by the engine.
    public var replies: [String: Localized]
    /// Display names of the product categories.
    public var categories: [String: Localized]

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", currency, colors, warehouses, products, recipients, shipping,
             returns, payment, coupons, orders, orderStatusNames = "order_status_names", slotNames = "slot_names", replies, categories
    }

    /// The reply templates the engine uses; a knowledge base must define them all.
    public static let requiredReplies = [
        "greet", "goodbye", "thanks", "ask_slots", "stock_available", "stock_unavailable", "stock_elsewhere", "price",
        "price_range", "comparison", "recommendation", "order_status", "order_unknown", "shipping", "return_policy",
        "cancel_order", "cancel_order_shipped", "change_address", "payment", "promotions", "coupon_offer",
        "out_of_scope", "handoff_user_request", "handoff_high_risk", "handoff_misunderstanding", "handoff_negative",
    ]

    /// Reads and checks a knowledge base file.
    public static func load(path: String) throws -> KnowledgeBase {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let kb: KnowledgeBase
        do {
            kb = try JSONDecoder().decode(KnowledgeBase.self, from: data)
        } catch {
            throw KnowledgeBaseError("\(path): \((error as? DecodingError)?.oneLineDescription ?? "\(error)")")
        }
        guard kb.format == "shopserve-dialogue-kb", kb.formatVersion == 1 else {
            throw KnowledgeBaseError("\(path): format must be 'shopserve-dialogue-kb' version 1")
        }
        if let missing = requiredReplies.first(where: { kb.replies[$0] == nil }) {
            throw KnowledgeBaseError("\(path): replies.\(missing) is missing")
        }
        for product in kb.products {
            for slot in product.variantSlots where !["color", "storage", "size"].contains(slot) {
                throw KnowledgeBaseError("\(path): product \(product.id): unknown variant slot '\(slot)'")
            }
        }
        return kb
    }

    public func product(id: String) -> Product? { products.first { $0.id == id } }
    public func color(id: String) -> Color? { colors.first { $0.id == id } }
    public func warehouse(id: String) -> Warehouse? { warehouses.first { $0.id == id } }
    public func order(id: String) -> Order? { orders.first { $0.id == id } }
}

/// A knowledge base that cannot be used (the model version is refused).
public struct KnowledgeBaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
