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

    /// A batch runs in row tiles (`RankModel.tileRows`); requests straddling tile boundaries, and
    /// batches of several tiles, must give every request exactly the scores it gets alone.
    func testRequestsScoreTheSameInAnyBatchAndTiling() throws {
        let model = try RecallRankFixtures.loadRank()
        let tile = RankModel.tileRows
        var random = SplitMix64(seed: 11)
        let items = UInt64(model.architecture.items)
        let sizes = [1, tile - 1, tile, tile + 1, 2 * tile + 3, 5]
        let requests: [(input: [UInt8], rows: Int, context: AnyObject?)] = sizes.enumerated().map { index, rows in
            let candidates = (0..<rows).map { _ in Int32(random.next() % items) }
            let sequence = (0..<(index * 7 % (model.architecture.sequenceLength + 1))).map { _ in Int32(random.next() % items) }
            let context = RankContext(sequence: sequence, hourBucket: index % 2 == 0 ? index % model.architecture.hourBuckets : nil,
                                      weekday: index % model.architecture.weekdays)
            return (candidates.withUnsafeBytes { Array($0) }, rows, context)
        }
        let together = try runBatch(model, requests: requests)
        for (index, request) in requests.enumerated() {
            let alone = try runBatch(model, requests: [request])
            XCTAssertEqual(alone[0], together[index], "request \(index) (\(request.rows) rows) scored differently in a batch")
        }
        XCTAssertEqual(together.map(\.count), sizes.map { $0 * model.outputRowBytes })
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
