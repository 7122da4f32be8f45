import Foundation
import XCTest
@testable import ShopModels

/// A tiny model written by tools/quantize, run by tools/quantize_lib/mlp.py `forward_int8` in
/// Python and by the Swift ``MLP`` on the same inputs: the two INT8 implementations agree.
/// Needs the project venv (skipped with instructions otherwise).
final class LayerPythonInteropTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    func testSwiftMLPMatchesPythonForwardInt8() throws {
        let python = try projectPython()
        let checkpoint = directory.file("ckpt.safetensors"), model = directory.file("model")
        let spec = "fc1:relu,fc2:tanh,fc3:relu,head:sigmoid"
        var (status, output) = try runProcess(python, ["-c", """
        import numpy as np
        from safetensors.numpy import save_file
        r = np.random.default_rng(5)
        t = {}
        for name, (n, k) in {"fc1": (48, 21), "fc2": (33, 48), "fc3": (16, 33), "head": (3, 16)}.items():
            t[name + ".weight"] = (r.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
            t[name + ".bias"] = (0.1 * r.standard_normal(n)).astype(np.float32)
        save_file(t, "\(checkpoint)")
        save_file({"x": r.standard_normal((37, 21)).astype(np.float32)}, "\(directory.file("inputs.safetensors"))")
        """])
        XCTAssertEqual(status, 0, output)
        (status, output) = try runProcess(python, [
            packageRoot() + "/tools/quantize", checkpoint, "-o", model, "--kind", "tensors", "--keep-fp32", "head.*",
        ])
        XCTAssertEqual(status, 0, output)
        (status, output) = try runProcess(python, ["-c", """
        import sys
        sys.path.insert(0, "\(packageRoot())/tools")
        from safetensors.numpy import load_file, save_file
        from quantize_lib.mlp import parse_spec, forward_int8
        q = load_file("\(model)/model.safetensors")
        x = load_file("\(directory.file("inputs.safetensors"))")["x"]
        y = forward_int8(parse_spec("\(spec)", q.keys()), q, ".scale", x)
        save_file({"y": y}, "\(directory.file("expected.safetensors"))")
        """])
        XCTAssertEqual(status, 0, output)

        let tensors = try SafetensorsFile(path: model + "/model.safetensors")
        let mlp = try MLP(tensors: tensors, layers: [("fc1", .relu), ("fc2", .tanh), ("fc3", .relu), ("head", .sigmoid)])
        XCTAssertEqual(mlp.layers.map(\.isQuantized), [true, true, true, false])
        let x = try SafetensorsFile(path: directory.file("inputs.safetensors")).tensor("x", as: Float.self, shape: [37, 21]).elements
        let expected = try SafetensorsFile(path: directory.file("expected.safetensors")).tensor("y", as: Float.self, shape: [37, 3]).elements
        let actual = mlp.run(x, rows: 37)
        let maxDiff = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        // Same INT8 arithmetic; only float rounding order (and, rarely, an activation rounded the other
        // way at an exact half) differ.
        print("LayerPythonInteropTests: max |swift - python| = \(maxDiff) over \(actual.count) outputs")
        XCTAssertLessThan(maxDiff, 1e-5, "max |swift - python| = \(maxDiff)")
    }
}
