import Foundation
import XCTest
@testable import ShopModels

/// Valid files: written by the Swift writer, read back as zero-copy typed views.
final class SafetensorsFileTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    func testMultiTensorRoundTripWithTypedViews() throws {
        var writer = SafetensorsWriter()
        let weights: [Int8] = [-128, -1, 0, 1, 127, 5]           // odd-sized I8 before F32 in name order
        let scales: [Float] = [0.5, 0.25]
        let ids: [Int64] = [1, 1 << 40, -7]
        writer.add("a.weight", weights, shape: [2, 3])
        writer.add("a.weight.scale", scales, shape: [2])
        writer.add("ids", ids, shape: [3])
        writer.add("scalar", [Float(3.5)], shape: [])
        writer.add("empty", [Float](), shape: [0, 4])
        writer.metadata = ["format": "test", "note": "hello"]
        let path = directory.file("model.safetensors")
        try writer.write(to: path)

        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.tensorNames, ["a.weight", "a.weight.scale", "empty", "ids", "scalar"])
        XCTAssertEqual(file.metadata, ["format": "test", "note": "hello"])

        let w = try file.tensor("a.weight", as: Int8.self, shape: [2, 3])
        XCTAssertEqual(w.elements, weights)
        XCTAssertEqual(Array(w.row(1)), [1, 127, 5])
        XCTAssertEqual(try file.tensor("a.weight.scale", as: Float.self).elements, scales)
        XCTAssertEqual(try file.tensor("ids", as: Int64.self).elements, ids)
        let scalar = try file.tensor("scalar", as: Float.self)
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar[0], 3.5)
        XCTAssertEqual(try file.tensor("empty", as: Float.self).count, 0)

        // Views point into the mapping: no copy.
        let base = UInt(bitPattern: file.mapping.bytes.baseAddress!)
        let viewStart = UInt(bitPattern: w.buffer.baseAddress!)
        XCTAssertEqual(Int(viewStart - base), file.info("a.weight")!.fileOffset)
    }

    func testViewKeepsMappingAliveAfterFileObjectIsGone() throws {
        var writer = SafetensorsWriter()
        writer.add("x", [Float](repeating: 2, count: 1000), shape: [10, 100])
        let path = directory.file("m.safetensors")
        try writer.write(to: path)
        var view: TensorView<Float>? = try SafetensorsFile(path: path).tensor("x")
        weak let mapping = view?.owner
        XCTAssertNotNil(mapping)
        XCTAssertEqual(view?.buffer.reduce(0, +), 2000)
        view = nil
        XCTAssertNil(mapping, "the mapping is released with its last view")
    }

    func testWrongDTypeShapeAndNameAreTypedErrors() throws {
        var writer = SafetensorsWriter()
        writer.add("w", [Int8](repeating: 1, count: 4), shape: [2, 2])
        let path = directory.file("m.safetensors")
        try writer.write(to: path)
        let file = try SafetensorsFile(path: path)

        XCTAssertThrowsError(try file.tensor("w", as: Float.self)) { error in
            XCTAssertEqual((error as? ModelLoadError)?.problem, .dtypeMismatch(tensor: "w", actual: .i8, requested: "Float"))
            XCTAssertEqual("\(error)", "\(path): tensor 'w' is I8, not Float")
        }
        XCTAssertThrowsError(try file.tensor("w", as: Int8.self, shape: [4])) { error in
            XCTAssertEqual((error as? ModelLoadError)?.problem, .shapeMismatch(tensor: "w", actual: [2, 2], expected: [4]))
        }
        XCTAssertThrowsError(try file.tensor("nope", as: Int8.self)) { error in
            XCTAssertEqual("\(error)", "\(path): tensor 'nope' not found")
        }
    }

    func testSha256MatchesOpenSSLCommandLine() throws {
        let path = try writeVersion(root: directory.path, model: "m", version: 1) + "/model.safetensors"
        let file = try SafetensorsFile(path: path)
        let (status, output) = try runProcess("/usr/bin/env", ["openssl", "dgst", "-sha256", "-r", path])
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(FileChecksum.sha256Hex(of: file.mapping), String(output.prefix(64)))
    }

    func testMissingFileAndDirectoryAreNamed() {
        let missing = directory.file("absent.safetensors")
        XCTAssertThrowsError(try SafetensorsFile(path: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing): file does not exist")
        }
        XCTAssertThrowsError(try SafetensorsFile(path: directory.path)) { error in
            XCTAssertEqual((error as? ModelLoadError)?.problem, .unreadable("not a regular file"))
        }
    }
}
