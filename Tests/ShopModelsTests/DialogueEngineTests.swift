import XCTest
@testable import ShopModels

/// The dialogue policy, table-driven over hand-made model outputs (no model needed), on the demo
/// knowledge base.
final class DialogueEngineTests: XCTestCase {
    static let knowledgeBase = try! KnowledgeBase.load(path: packageRoot() + "/tools/train/dialogue/knowledge_base.json")
    let engine = DialogueEngine(knowledgeBase: knowledgeBase)

    /// A model reading: intent, slots as (name, raw, normalized), sentiment.
    func reading(_ intent: String, _ confidence: Float = 0.95, slots: [(String, String, String)] = [],
                 sentiment: String = "neutral", score: Float = 0, intensity: String = "low") -> TurnAnalysis {
        TurnAnalysis(intent: intent, intentConfidence: confidence,
                     slots: slots.map { .init(name: $0.0, raw: $0.1, normalized: $0.2, start: 0, end: $0.1.unicodeScalars.count) },
                     sentiment: sentiment, sentimentScore: score, intensity: intensity)
    }

    struct Turn {
        var text: String
        var analysis: TurnAnalysis
        var language: DialogueLanguage
        var action: DialogueReply.Action
        var intent: String
        var requestedSlot = ""
        var handoff: (DialogueReply.HandoffReason, DialogueReply.Priority)? = nil
        var replyContains: [String] = []
        var coupon: String? = nil
    }

    /// Plays `turns` as one conversation, checking each reply.
    func play(_ turns: [Turn], file: StaticString = #filePath, line: UInt = #line) {
        var state = ConversationState()
        for (index, turn) in turns.enumerated() {
            let reply = engine.respond(to: turn.text, analysis: turn.analysis, language: turn.language, state: state)
            let label = "turn \(index + 1) '\(turn.text)' → '\(reply.text)'"
            XCTAssertEqual(reply.action, turn.action, label, file: file, line: line)
            XCTAssertEqual(reply.intent, turn.intent, label, file: file, line: line)
            XCTAssertEqual(reply.requestedSlot, turn.requestedSlot, label, file: file, line: line)
            XCTAssertEqual(reply.handoff?.reason, turn.handoff?.0, label, file: file, line: line)
            XCTAssertEqual(reply.handoff?.priority, turn.handoff?.1, label, file: file, line: line)
            XCTAssertEqual(reply.coupon?.code, turn.coupon, label, file: file, line: line)
            XCTAssertEqual(reply.language, turn.language, label, file: file, line: line)
            for fragment in turn.replyContains {
                XCTAssertTrue(reply.text.contains(fragment), "\(label) lacks '\(fragment)'", file: file, line: line)
            }
            if let ticket = reply.handoff {
                XCTAssertTrue(ticket.summary.contains(turn.text), "ticket lists the last message: \(ticket.summary)", file: file, line: line)
                XCTAssertLessThanOrEqual(ticket.summary.count, 2_000)
            }
            state = reply.state
        }
    }

    func testStockQueryAsksForVariantThenNamesWarehouse() {
        play([
            Turn(text: "我想看看星耀X1", analysis: reading("stock_query", slots: [("product", "星耀X1", "phone-x1")]),
                 language: .chinese, action: .askSlot, intent: "stock_query", requestedSlot: "color", replyContains: ["颜色和存储版本"]),
            Turn(text: "黑色,256G。", analysis: reading("inform", slots: [("color", "黑色", "black"), ("storage", "256G", "256GB")]),
                 language: .chinese, action: .answer, intent: "stock_query", replyContains: ["上海仓", "1天"]),
        ])
    }

    func testProductInFocusCarriesOverAndOutOfStockSuggestsAnother() {
        play([
            Turn(text: "how much is the Nova X1", analysis: reading("price_query", slots: [("product", "Nova X1", "phone-x1")]),
                 language: .english, action: .answer, intent: "price_query", replyContains: ["3999", "5299"]),
            Turn(text: "is this available", analysis: reading("stock_query"), language: .english, action: .askSlot,
                 intent: "stock_query", requestedSlot: "color", replyContains: ["colour and storage"]),
            Turn(text: "white, 512GB", analysis: reading("inform", slots: [("color", "white", "white"), ("storage", "512GB", "512GB")]),
                 language: .english, action: .answer, intent: "stock_query", replyContains: ["out of stock"]),
        ])
    }

    func testOrderStatusWithOrderIDGivenLate() {
        play([
            Turn(text: "我的订单到哪了", analysis: reading("order_status"), language: .chinese, action: .askSlot,
                 intent: "order_status", requestedSlot: "order_id", replyContains: ["订单号"]),
            Turn(text: "202405180001", analysis: reading("inform", slots: [("order_id", "202405180001", "202405180001")]),
                 language: .chinese, action: .answer, intent: "order_status", replyContains: ["已发货", "SF Express"]),
        ])
    }

