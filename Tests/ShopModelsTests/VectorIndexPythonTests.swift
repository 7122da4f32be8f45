import Foundation
import XCTest
@testable import ShopModels

/// Tensors built by tools/train/common/vector_index.py load in Swift and search like numpy.
/// Needs the project venv (see PythonInteropTests).
final class VectorIndexPythonTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    func testPythonBuiltIndexGivesNumpysTopOne() throws {
        let model = directory.file("index.safetensors"), expected = directory.file("expected.json")
        let script = """
        import json, sys
        import numpy as np
        from safetensors.numpy import save_file
        sys.path.insert(0, "\(packageRoot())/tools")
        from train.common.vector_index import build_index_tensors, exact_top_k, normalize_rows
        rng = np.random.default_rng(7)
        centres = normalize_rows(rng.standard_normal((10, 24)))
        vectors = centres[rng.integers(0, 10, 800)] + 0.15 * rng.standard_normal((800, 24))
        tensors = build_index_tensors(vectors, "catalogue", ids=np.arange(800) * 3 + 1,
                                      categories=np.arange(800) % 5, ivf_lists=12, seed=1)
        save_file(tensors, "\(model)")
        queries = vectors[:60] + 0.05 * rng.standard_normal((60, 24))
        fp32 = np.argmax(normalize_rows(queries) @ normalize_rows(vectors).T, axis=1)
        json.dump({"queries": queries.astype(np.float32).ravel().tolist(),
                   "int8_top1": exact_top_k(tensors, "catalogue", queries, 1)[:, 0].tolist(),
                   "fp32_top1": fp32.tolist()}, open("\(expected)", "w"))
        """
        let (status, output) = try runProcess(try projectPython(), ["-c", script])
        XCTAssertEqual(status, 0, output)
        guard status == 0 else { return }

        struct Expected: Decodable { let queries: [Float]; let int8_top1: [Int]; let fp32_top1: [Int] }
        let want = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: expected)))
        let index = try VectorIndex(tensors: try SafetensorsFile(path: model), prefix: "catalogue")
        XCTAssertEqual(index.count, 800)
        XCTAssertEqual(index.dimension, 24)
        XCTAssertEqual(index.listCount, 12)
        for mode in [SearchMode.exact, .ivf(nprobe: 12)] {
            let top = try index.search(want.queries, k: 1, mode: mode).map { Int($0[0].row) }
            XCTAssertEqual(top, want.int8_top1, "\(mode)")
            let agreement = zip(top, want.fp32_top1).filter { $0 == $1 }.count
            XCTAssertGreaterThanOrEqual(agreement, 58, "\(mode): top-1 agrees with FP32 numpy on \(agreement) of 60")
            XCTAssertTrue(try index.search(want.queries, k: 1, mode: mode).allSatisfy { $0[0].id == Int64($0[0].row) * 3 + 1 })
        }
        let probed = try index.search(want.queries, k: 1, mode: .ivf(nprobe: 3)).map { Int($0[0].row) }
        XCTAssertGreaterThanOrEqual(zip(probed, want.int8_top1).filter { $0 == $1 }.count, 55)
    }
}
