import Foundation
import XCTest
@testable import ShopModels

final class ModelConfigTests: XCTestCase {
    private func decode(_ json: String, modelName: String? = nil) throws -> ModelConfig {
        try ModelConfig.decode(Data(json.utf8), file: "models/rank/3/config.json", modelName: modelName)
    }

    private func problem(_ json: String, modelName: String? = nil) -> String {
        do {
            _ = try decode(json, modelName: modelName)
            return "accepted"
        } catch let error as ModelLoadError {
            XCTAssertEqual(error.file, "models/rank/3/config.json")
            guard case .invalidConfig(let reason) = error.problem else { return "\(error)" }
            return reason
        } catch {
            return "untyped: \(error)"
        }
    }

    func testFullConfigDecodes() throws {
        let config = try decode("""
        {
          "schema_version": 1, "name": "rank", "kind": "rank.mmoe", "description": "CTR/CVR",
          "architecture": {"hidden": [256, 64], "experts": 4, "dropout": 0.1, "activation": "relu", "tied": true},
          "inputs": [{"name": "features", "dtype": "F32", "shape": [-1, 64]}],
          "outputs": [{"name": "ctr", "dtype": "F32", "shape": [-1]}],
          "quantization": {"weights": "int8-symmetric-per-channel", "fp32_tensors": ["head.weight"]},
          "batching": {"max_batch_rows": 128, "max_queue_delay_us": 200},
          "sha256": "\(String(repeating: "ab", count: 32))",
          "future_field": {"ignored": true}
        }
        """, modelName: "rank")
        XCTAssertEqual(config.kind, "rank.mmoe")
        XCTAssertEqual(config.architecture["experts"]?.intValue, 4)
        XCTAssertEqual(config.architecture["dropout"]?.doubleValue, 0.1)
        XCTAssertEqual(config.architecture["hidden"]?.arrayValue?.compactMap(\.intValue), [256, 64])
        XCTAssertEqual(config.architecture["tied"]?.boolValue, true)
        XCTAssertEqual(config.inputs, [.init(name: "features", dtype: "F32", shape: [-1, 64])])
        XCTAssertEqual(config.quantization?.scaleSuffix, ".scale")
        XCTAssertEqual(config.quantization?.activations, "int8-dynamic-per-row")
        XCTAssertEqual(config.quantization?.fp32Tensors, ["head.weight"])
        XCTAssertEqual(config.batching, .init(maxBatchRows: 128, maxQueueDelayMicros: 200))

        struct Hyper: Decodable, Equatable { let hidden: [Int]; let experts: Int }
        XCTAssertEqual(try config.architecture.decode(as: Hyper.self), Hyper(hidden: [256, 64], experts: 4))
    }

    func testMinimalConfigGetsDefaults() throws {
        let config = try decode(#"{"schema_version": 1, "kind": "tensors"}"#)
        XCTAssertEqual(config.batching, .init(maxBatchRows: 64, maxQueueDelayMicros: 0))
        XCTAssertEqual(config.architecture, .object([:]))
        XCTAssertNil(config.sha256)
        XCTAssertNil(config.quantization)
    }

    func testEncodeDecodeRoundTrip() throws {
        let config = ModelConfig(kind: "price.q", name: "price", architecture: .object(["actions": .integer(5)]),
                                 quantization: .init(), batching: .init(maxBatchRows: 8, maxQueueDelayMicros: 50))
        let data = try JSONEncoder().encode(config)
        XCTAssertEqual(try ModelConfig.decode(data, file: "x", modelName: "price"), config)
    }

    func testErrorsNameTheProblem() {
        XCTAssertEqual(problem("{"), "not valid JSON")
        XCTAssertEqual(problem("[]"), "top level is not a JSON object")
        XCTAssertEqual(problem(#"{"kind": "x"}"#), "missing field 'schema_version'")
        XCTAssertEqual(problem(#"{"schema_version": 1}"#), "missing field 'kind'")
        XCTAssertEqual(problem(#"{"schema_version": 2, "kind": "x"}"#), "schema_version 2 is not supported (this build reads 1...1)")
        XCTAssertEqual(problem(#"{"schema_version": 1, "kind": ""}"#), "'kind' is empty")
        XCTAssertEqual(problem(#"{"schema_version": 1, "kind": "x", "name": "recall"}"#, modelName: "rank"),
                       "'name' is 'recall' but the model directory is 'rank'")
        XCTAssertEqual(problem(#"{"schema_version": 1, "kind": "x", "batching": {"max_batch_rows": 0}}"#),
                       "batching.max_batch_rows must be at least 1, got 0")
        XCTAssertEqual(problem(#"{"schema_version": 1, "kind": "x", "sha256": "abc"}"#), "'sha256' must be 64 hex digits, got 'abc'")
        XCTAssertTrue(problem(#"{"schema_version": 1, "kind": 7}"#).hasPrefix("'kind':"))
        XCTAssertEqual(problem(#"{"schema_version": 1, "kind": "x", "inputs": [{"name": "a", "dtype": "F32", "shape": [-2]}]}"#),
                       "tensor spec 'a' has shape [-2]; dimensions are >= 0 or -1 (variable)")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ModelConfig.load(path: "/nonexistent/config.json")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/config.json: file does not exist")
        }
    }
}
