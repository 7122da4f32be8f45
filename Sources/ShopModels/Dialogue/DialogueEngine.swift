/// The dialogue policy: given what the models found in a turn and the conversation so far, decide
/// what to do and say. A pure value type (no I/O, no clock): the service signs the state.
///
/// Policy, in order:
/// 1. the user asks for a human → hand-off (normal priority);
/// 2. strongly negative sentiment → hand-off (urgent);
/// 3. refund or complaint → hand-off (high priority);
/// 4. the second consecutive turn not understood → hand-off (normal priority);
/// 5. goodbye → close (the returned state starts afresh);
/// 6. otherwise answer when the intent's required slots are known, else ask for the missing ones.
/// A turn that only supplies slots ("黑色,256G") continues the current intent. Negative sentiment
/// about price attaches a price-care coupon. Replies are in the user's language.
public struct DialogueEngine: Sendable {
    public let knowledgeBase: KnowledgeBase
    /// Below this intent probability a turn without slots counts as not understood.
    public var minimumConfidence: Float = 0.4

    public init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

    static let highRiskIntents: Set<String> = ["return_refund", "complaint"]
    static let taskIntents: Set<String> = ["stock_query", "price_query", "product_comparison", "recommendation", "order_status",
                                           "shipping_info", "return_refund", "cancel_order", "change_address", "payment_issue",
                                           "coupon_promotion", "complaint"]
    static let maxSummaryCharacters = 2_000

    /// Processes one turn.
    /// - Parameters:
    ///   - analysis: the models' reading of `text`.
    ///   - language: the reply language (the request's, or detected from the text).
    ///   - state: the conversation so far (a fresh `ConversationState()` for a new conversation).
    public func respond(to text: String, analysis: TurnAnalysis, language: DialogueLanguage, state previous: ConversationState) -> DialogueReply {
        var state = previous
        state.turnCount += 1
        state.language = language.rawValue
        state.remember(message: text, sentiment: analysis.sentimentScore)
        let compose = ReplyComposer(knowledgeBase: knowledgeBase, language: language)

        let known = analysis.slots.filter { !$0.normalized.isEmpty }
        var intent = analysis.intent
        let continuing = !state.currentIntent.isEmpty && !known.isEmpty
            && (intent == "inform" || (analysis.intentConfidence < minimumConfidence && intent != "human_agent"))
        if continuing {
            intent = state.currentIntent
        } else if intent == "inform" || (analysis.intentConfidence < minimumConfidence && known.isEmpty) {
            intent = "out_of_scope"
        }
        merge(known, into: &state, newIntent: !continuing && intent != state.currentIntent && Self.taskIntents.contains(intent))
        let misunderstood = intent == "out_of_scope" && known.isEmpty
        state.misunderstoodTurns = misunderstood ? state.misunderstoodTurns + 1 : 0
        if Self.taskIntents.contains(intent) { state.currentIntent = intent }

        func handOff(_ reason: DialogueReply.HandoffReason, _ priority: DialogueReply.Priority, _ template: String) -> DialogueReply {
            state.pendingSlots = []
            let ticket = DialogueReply.Handoff(reason: reason, summary: summary(of: state, intent: intent, compose: compose), priority: priority)
            return DialogueReply(text: compose.text(template), language: language, intent: intent, action: .handOff,
                                 handoff: ticket, state: state)
        }
        if intent == "human_agent" { return handOff(.userRequest, .normal, "handoff_user_request") }
        if analysis.sentiment == "negative" && analysis.intensity == "high" {
            return handOff(.negativeSentiment, .urgent, "handoff_negative")
        }
        if Self.highRiskIntents.contains(intent) { return handOff(.highRiskIntent, .high, "handoff_high_risk") }
        if state.misunderstoodTurns >= 2 { return handOff(.repeatedMisunderstanding, .normal, "handoff_misunderstanding") }
        if intent == "goodbye" {
            var fresh = ConversationState()
            fresh.language = state.language
            return DialogueReply(text: compose.text("goodbye"), language: language, intent: intent, action: .close, state: fresh)
        }

        let missing = missingSlots(for: intent, state: state)
        var reply: DialogueReply
        if !missing.isEmpty {
            state.pendingSlots = missing
            reply = DialogueReply(text: compose.text("ask_slots", ["slots": compose.and(missing.map(compose.slotName))]),
                                  language: language, intent: intent, action: .askSlot, requestedSlot: missing[0], state: state)
        } else {
            state.pendingSlots = []
            let answer = DialogueAnswers(knowledgeBase: knowledgeBase, compose: compose).answer(intent: intent, state: state)
            reply = DialogueReply(text: answer.text, language: language, intent: intent, action: .answer,
                                  suggestions: Array(answer.suggestions.prefix(5)), state: state)
        }
        if analysis.sentiment == "negative", intent == "price_query" || intent == "coupon_promotion",
           let coupon = knowledgeBase.coupons.first(where: { $0.use == "price_complaint" }) {
            let description = coupon.description.text(language)
            reply.coupon = (coupon.code, description)
            reply.text += (language == .chinese ? "" : " ") + compose.text("coupon_offer", ["code": coupon.code, "description": description])
        }
        return reply
    }

