import Foundation
import ShopBench
import ShopClient
import XCTest

/// Workload generators draw from a model's side files and produce requests that encode as
/// the method's request message.
final class BenchWorkloadTests: XCTestCase {
    private var models: URL!

    override func setUpWithError() throws {
        models = FileManager.default.temporaryDirectory.appendingPathComponent("bench-models-\(UUID().uuidString)")
        try write(["u1", "u2", "u3"], to: "rank/2/users.json")
        try write((0..<1000).map { "old\($0)" }, to: "rank/2/items.json")
        try write(["u7"], to: "rank/10/users.json")
        try write(["ids": (0..<800).map { "i\($0)" }], to: "rank/10/items.json")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: models)
    }

    private func write(_ object: Any, to path: String) throws {
        let url = models.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func testRankDrawsDistinctCandidatesFromTheLatestVersion() throws {
        var generator = try Workloads.make("rank:candidates=500,behavior=5", models: models)
        let requests = try generator.makeRequests(count: 20)
        let rank = try MethodRegistry.lookup(try XCTUnwrap(type(of: generator).method))
        for request in requests {
            XCTAssertEqual(request["user_id"] as? String, "u7", "version 10 is newer than version 2")
            let candidates = try XCTUnwrap(request["candidate_item_ids"] as? [String])
            XCTAssertEqual(candidates.count, 500)
            XCTAssertEqual(Set(candidates).count, 500, "distinct while the catalogue has enough")
            XCTAssertTrue(candidates.allSatisfy { $0.hasPrefix("i") })
            XCTAssertEqual((request["behavior_item_ids"] as? [String])?.count, 5)
            XCTAssertFalse(try rank.input.encode(jsonObject: request).isEmpty)
        }
        XCTAssertGreaterThan(Set(requests.map { ($0["candidate_item_ids"] as! [String]).joined() }).count, 1)
    }

    func testSameSeedSameRequests() throws {
        var first = try Workloads.make("rank:version=2,seed=7", models: models)
        var second = try Workloads.make("rank:version=2,seed=7", models: models)
        let a = try first.makeRequests(count: 5).map { ($0["candidate_item_ids"] as! [String]) }
        let b = try second.makeRequests(count: 5).map { ($0["candidate_item_ids"] as! [String]) }
        XCTAssertEqual(a, b)
        XCTAssertTrue(a[0].allSatisfy { $0.hasPrefix("old") }, "version=2 pins the version")
    }

    func testGenericIdsWorkloadFillsTheNamedField() throws {
        var generator = try Workloads.make("ids:model=rank,file=users.json,field=user_id", models: models)
        XCTAssertNil(type(of: generator).method, "the method comes from the command line")
        XCTAssertEqual(try generator.makeRequests(count: 3).map { $0["user_id"] as? String }, ["u7", "u7", "u7"])
    }

    func testHealthWorkload() throws {
        var generator = try Workloads.make("health:service=shop.v1.RankService", models: models)
        XCTAssertEqual(type(of: generator).method, "grpc.health.v1.Health/Check")
        XCTAssertEqual(try generator.makeRequests(count: 10).first?["service"] as? String, "shop.v1.RankService")
    }

    func testMistakesAreClearErrors() {
        XCTAssertThrowsError(try Workloads.make("rnak", models: models)) { error in
            XCTAssertTrue("\(error)".contains("unknown workload 'rnak'"), "\(error)")
        }
        XCTAssertThrowsError(try Workloads.make("rank:candidate=5", models: models)) { error in
            XCTAssertTrue("\(error)".contains("no parameter candidate"), "\(error)")
        }
        XCTAssertThrowsError(try Workloads.make("rank:candidates=lots", models: models)) { error in
            XCTAssertTrue("\(error)".contains("candidates=lots"), "\(error)")
        }
        XCTAssertThrowsError(try Workloads.make("recall", models: models)) { error in
            XCTAssertTrue("\(error)".contains("no version of model 'recall'"), "\(error)")
        }
        XCTAssertThrowsError(try Workloads.make("dialogue", models: models.appendingPathComponent("rank"))) { _ in }
    }
}
