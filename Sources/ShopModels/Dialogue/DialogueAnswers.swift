import Foundation

/// Answers from the knowledge base for an intent whose required slots are known.
struct DialogueAnswers {
    let knowledgeBase: KnowledgeBase
    let compose: ReplyComposer
    typealias Suggestion = DialogueReply.Suggestion

    func answer(intent: String, state: ConversationState) -> (text: String, suggestions: [Suggestion]) {
        let product = state.productInFocus.flatMap(knowledgeBase.product(id:))
        switch intent {
        case "greet": return (compose.text("greet"), [])
        case "thanks": return (compose.text("thanks"), [])
        case "stock_query": return product.map { stock($0, state: state) } ?? (compose.text("out_of_scope"), [])
        case "price_query": return product.map { price($0, state: state) } ?? (compose.text("out_of_scope"), [])
        case "product_comparison":
            guard let product, let second = knowledgeBase.product(id: state.secondProduct) else { return (compose.text("out_of_scope"), []) }
            return comparison(product, second)
        case "recommendation": return recommendation(state: state)
        case "order_status", "cancel_order", "change_address": return order(intent: intent, id: state.slots["order_id"] ?? "")
        case "shipping_info": return (compose.text("shipping", ["policy": knowledgeBase.shipping.text.text(compose.language)]), [])
        case "payment_issue": return (compose.text("payment", ["policy": knowledgeBase.payment.text.text(compose.language)]), [])
        case "coupon_promotion":
            let offers = knowledgeBase.coupons.filter { $0.use == "promotion" }
                .map { "\($0.code) (\($0.description.text(compose.language)))" }
            return (compose.text("promotions", ["coupons": compose.list(offers)]), [])
        default: return (compose.text("out_of_scope"), [])
        }
    }

    private func suggestion(_ product: KnowledgeBase.Product, price: Double, reason: String) -> Suggestion {
        Suggestion(itemID: product.id, title: product.names.text(compose.language), price: price, reason: reason)
    }

    /// The first warehouse (fastest shipping) holding `variant`.
    private func warehouse(for variant: KnowledgeBase.Variant) -> KnowledgeBase.Warehouse? {
        knowledgeBase.warehouses.filter { (variant.stock[$0.id] ?? 0) > 0 }.min { $0.shipDays < $1.shipDays }
    }

    private func stock(_ product: KnowledgeBase.Product, state: ConversationState) -> (String, [Suggestion]) {
        let wanted = state.slots.filter { product.variantSlots.contains($0.key) }
        let name = product.names.text(compose.language)
        let variantText = compose.variantText(wanted, slots: product.variantSlots)
        guard let variant = product.variants.first(where: { $0.options == wanted }) else {
            return (compose.text("stock_unavailable", ["product": name, "variant": variantText]), [])
        }
        if let warehouse = warehouse(for: variant) {
            let values = ["product": name, "variant": variantText, "warehouse": warehouse.names.text(compose.language),
                          "ship_days": String(warehouse.shipDays)]
            let reason = compose.language == .chinese ? "\(warehouse.names.zh)有货,\(warehouse.shipDays)天内发货"
                : "in stock at the \(warehouse.names.en), ships within \(warehouse.shipDays) day(s)"
            return (compose.text("stock_available", values), [suggestion(product, price: variant.price, reason: reason)])
        }
        // Prefer an in-stock variant sharing the most options with the one asked for.
        let alternatives = product.variants.filter { warehouse(for: $0) != nil }
            .sorted { a, b in a.options.filter { wanted[$0.key] == $0.value }.count > b.options.filter { wanted[$0.key] == $0.value }.count }
        guard let alternative = alternatives.first else {
            return (compose.text("stock_unavailable", ["product": name, "variant": variantText]), [])
        }
        let alternativeText = compose.variantText(alternative.options, slots: product.variantSlots)
        let text = compose.text("stock_elsewhere", ["product": name, "variant": variantText, "alternative": alternativeText])
        return (text, [suggestion(product, price: alternative.price, reason: alternativeText)])
    }

