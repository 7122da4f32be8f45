import Foundation
import XCTest
@testable import ShopModels

/// The committed `models/rank/1` against the reference rows tools/train/recsys computed in numpy
/// with the INT8 arithmetic, and MMR re-ranking.
final class RankModelTests: XCTestCase {
    func testScoresMatchPython() throws {
        let model = try RecallRankFixtures.loadRank()
        let cases = try XCTUnwrap(RecallRankFixtures.json("rank_reference.json")["cases"] as? [[String: Any]])
        var requests: [(input: [UInt8], rows: Int, context: AnyObject?)] = []
        var expected: [[Float]] = []
        for reference in cases {
            let behaviour = try XCTUnwrap(reference["behavior"] as? [String]).compactMap { model.catalogue.row(of: $0) }
            let candidates = try XCTUnwrap(reference["candidates"] as? [String]).map { try XCTUnwrap(model.catalogue.row(of: $0)) }
            let context = RankContext(sequence: behaviour, hourBucket: reference["hour_bucket"] as? Int,
                                      weekday: reference["weekday"] as? Int)
            requests.append((candidates.withUnsafeBytes { Array($0) }, candidates.count, context))
            let ctr = try XCTUnwrap(reference["ctr"] as? [Double]), cvr = try XCTUnwrap(reference["cvr"] as? [Double])
            expected.append(zip(ctr, cvr).flatMap { [Float($0), Float($1)] })
        }
        let outputs = try runBatch(model, requests: requests)      // all requests in one batch
        var worst: Float = 0
        for (output, reference) in zip(outputs, expected) {
            for (a, b) in zip(output.floats, reference) {
                XCTAssertEqual(a, b, accuracy: 1e-5)
                worst = max(worst, abs(a - b))
            }
        }
        print("rank: largest |Swift − Python| over \(expected.joined().count) ctr/cvr values: \(worst)")
    }

    func testGenreSimilarityIsTheCosineOfMultiHotGenres() throws {
        let model = try RecallRankFixtures.loadRank()
        let toyStory = try XCTUnwrap(model.catalogue.row(of: "1"))   // Adventure|Animation|Children|Comedy|Fantasy
        let jumanji = try XCTUnwrap(model.catalogue.row(of: "2"))    // Adventure|Children|Fantasy
        XCTAssertEqual(model.genreSimilarity(toyStory, toyStory), 1, accuracy: 1e-6)
        XCTAssertEqual(model.genreSimilarity(toyStory, jumanji), 3 / Float(15).squareRoot(), accuracy: 1e-6)
    }

    func testMMR() {
        // Items 0 and 1 are near-duplicates, 2 is different; scores 0.9, 0.85, 0.5.
        let similarity: (Int, Int) -> Float = { a, b in (a < 2 && b < 2) ? 1 : 0 }
        let scores: [Float] = [0.9, 0.85, 0.5]
        XCTAssertEqual(DiversityReranking.mmr(order: [0, 1, 2], scores: scores, lambda: 1, topN: 3, similarity: similarity), [0, 1, 2])
        XCTAssertEqual(DiversityReranking.mmr(order: [0, 1, 2], scores: scores, lambda: 0.5, topN: 3, similarity: similarity), [0, 2, 1])
        XCTAssertEqual(DiversityReranking.mmr(order: [0, 1, 2], scores: scores, lambda: 0.5, topN: 1, similarity: similarity), [0, 1, 2])
    }
}
