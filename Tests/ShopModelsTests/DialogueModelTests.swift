import Foundation
import XCTest
@testable import ShopModels

/// The committed models/dialogue version, loaded through the repository with its kind, read text the
/// way the engine needs (intents, slots normalized against the knowledge base, sentiment).
final class DialogueModelTests: XCTestCase {
    static func loadModel() throws -> DialogueModel {
        let registry = ModelKindRegistry()
        registry.register(kind: DialogueModel.kind, factory: DialogueModel.init(context:))
        let repository = try ModelRepository(root: packageRoot() + "/models", registry: registry)
        return try XCTUnwrap(repository.model(named: "dialogue").model as? DialogueModel)
    }

    func testReadsTheStockConversation() throws {
        let model = try Self.loadModel()
        let readings = try model.analyze(["这款手机有现货吗?", "黑色,256G。", "Where is order 202405180001?", "转人工"])
        XCTAssertEqual(readings.map(\.intent), ["stock_query", "inform", "order_status", "human_agent"])
        let answer = readings[1]
        XCTAssertEqual(answer.slots.map(\.name), ["color", "storage"])
        XCTAssertEqual(answer.slots.map(\.normalized), ["black", "256GB"])
        XCTAssertEqual(answer.slots.map(\.raw), ["黑色", "256G"])
        XCTAssertEqual(answer.slots.map(\.start), [0, 3])
        XCTAssertEqual(readings[2].slots.first?.normalized, "202405180001")
        for reading in readings {
            XCTAssertGreaterThan(reading.intentConfidence, 0)
            XCTAssertLessThanOrEqual(reading.intentConfidence, 1)
        }
    }

    func testSentimentAndBatchIndependence() throws {
        let model = try Self.loadModel()
        let texts = ["worst service ever!! I'm furious!!!", "thanks a lot", "how much is shipping"]
        let together = try model.analyze(texts)
        XCTAssertEqual(together[0].sentiment, "negative")
        XCTAssertEqual(together[0].intensity, "high")
        XCTAssertLessThan(together[0].sentimentScore, 0)
        XCTAssertEqual(together[1].sentiment, "positive")
        XCTAssertEqual(together[2].sentiment, "neutral")
        for (index, text) in texts.enumerated() {
            XCTAssertEqual(try model.analyze([text])[0], together[index], "a row alone reads like in a batch")
        }
    }

    func testHostileInputNeverCrashes() throws {
        let model = try Self.loadModel()
        let long = String(repeating: "星耀X1黑色256G ", count: 300)
        let texts = ["", " ", "\u{0}\u{1}", "😡😡😡", String(repeating: "a", count: 2_000), long, "\u{FEFF}ＡＢＣ①"]
        let readings = try model.analyze(texts)
        XCTAssertEqual(readings.count, texts.count)
        for reading in readings {
            XCTAssertTrue(reading.slots.allSatisfy { $0.start < $0.end && $0.end <= DialogueModel.maxCharacters })
        }
    }
}
