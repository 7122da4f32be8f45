import ShopScheduler
import XCTest
@testable import ShopModels

/// Exact and IVF search of the INT8 vector index against FP32 brute force.
final class VectorIndexSearchTests: XCTestCase {
    let d = 64

    func testExactSearchAgreesWithFP32BruteForce() throws {
        // Random normalized data is the hardest case for INT8 (neighbours' scores are close): the
        // storage rounding alone costs about 1% of recall@10 (numpy: 0.989-0.991 over 1000 queries).
        let vectors = VectorIndexTestData.gaussian(count: 2000, dimension: d, seed: 1)
        let queries = VectorIndexTestData.gaussian(count: 100, dimension: d, seed: 2)
        let index = try VectorIndex(vectors: vectors, count: 2000, dimension: d)
        let hits = try index.search(queries, k: 10)
        let reference = VectorIndexTestData.bruteForce(vectors, queries, dimension: d, k: 10)
        let recall = VectorIndexTestData.recall(hits, reference)
        print("exact INT8 recall@10 against FP32: \(recall)")
        XCTAssertGreaterThanOrEqual(recall, 0.99)
        for row in hits {
            XCTAssertEqual(row.count, 10)
            XCTAssertTrue(zip(row, row.dropFirst()).allSatisfy { $0.score >= $1.score }, "best first")
            XCTAssertTrue(row.allSatisfy { $0.isHit && abs($0.score) <= 1.02 && $0.id == Int64($0.row) })
        }
        // A vector of the catalogue finds itself first, with a cosine close to 1.
        let own = try index.search(Array(vectors[(17 * d)..<(18 * d)]), k: 1)
        XCTAssertEqual(own[0][0].row, 17)
        XCTAssertEqual(own[0][0].score, 1, accuracy: 0.02)
    }

    func testFiltersByCategoryAndExcludedIDs() throws {
        let n = 1200
        let vectors = VectorIndexTestData.gaussian(count: n, dimension: d, seed: 3)
        let queries = VectorIndexTestData.gaussian(count: 8, dimension: d, seed: 4)
        let categories = (0..<n).map { Int32($0 % 5) }
        let ids = (0..<n).map { Int64(1_000_000 + $0) }
        let index = try VectorIndex(vectors: vectors, count: n, dimension: d, ids: ids, categories: categories)

        let allowed: Set<Int32> = [1, 3]
        let byCategory = try index.search(queries, k: 10, filter: SearchFilter(allowedCategories: allowed))
        for row in byCategory { XCTAssertTrue(row.allSatisfy { $0.isHit && allowed.contains(categories[Int($0.row)]) }) }
        let reference = VectorIndexTestData.bruteForce(vectors, queries, dimension: d, k: 10) { allowed.contains(categories[$0]) }
        XCTAssertGreaterThanOrEqual(VectorIndexTestData.recall(byCategory, reference), 0.95)

        let unfiltered = try index.search(queries, k: 5)
        let excluded = Set(unfiltered.flatMap { $0.prefix(3).map(\.id) })
        let withoutSeen = try index.search(queries, k: 5, filter: SearchFilter(excludedIDs: excluded))
        for (before, after) in zip(unfiltered, withoutSeen) {
            XCTAssertTrue(after.allSatisfy { $0.isHit && !excluded.contains($0.id) })
            XCTAssertEqual(Array(after.prefix(2)), Array(before[3..<5]), "the next best move up")
            XCTAssertEqual(after[0].id, Int64(after[0].row) + 1_000_000)
        }

        // A category nobody has leaves every slot empty; so does a category filter on an index without categories.
        let none = try index.search(queries, k: 3, filter: SearchFilter(allowedCategories: [42]))
        XCTAssertTrue(none.allSatisfy { $0 == [.none, .none, .none] })
        let plain = try VectorIndex(vectors: vectors, count: n, dimension: d)
        XCTAssertTrue(try plain.search(queries, k: 2, filter: SearchFilter(allowedCategories: [1])).allSatisfy { $0 == [.none, .none] })
    }

