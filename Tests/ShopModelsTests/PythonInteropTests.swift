import Foundation
import XCTest
@testable import ShopModels

/// Files written by the reference Python `safetensors` writer and by tools/quantize load in Swift.
/// Needs the project venv (skipped with instructions otherwise).
final class PythonInteropTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    private func python(_ script: String) throws {
        let (status, output) = try runProcess(try projectPython(), ["-c", script])
        XCTAssertEqual(status, 0, output)
    }

    func testReferenceWriterFileLoadsWithEveryDType() throws {
        let path = directory.file("ref.safetensors")
        try python("""
        import numpy as np
        from safetensors.numpy import save_file
        save_file({
            "i8": np.arange(-64, 63, dtype=np.int8),          # 127 bytes: odd-sized
            "u8": np.arange(5, dtype=np.uint8),
            "i16": np.array([-3, 300], dtype=np.int16),
            "f16": np.array([1.5, -2.0], dtype=np.float16),
            "i32": np.arange(6, dtype=np.int32).reshape(2, 3),
            "f32": (np.arange(12, dtype=np.float32) / 4).reshape(3, 4),
            "i64": np.array([1 << 40, -1], dtype=np.int64),
            "f64": np.array([0.125], dtype=np.float64),
            "bool": np.array([True, False, True]),
            "empty": np.zeros((0, 3), dtype=np.float32),
        }, "\(path)", metadata={"source": "python"})
        """)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.metadata, ["source": "python"])
        XCTAssertEqual(try file.tensor("i8", as: Int8.self).elements, (-64..<63).map(Int8.init))
        XCTAssertEqual(try file.tensor("u8", as: UInt8.self).elements, [0, 1, 2, 3, 4])
        XCTAssertEqual(try file.tensor("i16", as: Int16.self).elements, [-3, 300])
        XCTAssertEqual(try file.tensor("f16", as: UInt16.self).elements, [0x3E00, 0xC000])  // raw IEEE half bits
        XCTAssertEqual(try file.tensor("i32", as: Int32.self, shape: [2, 3]).elements, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try file.tensor("f32", as: Float.self, shape: [3, 4]).elements, (0..<12).map { Float($0) / 4 })
        XCTAssertEqual(try file.tensor("i64", as: Int64.self).elements, [1 << 40, -1])
        XCTAssertEqual(try file.tensor("f64", as: Double.self).elements, [0.125])
        XCTAssertEqual(try file.tensor("bool", as: UInt8.self).elements, [1, 0, 1])
        XCTAssertEqual(try file.tensor("empty", as: Float.self).shape, [0, 3])
    }

    func testSwiftWrittenFileReadsInPython() throws {
        var writer = SafetensorsWriter()
        writer.add("w", [Int8](arrayLiteral: -128, 0, 127), shape: [1, 3])
        writer.add("s", [Float(0.5)], shape: [1])
        writer.metadata = ["writer": "swift"]
        let path = directory.file("swift.safetensors")
        try writer.write(to: path)
        try python("""
        from safetensors import safe_open
        with safe_open("\(path)", "np") as f:
            assert f.metadata() == {"writer": "swift"}, f.metadata()
            assert f.get_tensor("w").tolist() == [[-128, 0, 127]], f.get_tensor("w")
            assert f.get_tensor("s").tolist() == [0.5]
        """)
    }

    /// tools/quantize output is a valid repository version (checksum verified) whose INT8 weights
    /// reconstruct the FP32 checkpoint within half a quantization step per element.
    func testQuantizerOutputLoadsInRepository() throws {
        let checkpoint = directory.file("ckpt.safetensors")
        try python("""
        import numpy as np
        from safetensors.numpy import save_file
        r = np.random.default_rng(11)
        save_file({"fc1.weight": r.standard_normal((24, 40)).astype(np.float32),
                   "fc1.bias": r.standard_normal(24).astype(np.float32),
                   "emb": r.standard_normal((50, 7)).astype(np.float32)}, "\(checkpoint)")
        """)
        let root = directory.file("models")
        let (status, output) = try runProcess(try projectPython(), [
            packageRoot() + "/tools/quantize", checkpoint, "-o", root + "/mlp/1", "--kind", "tensors", "--name", "mlp",
            "--embedding", "emb",
        ])
        XCTAssertEqual(status, 0, output)

        let repository = try ModelRepository(root: root, configuration: .init(accessHint: .normal))
        XCTAssertEqual(repository.refusedVersions, [:])
        let version = try repository.model(named: "mlp")
        XCTAssertNotNil(version.config.sha256)
        XCTAssertEqual(version.config.quantization?.weights, "int8-symmetric-per-channel")
        let original = try SafetensorsFile(path: checkpoint)
        for name in ["fc1.weight", "emb"] {
            let fp32 = try original.tensor(name, as: Float.self)
            let q = try version.tensors.tensor(name, as: Int8.self, shape: fp32.shape)
            let scale = try version.tensors.tensor(name + ".scale", as: Float.self, shape: [fp32.shape[0]])
            let width = fp32.count / fp32.shape[0]
            for i in 0..<fp32.count {
                let s = scale[i / width]
                XCTAssertLessThanOrEqual(abs(fp32[i] - Float(q[i]) * s), s / 2 + 1e-6, "\(name)[\(i)]")
            }
        }
        XCTAssertEqual(try version.tensors.tensor("fc1.bias", as: Float.self).elements,
                       try original.tensor("fc1.bias", as: Float.self).elements)
    }
}