    func testHandOffs() {
        play([Turn(text: "转人工", analysis: reading("human_agent"), language: .chinese, action: .handOff, intent: "human_agent",
                   handoff: (.userRequest, .normal))])
        play([Turn(text: "I want a refund for 202405170015", analysis: reading("return_refund", slots: [("order_id", "202405170015", "202405170015")]),
                   language: .english, action: .handOff, intent: "return_refund", handoff: (.highRiskIntent, .high))])
        play([Turn(text: "你们就是骗子!!!", analysis: reading("complaint", sentiment: "negative", score: -0.9, intensity: "high"),
                   language: .chinese, action: .handOff, intent: "complaint", handoff: (.negativeSentiment, .urgent))])
        play([
            Turn(text: "讲个笑话", analysis: reading("out_of_scope"), language: .chinese, action: .answer, intent: "out_of_scope"),
            Turn(text: "asdf", analysis: reading("greet", 0.2), language: .chinese, action: .handOff, intent: "out_of_scope",
                 handoff: (.repeatedMisunderstanding, .normal)),
        ])
    }

    func testMisunderstandingCounterResetsOnAnUnderstoodTurn() {
        play([
            Turn(text: "blah", analysis: reading("out_of_scope"), language: .english, action: .answer, intent: "out_of_scope"),
            Turn(text: "hi", analysis: reading("greet"), language: .english, action: .answer, intent: "greet"),
            Turn(text: "blah blah", analysis: reading("out_of_scope"), language: .english, action: .answer, intent: "out_of_scope"),
        ])
    }

    func testNegativePriceSentimentGetsACoupon() {
        play([Turn(text: "星耀X1太贵了,多少钱", analysis: reading("price_query", slots: [("product", "星耀X1", "phone-x1")],
                                                             sentiment: "negative", score: -0.6, intensity: "medium"),
                   language: .chinese, action: .answer, intent: "price_query", replyContains: ["SORRY30"], coupon: "SORRY30")])
    }

    func testGoodbyeClosesAndStartsAfresh() {
        let reply = engine.respond(to: "bye", analysis: reading("goodbye"), language: .english, state: ConversationState())
        XCTAssertEqual(reply.action, .close)
        XCTAssertEqual(reply.state.turnCount, 0)
        XCTAssertNil(reply.state.productInFocus)
    }

    func testComparisonAndRecommendation() {
        play([Turn(text: "X1 vs S9", analysis: reading("product_comparison", slots: [("product", "X1", "phone-x1"), ("product", "S9", "phone-s9")]),
                   language: .english, action: .answer, intent: "product_comparison", replyContains: ["Nova X1", "Nova S9"])])
        let reply = engine.respond(to: "给妈妈送礼物,500元以内", analysis: reading("recommendation", slots: [("recipient", "妈妈", "parent"), ("budget", "500元", "500")]),
                                   language: .chinese, state: ConversationState())
        XCTAssertEqual(reply.action, .answer)
        XCTAssertFalse(reply.suggestions.isEmpty)
        XCTAssertTrue(reply.suggestions.allSatisfy { $0.price <= 500 }, "\(reply.suggestions)")
    }

    func testLanguageDetection() {
        XCTAssertEqual(DialogueLanguage.detect("这款有货吗"), .chinese)
        XCTAssertEqual(DialogueLanguage.detect("is it in stock"), .english)
        XCTAssertEqual(DialogueLanguage.detect("256GB", fallback: .chinese), .chinese)
        XCTAssertEqual(DialogueLanguage.from(code: "zh-Hans"), .chinese)
        XCTAssertEqual(DialogueLanguage.from(code: "fr"), .english)
        XCTAssertNil(DialogueLanguage.from(code: ""))
    }

    func testSlotNormalization() {
        let normalizer = SlotNormalizer(knowledgeBase: Self.knowledgeBase)
        let cases: [(String, String, String?)] = [
            ("color", "黑色", "black"), ("color", "Black", "black"), ("color", "黑的", "black"), ("color", "深空灰", "gray"),
            ("storage", "256G", "256GB"), ("storage", "256 gb", "256GB"), ("storage", "1T", "1TB"), ("storage", "999G", nil),
            ("product", "星耀X1", "phone-x1"), ("product", "NOVA X1", "phone-x1"), ("product", "疾风跑鞋", "shoes-runner"),
            ("size", "42码", "42"), ("size", "xl", "XL"), ("quantity", "两台", "2"), ("quantity", "three", "3"),
            ("budget", "500元", "500"), ("budget", "两千", "2000"), ("budget", "$300", "300"), ("order_id", "#202405180001", "202405180001"),
            ("recipient", "老妈", "parent"), ("recipient", "girlfriend", "partner"), ("color", "xyz", nil),
        ]
        for (slot, raw, expected) in cases {
            XCTAssertEqual(normalizer.normalize(slot: slot, raw: raw), expected, "\(slot) '\(raw)'")
        }
    }
}