    func testKLargerThanCountZeroQueriesAndBadArguments() throws {
        let vectors = VectorIndexTestData.gaussian(count: 7, dimension: d, seed: 5)
        let index = try VectorIndex(vectors: vectors, count: 7, dimension: d)
        let hits = try index.search(Array(vectors[0..<d]), k: 10)
        XCTAssertEqual(hits[0].filter(\.isHit).count, 7)
        XCTAssertEqual(Set(hits[0].prefix(7).map(\.row)), Set(0..<7))
        XCTAssertEqual(Array(hits[0].suffix(3)), [.none, .none, .none])
        XCTAssertEqual(try index.search([], k: 10), [])
        XCTAssertEqual(try index.search(Array(vectors[0..<d]), k: 0), [[]])

        var nonFinite = Array(vectors[0..<(2 * d)])
        nonFinite[d + 3] = .nan
        XCTAssertThrowsError(try index.search(nonFinite, k: 1)) { XCTAssertEqual($0 as? VectorIndexError, .nonFiniteQuery(index: 1)) }
        XCTAssertThrowsError(try index.search(Array(vectors[0..<d]), k: 1, mode: .ivf(nprobe: 1))) {
            XCTAssertEqual($0 as? VectorIndexError, .noIVFLists)
        }
        XCTAssertThrowsError(try index.search(Array(vectors[0..<d]), k: -1))
        XCTAssertThrowsError(try index.search(Array(vectors[0..<d]), k: .max))
        var slot = SearchHit.none
        try vectors.withUnsafeBufferPointer { q in  // a huge k on the raw API is refused, not trapped
            XCTAssertThrowsError(try index.search(queries: q.baseAddress!, count: 2, k: .max, results: &slot, scratch: WorkerWorkspace()))
        }
        XCTAssertThrowsError(try VectorIndex(vectors: [1, 2, 3], count: 2, dimension: 2))

        let empty = try VectorIndex(vectors: [], count: 0, dimension: d)
        XCTAssertEqual(try empty.search(Array(vectors[0..<d]), k: 2), [[.none, .none]])
    }

    func testIVFWithEveryListProbedEqualsExact() throws {
        let n = 2000
        let vectors = VectorIndexTestData.clustered(count: n, dimension: d, clusters: 20, noise: 0.8, seed: 6)
        let queries = VectorIndexTestData.clustered(count: 30, dimension: d, clusters: 20, noise: 0.8, seed: 7)
        let categories = (0..<n).map { Int32($0 % 3) }
        let index = try VectorIndex(vectors: vectors, count: n, dimension: d, categories: categories,
                                    ivf: IVFBuildOptions(lists: 16, iterations: 5))
        XCTAssertTrue(index.hasIVF)
        XCTAssertEqual(index.listCount, 16)
        XCTAssertEqual(try index.search(queries, k: 10, mode: .ivf(nprobe: 16)), try index.search(queries, k: 10))
        XCTAssertEqual(try index.search(queries, k: 10, mode: .ivf(nprobe: 1000)), try index.search(queries, k: 10))
        let filter = SearchFilter(allowedCategories: [2], excludedIDs: [5, 8, 11])
        XCTAssertEqual(try index.search(queries, k: 10, mode: .ivf(nprobe: 16), filter: filter),
                       try index.search(queries, k: 10, filter: filter))

        let unrotated = try VectorIndex(vectors: vectors, count: n, dimension: d, ivf: IVFBuildOptions(lists: 16, iterations: 5),
                                        rotate: false, seed: 3)
        XCTAssertEqual(try unrotated.search(queries, k: 10, mode: .ivf(nprobe: 16)), try unrotated.search(queries, k: 10))
        let reference = VectorIndexTestData.bruteForce(vectors, queries, dimension: d, k: 10)
        XCTAssertGreaterThanOrEqual(VectorIndexTestData.recall(try unrotated.search(queries, k: 10), reference), 0.97)
    }

    func testIVFRecallOnClusteredData() throws {
        let n = 6000
        let vectors = VectorIndexTestData.clustered(count: n, dimension: d, clusters: 64, noise: 0.6, seed: 8)
        let queries = VectorIndexTestData.clustered(count: 40, dimension: d, clusters: 64, noise: 0.6, seed: 9)
        let index = try VectorIndex(vectors: vectors, count: n, dimension: d, ivf: IVFBuildOptions(lists: 64))
        let reference = VectorIndexTestData.bruteForce(vectors, queries, dimension: d, k: 10)
        let few = VectorIndexTestData.recall(try index.search(queries, k: 10, mode: .ivf(nprobe: 2)), reference)
        let many = VectorIndexTestData.recall(try index.search(queries, k: 10, mode: .ivf(nprobe: 16)), reference)
        print("IVF recall nprobe 2: \(few), 16: \(many)")
        XCTAssertGreaterThanOrEqual(many, 0.95)
        XCTAssertGreaterThanOrEqual(many, few, "probing more lists never loses recall")
    }

    func testBatchedSearchIntoCallerBuffersMatchesConvenienceSearch() throws {
        let vectors = VectorIndexTestData.gaussian(count: 900, dimension: d, seed: 10)
        let queries = VectorIndexTestData.gaussian(count: 70, dimension: d, seed: 11)  // > one 32-query tile
        let index = try VectorIndex(vectors: vectors, count: 900, dimension: d)
        let workspace = WorkerWorkspace()
        var results = [SearchHit](repeating: .none, count: 70 * 4)
        try queries.withUnsafeBufferPointer { q in
            try results.withUnsafeMutableBufferPointer { out in
                try index.search(queries: q.baseAddress!, count: 70, k: 4, mode: .exact, filter: nil,
                                 results: out.baseAddress!, scratch: workspace, scratchRegion: 3)
            }
        }
        let single = try (0..<70).map { try index.search(Array(queries[($0 * d)..<(($0 + 1) * d)]), k: 4)[0] }
        XCTAssertEqual(results, single.flatMap { $0 })
    }
}