    private func price(_ product: KnowledgeBase.Product, state: ConversationState) -> (String, [Suggestion]) {
        let name = product.names.text(compose.language)
        let wanted = state.slots.filter { product.variantSlots.contains($0.key) }
        let matching = product.variants.filter { variant in wanted.allSatisfy { variant.options[$0.key] == nil || variant.options[$0.key] == $0.value } }
        let prices = Set((matching.isEmpty ? product.variants : matching).map(\.price))
        if prices.count == 1, let only = prices.first {
            let text = compose.text("price", ["product": name, "variant": compose.variantText(wanted, slots: product.variantSlots),
                                              "price": compose.price(only)])
                .replacingOccurrences(of: "()", with: "").replacingOccurrences(of: "( )", with: "").replacingOccurrences(of: " ()", with: "")
            return (text, [suggestion(product, price: only, reason: "")])
        }
        let range = (prices.min() ?? 0, prices.max() ?? 0)
        return (compose.text("price_range", ["product": name, "min": compose.price(range.0), "max": compose.price(range.1)]),
                [suggestion(product, price: range.0, reason: "")])
    }

    private func comparison(_ a: KnowledgeBase.Product, _ b: KnowledgeBase.Product) -> (String, [Suggestion]) {
        func category(_ p: KnowledgeBase.Product) -> String { knowledgeBase.categories[p.category]?.text(compose.language) ?? p.category }
        func from(_ p: KnowledgeBase.Product) -> String {
            let range = p.priceRange
            return range.min == range.max ? compose.price(range.min) : "\(compose.price(range.min))–\(compose.price(range.max))"
        }
        let text = compose.text("comparison", ["first": a.names.text(compose.language), "second": b.names.text(compose.language),
                                               "first_price": from(a), "second_price": from(b),
                                               "first_category": category(a), "second_category": category(b)])
        return (text, [a, b].map { suggestion($0, price: $0.priceRange.min, reason: category($0)) })
    }

    private func recommendation(state: ConversationState) -> (String, [Suggestion]) {
        let budget = state.slots["budget"].flatMap(Double.init)
        let recipientTags = Set(state.slots["recipient"].flatMap { id in knowledgeBase.recipients.first { $0.id == id } }?.tags ?? ["gift"])
        let candidates = knowledgeBase.products.filter { product in
            budget.map { product.priceRange.min <= $0 } ?? true
        }
        let ranked = candidates.sorted { a, b in
            let ma = Set(a.tags).intersection(recipientTags).count, mb = Set(b.tags).intersection(recipientTags).count
            return ma != mb ? ma > mb : a.priceRange.min > b.priceRange.min
        }.prefix(3)
        guard !ranked.isEmpty else { return (compose.text("out_of_scope"), []) }
        let items = ranked.map { "\($0.names.text(compose.language)) (\(compose.price($0.priceRange.min))\(compose.language == .chinese ? "元起" : " CNY+"))" }
        let reason = compose.language == .chinese ? "符合您的需求" : "fits what you asked for"
        return (compose.text("recommendation", ["items": compose.list(items)]),
                ranked.map { suggestion($0, price: $0.priceRange.min, reason: reason) })
    }

    private func order(intent: String, id: String) -> (String, [Suggestion]) {
        guard let order = knowledgeBase.order(id: id) else { return (compose.text("order_unknown", ["order_id": id]), []) }
        switch intent {
        case "cancel_order":
            let shipped = order.status == "shipped" || order.status == "delivered"
            return (compose.text(shipped ? "cancel_order_shipped" : "cancel_order", ["order_id": id]), [])
        case "change_address":
            return (compose.text("change_address", ["order_id": id]), [])
        default:
            let status = knowledgeBase.orderStatusNames[order.status]?.text(compose.language) ?? order.status
            var detail = ""
            if order.status == "shipped" || order.status == "processing" {
                let carrier = order.carrier.isEmpty ? "" : (compose.language == .chinese ? ",承运商\(order.carrier)" : " with \(order.carrier)")
                detail = carrier + (compose.language == .chinese ? ",预计\(order.etaDays)天内送达" : ", expected within \(order.etaDays) day(s)")
            }
            return (compose.text("order_status", ["order_id": id, "status": status, "detail": detail]), [])
        }
    }
}
