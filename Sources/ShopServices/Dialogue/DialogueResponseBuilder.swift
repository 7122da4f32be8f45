import ShopModels
import ShopProtoC
import ShopWire

/// Builds a `ConverseResponse` in the call's arena from the engine's reply.
enum DialogueResponseBuilder {
    static let intents = ["greet", "goodbye", "thanks", "stock_query", "price_query", "product_comparison", "recommendation",
                          "order_status", "shipping_info", "return_refund", "cancel_order", "change_address", "payment_issue",
                          "coupon_promotion", "complaint", "human_agent", "out_of_scope"]

    static func build(_ reply: DialogueReply, analysis: TurnAnalysis, sealed: [UInt8], status: Shop__V1__StateStatus,
                      turns: Int, version: Int, arena: MessageArena) -> UnsafePointer<Shop__V1__ConverseResponse> {
        let response = arena.make(DialogueService.responseType)
        var m = response.pointee
        m.reply_text = arena.copy(reply.text)
        m.language_code = arena.copy(reply.language.rawValue)
        m.intent = Shop__V1__Intent(rawValue: UInt32(intentNumber(reply.intent)))
        // The classifier's probability of the reported intent (a turn that only gave slots continues
        // the conversation's intent: its probability is usually low, and says so).
        m.intent_confidence = analysis.intentProbabilities[reply.intent] ?? (reply.intent == analysis.intent ? analysis.intentConfidence : 0)

        let slots = arena.allocate(UnsafeMutablePointer<Shop__V1__Slot>?.self, count: max(analysis.slots.count, 1))
        for (i, span) in analysis.slots.enumerated() {
            let slot = arena.make(ProtoMessageType<Shop__V1__Slot>(shop__v1__slot__init))
            slot.pointee.name = arena.copy(span.name)
            slot.pointee.raw_value = arena.copy(span.raw)
            slot.pointee.normalized_value = arena.copy(span.normalized)
            slot.pointee.start_offset = Int32(span.start)
            slot.pointee.end_offset = Int32(span.end)
            slots[i] = slot
        }
        m.n_slots = analysis.slots.count
        m.slots = slots

        let sentiment = arena.make(ProtoMessageType<Shop__V1__Sentiment>(shop__v1__sentiment__init))
        sentiment.pointee.label = Shop__V1__SentimentLabel(rawValue: ["negative": 1, "neutral": 2, "positive": 3][analysis.sentiment] ?? 2)
        sentiment.pointee.score = analysis.sentimentScore
        sentiment.pointee.intensity = Shop__V1__SentimentIntensity(rawValue: ["low": 1, "medium": 2, "high": 3][analysis.intensity] ?? 1)
        m.sentiment = sentiment

        switch reply.action {
        case .answer: m.next_action = SHOP__V1__NEXT_ACTION__NEXT_ACTION_ANSWER
        case .askSlot: m.next_action = SHOP__V1__NEXT_ACTION__NEXT_ACTION_ASK_SLOT
        case .handOff: m.next_action = SHOP__V1__NEXT_ACTION__NEXT_ACTION_HAND_OFF
        case .close: m.next_action = SHOP__V1__NEXT_ACTION__NEXT_ACTION_CLOSE
        }
        m.requested_slot = arena.copy(reply.requestedSlot)
        if let ticket = reply.handoff {
            let handoff = arena.make(ProtoMessageType<Shop__V1__Handoff>(shop__v1__handoff__init))
            let reasons: [DialogueReply.HandoffReason: UInt32] = [.userRequest: 1, .highRiskIntent: 2, .repeatedMisunderstanding: 3, .negativeSentiment: 4]
            handoff.pointee.reason = Shop__V1__HandoffReason(rawValue: reasons[ticket.reason] ?? 0)
            handoff.pointee.ticket_summary = arena.copy(ticket.summary)
            handoff.pointee.priority = Shop__V1__HandoffPriority(rawValue: UInt32(ticket.priority.rawValue))
            m.handoff = handoff
        }
        let items = arena.allocate(UnsafeMutablePointer<Shop__V1__SuggestedItem>?.self, count: max(reply.suggestions.count, 1))
        for (i, suggestion) in reply.suggestions.enumerated() {
            let item = arena.make(ProtoMessageType<Shop__V1__SuggestedItem>(shop__v1__suggested_item__init))
            item.pointee.item_id = arena.copy(suggestion.itemID)
            item.pointee.title = arena.copy(suggestion.title)
            item.pointee.price = suggestion.price
            item.pointee.reason = arena.copy(suggestion.reason)
            items[i] = item
        }
        m.n_suggested_items = reply.suggestions.count
        m.suggested_items = items
        if let offered = reply.coupon {
            let coupon = arena.make(ProtoMessageType<Shop__V1__Coupon>(shop__v1__coupon__init))
            coupon.pointee.code = arena.copy(offered.code)
            coupon.pointee.description = arena.copy(offered.description)
            m.coupon = coupon
        }
        m.state = arena.copy(bytes: sealed)
        m.state_status = status
        m.turn_count = Int32(clamping: turns)
        m.model_version = arena.copy(String(version))
        response.pointee = m
        return UnsafePointer(response)
    }

    /// The proto enum number of an engine intent (OUT_OF_SCOPE for anything unknown).
    static func intentNumber(_ intent: String) -> Int {
        (intents.firstIndex(of: intent) ?? (intents.count - 1)) + 1
    }
}
