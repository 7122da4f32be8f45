import XCTest
@testable import ShopModels

/// Loading a vector index from safetensors: round trip, and hostile tensors refused with the tensor named.
final class VectorIndexLoadingTests: XCTestCase {
    var directory: TemporaryDirectory!
    let d = 16, n = 300

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    /// A raw tensor: dtype, shape, little-endian bytes.
    struct RawTensor {
        var dtype: SafetensorsDType
        var shape: [Int]
        var bytes: [UInt8]
        init<Element>(_ dtype: SafetensorsDType, _ shape: [Int], _ values: [Element]) {
            self.dtype = dtype
            self.shape = shape
            bytes = values.withUnsafeBytes { Array($0) }
        }
    }

    private func builtIndex() throws -> (VectorIndex, [Float]) {
        let vectors = VectorIndexTestData.clustered(count: n, dimension: d, clusters: 6, noise: 0.5, seed: 21)
        let index = try VectorIndex(vectors: vectors, count: n, dimension: d, ids: (0..<n).map { Int64($0 * 10 + 3) },
                                    categories: (0..<n).map { Int32($0 % 4) }, ivf: IVFBuildOptions(lists: 8))
        return (index, vectors)
    }

    /// The index's tensors under prefix "items", as a dictionary a test may tamper with.
    private func tensors(of index: VectorIndex) throws -> [String: RawTensor] {
        var writer = SafetensorsWriter()
        index.addTensors(to: &writer, prefix: "items")
        let path = directory.file("clean.safetensors")
        try writer.write(to: path)
        let file = try SafetensorsFile(path: path)
        var out: [String: RawTensor] = [:]
        for name in file.tensorNames {
            let info = file.info(name)!
            out[name] = RawTensor(info.dtype, info.shape, Array(try file.rawBytes(name)))
        }
        return out
    }

    private func write(_ tensors: [String: RawTensor], as name: String = "model.safetensors") throws -> SafetensorsFile {
        var writer = SafetensorsWriter()
        for (tensorName, tensor) in tensors {
            writer.add(tensorName, dtype: tensor.dtype, shape: tensor.shape, source: .bytes(tensor.bytes))
        }
        let path = directory.file(name)
        try writer.write(to: path)
        return try SafetensorsFile(path: path)
    }

    func testWrittenIndexLoadsAndSearchesTheSame() throws {
        let (index, vectors) = try builtIndex()
        let loaded = try VectorIndex(tensors: try write(try tensors(of: index)), prefix: "items")
        XCTAssertEqual(loaded.count, n)
        XCTAssertEqual(loaded.dimension, d)
        XCTAssertTrue(loaded.hasIVF)
        XCTAssertEqual(loaded.listCount, 8)
        let queries = Array(vectors[0..<(10 * d)])
        for mode in [SearchMode.exact, .ivf(nprobe: 2), .ivf(nprobe: 8)] {
            XCTAssertEqual(try loaded.search(queries, k: 5, mode: mode), try index.search(queries, k: 5, mode: mode))
        }
        let filtered = try loaded.search(queries, k: 5, filter: SearchFilter(allowedCategories: [2], excludedIDs: [23]))
        XCTAssertTrue(filtered.joined().allSatisfy { $0.row % 4 == 2 && $0.id == Int64($0.row) * 10 + 3 && $0.id != 23 })

        // Without the optional tensors: ids default to rows, no IVF.
        var plain = try tensors(of: index)
        for name in plain.keys where name.hasPrefix("items.ivf") || name == "items.ids" { plain[name] = nil }
        XCTAssertNotNil(plain["items.rotation"])
        let exactOnly = try VectorIndex(tensors: try write(plain, as: "plain.safetensors"), prefix: "items")
        XCTAssertFalse(exactOnly.hasIVF)
        XCTAssertTrue(try exactOnly.search(queries, k: 3).joined().allSatisfy { $0.id == Int64($0.row) })
    }

    func testCentroidsQuantizedByToolsQuantizeAreAccepted() throws {
        let (index, vectors) = try builtIndex()
        var tensors = try tensors(of: index)
        let centroids = tensors["items.ivf.centroids"]!.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let (memory, q8, scales) = try VectorMath.quantizedRows(centroids, count: 8, dimension: d)
        tensors["items.ivf.centroids"] = RawTensor(.i8, [8, d], Array(q8))
        tensors["items.ivf.centroids.scale"] = RawTensor(.f32, [8], Array(scales))
        withExtendedLifetime(memory) {}
        let loaded = try VectorIndex(tensors: try write(tensors), prefix: "items")
        let queries = Array(vectors[0..<(5 * d)])
        XCTAssertEqual(try loaded.search(queries, k: 5, mode: .ivf(nprobe: 8)), try index.search(queries, k: 5))
    }

