import Foundation
import ShopScheduler
import XCTest
@testable import ShopModels

/// The committed models/image_search version loads as kind `image_search.cnn`, its Swift INT8
/// forward matches the numpy served-path embeddings exported at training time
/// (Tests/Fixtures/image_search/embeddings.json), and one batch runs CNN + index search per row.
final class ImageSearchModelTests: XCTestCase {
    struct Case: Decodable {
        let label: Int
        let input: [Float]
        let embedding: [Float]
        let top_ids: [Int64]
        let top_similarities: [Float]
    }

    struct Fixture: Decodable { let cases: [Case] }

    private static let loaded: Result<(ModelRepository, ImageSearchModel), Error> = Result {
        let registry = ModelKindRegistry()
        registry.register(kind: ImageSearchModel.kind, factory: ImageSearchModel.init(context:))
        let repository = try ModelRepository(root: packageRoot() + "/models", registry: registry)
        let version = try repository.model(named: "image_search")
        guard let model = version.model(as: ImageSearchModel.self) else {
            throw LayerError("models/image_search is not an ImageSearchModel")
        }
        return (repository, model)
    }

    private func model() throws -> ImageSearchModel { try Self.loaded.get().1 }

    private func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: packageRoot() + "/Tests/Fixtures/image_search/embeddings.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testCommittedModelLoadsWithItsCatalogue() throws {
        let model = try model()
        XCTAssertEqual(model.dimension, 64)
        XCTAssertEqual(model.index.count, 60_000)
        XCTAssertTrue(model.index.hasIVF)
        XCTAssertEqual(model.categories.count, 10)
        XCTAssertEqual(model.categoryID("Ankle boot"), 9)
        XCTAssertEqual(model.inputFloats, 784)
    }

    func testSwiftEmbeddingsMatchTheNumpyServedPath() throws {
        let model = try model()
        let cases = try fixture().cases
        let embeddings = try model.embed(images: cases.flatMap(\.input))
        for (i, c) in cases.enumerated() {
            let swift = Array(embeddings[(i * 64)..<((i + 1) * 64)])
            let worst = zip(swift, c.embedding).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 2e-3, "case \(i)")
            let cosine = zip(swift, c.embedding).map { $0 * $1 }.reduce(0, +)
            XCTAssertGreaterThan(cosine, 0.9999, "case \(i)")
        }
    }

    func testOneBatchEmbedsAndSearchesEveryRow() throws {
        let model = try model()
        let cases = try fixture().cases
        let rows = cases.count
        let rowFloats = model.inputRowBytes / 4
        var input = [Float](repeating: 0, count: rows * rowFloats)
        for (r, c) in cases.enumerated() { for j in 0..<784 { input[r * rowFloats + j] = c.input[j] } }
        // Row 0 searches by its embedding instead of its image; rows 1... by image, two modes.
        for j in 0..<64 { input[j] = cases[0].embedding[j] * 3 }
        var output = [UInt8](repeating: 0, count: rows * model.outputRowBytes)
        let queries = [
            ImageSearchQuery(source: .embedding, limit: 10, mode: .exact, filter: nil),
            ImageSearchQuery(source: .image, limit: 10, mode: .exact, filter: nil),
            ImageSearchQuery(source: .image, limit: 5, mode: .ivf(nprobe: model.index.listCount), filter: nil),
        ]
        var segments = [BatchSegment(batchRowOffset: 0, requestRowOffset: 0, rowCount: 1, context: queries[0]),
                        BatchSegment(batchRowOffset: 1, requestRowOffset: 0, rowCount: rows / 2, context: queries[1])]
        segments.append(BatchSegment(batchRowOffset: 1 + rows / 2, requestRowOffset: 0, rowCount: rows - 1 - rows / 2,
                                     context: queries[2]))
        let workspace = WorkerWorkspace()
        try input.withUnsafeBytes { i in
            try output.withUnsafeMutableBytes { o in
                try segments.withUnsafeBufferPointer { s in
                    try model.run(ModelBatch(rows: rows, input: i, output: o, segments: s, workspace: workspace, workerIndex: 0))
                }
            }
        }
        var agreeing = 0
        output.withUnsafeBytes { o in
            for (r, c) in cases.enumerated() {
                let row = o.baseAddress! + r * model.outputRowBytes
                let embedding = model.outputRow.embedding(row)
                XCTAssertLessThan(zip(embedding, c.embedding).map { abs($0 - $1) }.max()!, 2e-3, "row \(r)")
                let limit = r == 0 || r <= rows / 2 ? 10 : 5
                let hits = Array(model.outputRow.hits(row, count: limit))
                XCTAssertTrue(hits.allSatisfy(\.isHit), "row \(r)")
                XCTAssertEqual(hits.map(\.score), hits.map(\.score).sorted(by: >), "row \(r)")
                // numpy's top match (same INT8 arithmetic) is Swift's; the label mostly agrees.
                XCTAssertEqual(hits[0].id, c.top_ids[0], "row \(r)")
                XCTAssertEqual(hits[0].score, c.top_similarities[0], accuracy: 2e-3, "row \(r)")
                if model.categoryName(row: hits[0].row) == model.categories[c.label] { agreeing += 1 }
            }
        }
        XCTAssertGreaterThanOrEqual(agreeing, rows - 2)
    }

    func testInputsArePreparedOnTheWorkerAndAFailureStaysWithItsRow() throws {
        struct Corrupt: Error {}
        let model = try model()
        let c = try fixture().cases[1]
        let good = ImageSearchQuery(source: .image, limit: 3, mode: .exact, filter: nil) { row in
            for j in 0..<784 { row[j] = c.input[j] }
        }
        let bad = ImageSearchQuery(source: .image, limit: 3, mode: .exact, filter: nil) { _ in throw Corrupt() }
        let input = [Float](repeating: 0, count: 2 * model.inputRowBytes / 4)
        var output = [UInt8](repeating: 0, count: 2 * model.outputRowBytes)
        let segments = [BatchSegment(batchRowOffset: 0, requestRowOffset: 0, rowCount: 1, context: bad),
                        BatchSegment(batchRowOffset: 1, requestRowOffset: 0, rowCount: 1, context: good)]
        try input.withUnsafeBytes { i in
            try output.withUnsafeMutableBytes { o in
                try segments.withUnsafeBufferPointer { s in
                    try model.run(ModelBatch(rows: 2, input: i, output: o, segments: s, workspace: WorkerWorkspace(), workerIndex: 0))
                }
            }
        }
        XCTAssertTrue(bad.inputFailure is Corrupt)
        XCTAssertNil(good.inputFailure)
        output.withUnsafeBytes { o in
            let row = o.baseAddress! + model.outputRowBytes
            XCTAssertLessThan(zip(model.outputRow.embedding(row), c.embedding).map { abs($0 - $1) }.max()!, 2e-3)
            XCTAssertEqual(model.outputRow.hits(row, count: 3).first?.id, c.top_ids[0])
        }
    }

    func testCategoryFilterOnlyReturnsThatCategory() throws {
        let model = try model()
        let c = try fixture().cases[0]
        let bag = try XCTUnwrap(model.categoryID("Bag"))
        let hits = try model.index.search(c.embedding, k: 20, mode: .exact, filter: SearchFilter(allowedCategories: [bag]))[0]
        XCTAssertEqual(hits.count, 20)
        XCTAssertTrue(hits.allSatisfy { model.categoryName(row: $0.row) == "Bag" })
    }
}
