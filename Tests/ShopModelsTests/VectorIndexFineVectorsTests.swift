import XCTest
@testable import ShopModels

/// The optional INT16 re-scoring rows (`P.fine_vectors`): recall against FP32 beyond the INT8 cap,
/// FP32-close scores, a round trip through safetensors, and hostile tensors refused.
final class VectorIndexFineVectorsTests: XCTestCase {
    let d = 32, n = 3000
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    /// Tight clusters: neighbours' cosines differ by less than INT8 rounding, the case INT16 rows fix.
    private var vectors: [Float] { VectorIndexTestData.clustered(count: n, dimension: d, clusters: 40, noise: 0.08, seed: 31) }
    private var queries: [Float] { VectorIndexTestData.clustered(count: 80, dimension: d, clusters: 40, noise: 0.08, seed: 32) }

    func testFineRowsLiftRecallPastTheInt8CapInExactAndIVFSearch() throws {
        let vectors = self.vectors, queries = self.queries
        let reference = VectorIndexTestData.bruteForce(vectors, queries, dimension: d, k: 10)
        let int8 = try VectorIndex(vectors: vectors, count: n, dimension: d, ivf: IVFBuildOptions(lists: 16))
        let fine = try VectorIndex(vectors: vectors, count: n, dimension: d, ivf: IVFBuildOptions(lists: 16), fineVectors: true)
        XCTAssertFalse(int8.hasFineVectors)
        XCTAssertTrue(fine.hasFineVectors)
        for mode in [SearchMode.exact, .ivf(nprobe: 16)] {
            let without = VectorIndexTestData.recall(try int8.search(queries, k: 10, mode: mode), reference)
            let hits = try fine.search(queries, k: 10, mode: mode)
            let with = VectorIndexTestData.recall(hits, reference)
            print("\(mode): recall@10 INT8 \(without), with INT16 re-scoring \(with)")
            XCTAssertGreaterThanOrEqual(with, 0.995, "\(mode)")
            XCTAssertGreaterThan(with, without + 0.02, "\(mode)")
            for row in hits { XCTAssertTrue(zip(row, row.dropFirst()).allSatisfy { $0.score >= $1.score }, "best first") }
        }
        // Scores are the FP32 cosines to within INT16 rounding.
        let own = try fine.search(Array(vectors[(5 * d)..<(6 * d)]), k: 1)
        XCTAssertEqual(own[0][0].row, 5)
        XCTAssertEqual(own[0][0].score, 1, accuracy: 1e-4)
    }

    func testPairedDotEqualsThePlainDotAndOddDimensionsUseThePlainOne() throws {
        for dimension in [64, 40] {
            let rows = VectorIndexTestData.gaussian(count: 50, dimension: dimension, seed: 41)
            let x = VectorIndexTestData.gaussian(count: 1, dimension: dimension, seed: 42)
            let (memory, fine) = FineVectors.quantize(rows, count: 50, dimension: dimension)
            XCTAssertEqual(fine.pairs, dimension % 32 == 0)
            try withExtendedLifetime(memory) {
                var paired = [Float](repeating: 0, count: dimension)
                if fine.pairs { fine.pair(x, into: &paired) }
                for row in 0..<50 {
                    let plain = fine.dot(x, row: row)
                    XCTAssertEqual(plain * fine.scales[row], (0..<dimension).reduce(Float(0)) { $0 + x[$1] * rows[row * dimension + $1] },
                                   accuracy: 1e-3, "INT16 rows are the FP32 rows to rounding")
                    if fine.pairs { XCTAssertEqual(fine.pairedDot(paired, row: row), plain, accuracy: abs(plain) * 1e-5 + 1e-2) }
                }
                let index = try VectorIndex(vectors: rows, count: 50, dimension: dimension, fineVectors: true)
                XCTAssertEqual(try index.search(Array(rows[(7 * dimension)..<(8 * dimension)]), k: 1)[0][0].row, 7)
            }
        }
    }

    func testFineRowsRoundTripThroughSafetensors() throws {
        let vectors = self.vectors, queries = self.queries
        let built = try VectorIndex(vectors: vectors, count: n, dimension: d, ivf: IVFBuildOptions(lists: 8), fineVectors: true)
        let loaded = try VectorIndex(tensors: try write(tensors(of: built)), prefix: "items")
        XCTAssertTrue(loaded.hasFineVectors)
        for mode in [SearchMode.exact, .ivf(nprobe: 3)] {
            XCTAssertEqual(try loaded.search(queries, k: 10, mode: mode), try built.search(queries, k: 10, mode: mode), "\(mode)")
        }
    }

    func testHostileFineTensorsAreRefusedNamingTheTensor() throws {
        let clean = try tensors(of: try VectorIndex(vectors: vectors, count: n, dimension: d, fineVectors: true))
        var cases: [(String, [String: (SafetensorsDType, [Int], [UInt8])])] = []
        var t = clean
        t["items.fine_vectors"] = (.i16, [n - 1, d], Array(clean["items.fine_vectors"]!.2.prefix((n - 1) * d * 2)))
        cases.append(("items.fine_vectors", t))
        t = clean
        t["items.fine_vectors"] = (.i8, [n, d], Array(clean["items.fine_vectors"]!.2.prefix(n * d)))
        cases.append(("items.fine_vectors", t))
        t = clean
        t["items.fine_vectors"] = nil
        cases.append(("items.fine_vectors.scale", t))
        t = clean
        t["items.fine_vectors.scale"] = nil
        cases.append(("items.fine_vectors.scale", t))
        t = clean
        var scales = clean["items.fine_vectors.scale"]!.2
        withUnsafeBytes(of: Float.nan) { scales.replaceSubrange(40..<44, with: $0) }
        t["items.fine_vectors.scale"] = (.f32, [n], scales)
        cases.append(("items.fine_vectors.scale", t))
        for (index, (tensor, tampered)) in cases.enumerated() {
            XCTAssertThrowsError(try VectorIndex(tensors: try write(tampered, as: "bad\(index).safetensors"), prefix: "items"),
                                 "case \(index)") { error in
                XCTAssertTrue("\(error)".contains(tensor), "case \(index): \(error)")
            }
        }
    }

    /// The index's tensors under prefix "items" as (dtype, shape, bytes).
    private func tensors(of index: VectorIndex) throws -> [String: (SafetensorsDType, [Int], [UInt8])] {
        var writer = SafetensorsWriter()
        index.addTensors(to: &writer, prefix: "items")
        let path = directory.file("clean.safetensors")
        try writer.write(to: path)
        let file = try SafetensorsFile(path: path)
        var out: [String: (SafetensorsDType, [Int], [UInt8])] = [:]
        for name in file.tensorNames {
            let info = file.info(name)!
            out[name] = (info.dtype, info.shape, Array(try file.rawBytes(name)))
        }
        return out
    }

    private func write(_ tensors: [String: (SafetensorsDType, [Int], [UInt8])], as name: String = "model.safetensors") throws
        -> SafetensorsFile {
        var writer = SafetensorsWriter()
        for (tensorName, (dtype, shape, bytes)) in tensors { writer.add(tensorName, dtype: dtype, shape: shape, source: .bytes(bytes)) }
        let path = directory.file(name)
        try writer.write(to: path)
        return try SafetensorsFile(path: path)
    }
}