    /// Fills the state's slots; a new product in focus forgets the previous product's variant choices.
    private func merge(_ slots: [TurnAnalysis.SlotSpan], into state: inout ConversationState, newIntent: Bool) {
        if newIntent { state.secondProduct = "" }
        var products = 0
        for slot in slots {
            if slot.name == "product" {
                products += 1
                if products == 2 {
                    if slot.normalized != state.slots["product"] { state.secondProduct = slot.normalized }
                    continue
                }
                if state.slots["product"] != slot.normalized {
                    for variant in ["color", "storage", "size"] { state.slots[variant] = nil }
                    if !newIntent && state.currentIntent == "product_comparison" && state.slots["product"] != nil {
                        state.secondProduct = slot.normalized
                        continue
                    }
                }
                state.slots["product"] = slot.normalized
            } else {
                state.slots[slot.name] = slot.normalized
            }
        }
    }

    /// The required slots of `intent` that the state does not have, in asking order.
    func missingSlots(for intent: String, state: ConversationState) -> [String] {
        switch intent {
        case "stock_query":
            guard let id = state.productInFocus, let product = knowledgeBase.product(id: id) else { return ["product"] }
            return product.variantSlots.filter { state.slots[$0] == nil }
        case "price_query":
            return state.productInFocus == nil ? ["product"] : []
        case "product_comparison":
            return state.productInFocus == nil ? ["product"] : state.secondProduct.isEmpty ? ["product"] : []
        case "order_status", "cancel_order", "change_address":
            return state.slots["order_id"] == nil ? ["order_id"] : []
        default:
            return []
        }
    }

    /// The hand-off ticket text, in the conversation's language, at most 2,000 characters.
    private func summary(of state: ConversationState, intent: String, compose: ReplyComposer) -> String {
        let zh = compose.language == .chinese
        var parts = [(zh ? "意图: " : "Intent: ") + intent]
        if let product = state.productInFocus { parts.append((zh ? "商品: " : "Product: ") + compose.productName(product)) }
        let details = state.slots.filter { $0.key != "product" }.sorted { $0.key < $1.key }
            .map { "\(compose.slotName($0.key))=\($0.value)" }
        if !details.isEmpty { parts.append((zh ? "已知信息: " : "Details: ") + details.joined(separator: ", ")) }
        let messages = state.recentMessages.map { "«\($0)»" }.joined(separator: " / ")
        parts.append((zh ? "最近消息: " : "Last messages: ") + messages)
        return String(parts.joined(separator: "; ").prefix(Self.maxSummaryCharacters))
    }
}
