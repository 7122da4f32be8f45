import Foundation
import XCTest
@testable import ShopModels

/// The committed `models/recall/1` against the reference rows tools/train/recsys computed in numpy
/// with the INT8 arithmetic, and the channel rules of recall_service.proto.
final class RecallModelTests: XCTestCase {
    private func recall(_ model: RecallModel, _ query: RecallQuery) throws -> (plan: RecallPlan, vector: [Float]) {
        let plan = model.plan(query)
        var row = [UInt8](repeating: 0, count: model.inputRowBytes)
        row.withUnsafeMutableBytes { model.fill(row: $0, with: plan) }
        let output = try runBatch(model, requests: [(row, 1, plan)])
        return (plan, output[0].floats)
    }

    func testUserTowerAndMergeMatchPython() throws {
        let model = try RecallRankFixtures.loadRecall()
        let cases = try XCTUnwrap(RecallRankFixtures.json("recall_reference.json")["cases"] as? [[String: Any]])
        XCTAssertFalse(cases.isEmpty)
        for reference in cases {
            var query = RecallQuery()
            query.userId = try XCTUnwrap(reference["user_id"] as? String)
            let (plan, vector) = try recall(model, query)
            let sequence = try XCTUnwrap(reference["sequence"] as? [String])
            XCTAssertEqual(plan.sequence.map { model.catalogue.ids[Int($0)] }, sequence, "stored history of \(query.userId)")
            let expected = try XCTUnwrap(reference["user_vector"] as? [Double]).map(Float.init)
            XCTAssertEqual(vector.count, expected.count)
            for (a, b) in zip(vector, expected) { XCTAssertEqual(a, b, accuracy: 1e-5, "user vector of \(query.userId)") }
            print("recall: user \(query.userId): largest |Swift − Python| in the user vector \(zip(vector, expected).map { abs($0 - $1) }.max() ?? 0)")
            let answer = try XCTUnwrap(plan.answer)
            let mergedIds = try XCTUnwrap(reference["merged_item_ids"] as? [String])
            let overlap = Set(answer.items.map(\.itemId)).intersection(mergedIds).count
            XCTAssertEqual(answer.items.count, mergedIds.count)
            XCTAssertGreaterThanOrEqual(Double(overlap) / Double(mergedIds.count), 0.95, "merged answer of \(query.userId)")
            XCTAssertEqual(Array(answer.items.prefix(5).map(\.itemId)), Array(mergedIds.prefix(5)), "top of \(query.userId)")
        }
    }

    func testColdStartRealTimeExclusionsAndDislikes() throws {
        let model = try RecallRankFixtures.loadRecall()
        var cold = RecallQuery()
        cold.userId = "no-such-user"
        cold.recentItemIds = ["no-such-item"]
        cold.hourOfDay = 20
        let coldAnswer = try XCTUnwrap(try recall(model, cold).plan.answer)
        XCTAssertTrue(coldAnswer.coldStart)
        XCTAssertEqual(coldAnswer.unknownItemIdCount, 1)
        XCTAssertEqual(coldAnswer.items.count, 200)
        XCTAssertTrue(coldAnswer.items.allSatisfy { $0.channel == .coldStart })

        var session = RecallQuery()
        session.recentItemIds = ["1", "260"]         // Toy Story, Star Wars
        let first = try XCTUnwrap(try recall(model, session).plan.answer)
        XCTAssertFalse(first.coldStart)
        XCTAssertTrue(first.items.contains { $0.channel == .realTime })
        XCTAssertFalse(first.items.contains { session.recentItemIds.contains($0.itemId) })
        let excluded = Array(first.items.prefix(3).map(\.itemId))
        session.excludedItemIds = excluded
        session.dislikedItemIds = [first.items[3].itemId]
        let second = try XCTUnwrap(try recall(model, session).plan.answer)
        XCTAssertFalse(second.items.contains { excluded.contains($0.itemId) || $0.itemId == first.items[3].itemId })
        XCTAssertEqual(second.channelSummaries.map(\.channel), RecallChannelKind.allCases)
        for summary in second.channelSummaries {
            XCTAssertEqual(summary.returnedCount, second.items.filter { $0.channel == summary.channel }.count)
        }
    }

    func testMergeKeepsBestChannelAndSumsScores() {
        let merged = ChannelMerge.merge([
            ChannelCandidates(channel: .hot, rows: [7, 8], scores: [10, 5]),
            ChannelCandidates(channel: .embedding, rows: [8, 9], scores: [0.9, 0.1]),
        ], weights: [.hot: 0.4, .embedding: 0.6], limit: 10)
        XCTAssertEqual(merged.map(\.row), [8, 7, 9])
        XCTAssertEqual(merged[0].channel, .embedding)
        XCTAssertEqual(merged[0].score, 0.6, accuracy: 1e-6)     // 0.6 · 1 + 0.4 · 0
        XCTAssertEqual(merged[1].score, 0.4, accuracy: 1e-6)
        XCTAssertEqual(merged[2].score, 0, accuracy: 1e-6)
    }
}
