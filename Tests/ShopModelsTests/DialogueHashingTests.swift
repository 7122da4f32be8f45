import Foundation
import XCTest
@testable import ShopModels

/// Swift normalization and n-gram hashing reproduce tools/train/dialogue/features.py exactly
/// (fixtures written by the training run: tools/train/dialogue/fixtures/hashing.json).
final class DialogueHashingTests: XCTestCase {
    struct Fixtures: Decodable {
        struct Case: Decodable {
            var text: String
            var normalized: String
            var fnv1a_seed7: UInt32
            var text_buckets: [Int32]
            var slot_buckets: [[Int32]]
        }
        var text_buckets: Int
        var slot_buckets: Int
        var cases: [Case]
    }

    func loadFixtures() throws -> Fixtures {
        let path = packageRoot() + "/tools/train/dialogue/fixtures/hashing.json"
        return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testNormalizationMatchesPython() throws {
        for fixture in try loadFixtures().cases {
            let normalized = TextNormalizer.normalize(fixture.text)
            XCTAssertEqual(normalized.count, fixture.text.unicodeScalars.count, "one code point per code point: \(fixture.text)")
            XCTAssertEqual(normalized.map(\.value), fixture.normalized.unicodeScalars.map(\.value), fixture.text)
        }
    }

    func testHashAndBucketsMatchPython() throws {
        let fixtures = try loadFixtures()
        let hasher = NgramHasher(textBuckets: fixtures.text_buckets, slotBuckets: fixtures.slot_buckets)
        var ids: [Int32] = []
        for fixture in fixtures.cases {
            XCTAssertEqual(NgramHasher.fnv1a(fixture.text, seed: 7), fixture.fnv1a_seed7, fixture.text)
            let normalized = TextNormalizer.normalize(fixture.text)
            hasher.textFeatures(normalized, into: &ids)
            XCTAssertEqual(ids, fixture.text_buckets, "text buckets of \(fixture.text)")
            hasher.slotFeatures(normalized, into: &ids)
            XCTAssertEqual(ids, fixture.slot_buckets.flatMap { $0 }, "slot buckets of \(fixture.text)")
        }
    }

    func testKnownFNV1aValues() {
        // FNV-1a 32 of the empty byte string is the offset basis; seed bytes come first.
        XCTAssertEqual(NgramHasher.fnv1a([Unicode.Scalar](), seed: 0) , 0x4B95F515) // 4 zero bytes
        XCTAssertNotEqual(NgramHasher.fnv1a("a", seed: 1), NgramHasher.fnv1a("a", seed: 2))
    }
}