    func testHostileTensorsAreRefusedNamingTheTensor() throws {
        let (index, _) = try builtIndex()
        let clean = try tensors(of: index)
        let offsets = (0...8).map { Int64(min(n, $0 * 40)) }
        var permutation = (0..<n).map { Int64($0) }
        let cases: [(String, (inout [String: RawTensor]) -> Void, String)] = [
            ("offsets out of order", { $0["items.ivf.list_offsets"] = RawTensor(.i64, [9], [0, 50, 40, 90, 120, 200, 250, 280, Int64(self.n)]) },
             "items.ivf.list_offsets"),
            ("offsets not covering n", { $0["items.ivf.list_offsets"] = RawTensor(.i64, [9], offsets.map { min($0, 280) }) },
             "items.ivf.list_offsets"),
            ("row out of range", { permutation[7] = Int64(self.n); $0["items.ivf.rows"] = RawTensor(.i64, [self.n], permutation) },
             "items.ivf.rows"),
            ("negative row", { permutation[7] = -1; $0["items.ivf.rows"] = RawTensor(.i64, [self.n], permutation) },
             "items.ivf.rows"),
            ("duplicate row", { permutation[7] = 8; $0["items.ivf.rows"] = RawTensor(.i64, [self.n], permutation) },
             "items.ivf.rows"),
            ("scale shape", { $0["items.vectors.scale"] = RawTensor(.f32, [self.n - 1], [Float](repeating: 0.01, count: self.n - 1)) },
             "items.vectors.scale"),
            ("NaN scale", { $0["items.vectors.scale"]!.bytes.replaceSubrange(0..<4, with: [0, 0, 0xC0, 0x7F]) }, "items.vectors.scale"),
            ("ids shape", { $0["items.ids"] = RawTensor(.i64, [self.n + 1], [Int64](repeating: 1, count: self.n + 1)) }, "items.ids"),
            ("categories dtype", { $0["items.categories"] = RawTensor(.i64, [self.n], [Int64](repeating: 1, count: self.n)) },
             "items.categories"),
            ("vectors 1-D", { $0["items.vectors"]!.shape = [self.n * self.d] }, "items.vectors"),
            ("vectors F32", { $0["items.vectors"] = RawTensor(.f32, [self.n, self.d / 4], [Float](repeating: 0, count: self.n * self.d / 4)) },
             "items.vectors"),
            ("list vectors shape", { $0["items.ivf.vectors"]!.shape = [self.n / 2, 2 * self.d] }, "items.ivf.vectors"),
            ("list vectors differ from flat", { $0["items.ivf.vectors"]!.bytes[5] &+= 1 }, "items.ivf.vectors"),
            ("centroid dimension", { $0["items.ivf.centroids"]!.shape = [16, self.d / 2] }, "items.ivf.centroids"),
            ("IVF without centroids", { $0["items.ivf.centroids"] = nil }, "items.ivf.list_offsets"),
            ("IVF without rows", { $0["items.ivf.rows"] = nil }, "items.ivf.rows"),
            ("no vectors", { $0["items.vectors"] = nil }, "items.vectors"),
            ("rotation not orthogonal", { $0["items.rotation"]!.bytes.replaceSubrange(0..<4, with: [0, 0, 0, 0x40]) }, "items.rotation"),
            ("rotation shape", { $0["items.rotation"]!.shape = [self.d * 2, self.d / 2] }, "items.rotation"),
        ]
        for (label, tamper, tensorName) in cases {
            permutation = (0..<n).map { Int64($0) }
            var tensors = clean
            tamper(&tensors)
            let file = try write(tensors, as: "hostile.safetensors")
            XCTAssertThrowsError(try VectorIndex(tensors: file, prefix: "items"), label) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("'\(tensorName)'"), "\(label): \(message)")
                XCTAssertTrue(message.contains("hostile.safetensors"), "\(label): \(message)")
            }
        }
        XCTAssertThrowsError(try VectorIndex(tensors: try write(clean), prefix: "other"))
    }
}
