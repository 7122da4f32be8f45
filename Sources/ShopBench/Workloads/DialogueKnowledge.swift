import Foundation

/// The parts of the dialogue knowledge base the utterance templates name.
struct DialogueKnowledge {
    struct Product {
        var names: [String: String]
        /// Option sets of the variants (`["color": "black", "storage": "128GB"]`).
        var variants: [[String: String]]
        var prices: [Double]
    }

    var products: [Product] = []
    var colorNames: [String: [String: String]] = [:]
    var orderIDs: [String] = []
    var recipientNames: [[String: String]] = []
    var couponCodes: [String] = []
    /// Indices of the products with a colour option.
    var colored: [Int] = []

    init(json: Any, path: String) throws {
        guard let root = json as? [String: Any] else { throw WorkloadError("\(path) is not a JSON object") }
        func objects(_ key: String) -> [[String: Any]] { (root[key] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }
        for product in objects("products") {
            guard let names = product["names"] as? [String: String] else { continue }
            let variants = (product["variants"] as? [[String: Any]]) ?? []
            products.append(Product(names: names, variants: variants.map { ($0["options"] as? [String: String]) ?? [:] },
                                    prices: variants.compactMap { ($0["price"] as? NSNumber)?.doubleValue }))
        }
        for color in objects("colors") {
            if let id = color["id"] as? String, let names = color["names"] as? [String: String] { colorNames[id] = names }
        }
        orderIDs = objects("orders").compactMap { $0["id"] as? String }
        recipientNames = objects("recipients").compactMap { $0["names"] as? [String: String] }
        couponCodes = objects("coupons").compactMap { $0["code"] as? String }
        colored = products.indices.filter { products[$0].variants.contains { $0["color"] != nil } }
        guard products.count >= 2, !colored.isEmpty, !orderIDs.isEmpty, !recipientNames.isEmpty, !couponCodes.isEmpty else {
            throw WorkloadError("\(path) lacks products (2+, one with colours), orders, recipients or coupons for the dialogue workload")
        }
    }

    /// `template` with every placeholder replaced by a value drawn for `locale`.
    func fill(_ template: String, locale: String, using random: inout SeededRandom) -> String {
        // A template that names a colour gets a product that comes in colours.
        let needsColor = template.contains("{color}") || template.contains("{variant}")
        let eligible = needsColor ? colored : Array(products.indices)
        let first = eligible.randomElement(using: &random)!
        let second = (first + Int.random(in: 1..<products.count, using: &random)) % products.count
        let product = products[first]
        let variant = product.variants.randomElement(using: &random) ?? [:]
        let colorID = variant["color"] ?? product.variants.compactMap { $0["color"] }.first
        let color = colorID.map { colorNames[$0]?[locale] ?? $0 } ?? ""
        let detail = [variant["storage"], variant["size"]].compactMap { $0 }.joined(separator: " ")
        let separator = locale == "en" ? " " : ""
        let budget = Int(((product.prices.randomElement(using: &random) ?? 1000) / 100).rounded(.up) * 100)
        let values: [String: String] = [
            "{product}": product.names[locale] ?? product.names.values.first!,
            "{product2}": products[second].names[locale] ?? products[second].names.values.first!,
            "{color}": color,
            "{variant}": [color, detail].filter { !$0.isEmpty }.joined(separator: separator),
            "{order_id}": orderIDs.randomElement(using: &random)!,
            "{recipient}": recipientNames.randomElement(using: &random).flatMap { $0[locale] ?? $0.values.first } ?? "",
            "{budget}": String(budget),
            "{coupon}": couponCodes.randomElement(using: &random)!,
        ]
        var text = template
        for (placeholder, value) in values where text.contains(placeholder) {
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        return text
    }
}
