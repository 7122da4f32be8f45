import Foundation
import ShopScheduler
import XCTest
@testable import ShopModels

/// Paths and helpers shared by the Recall and Rank model tests (committed models, Python fixtures).
enum RecallRankFixtures {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `models/<name>/1` of the committed default repository.
    static func modelDirectory(_ name: String) -> String { "\(root)/models/\(name)/1" }

    /// A reference file written by tools/train/recsys (Fixtures/recsys/<name>).
    static func json(_ name: String) throws -> [String: Any] {
        let path = "\(root)/Tests/ShopModelsTests/Fixtures/recsys/\(name)"
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), "missing fixture \(path)")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func loadRecall() throws -> RecallModel {
        let directory = modelDirectory("recall")
        let config = try ModelConfig.load(path: "\(directory)/config.json", modelName: "recall")
        return try RecallModel(tensors: SafetensorsFile(path: "\(directory)/model.safetensors"),
                               architecture: config.architecture.decode(as: RecallArchitecture.self),
                               itemIdsPath: "\(directory)/item_ids.txt", userIdsPath: "\(directory)/user_ids.txt")
    }

    static func loadRank() throws -> RankModel {
        let directory = modelDirectory("rank")
        let config = try ModelConfig.load(path: "\(directory)/config.json", modelName: "rank")
        return try RankModel(tensors: SafetensorsFile(path: "\(directory)/model.safetensors"),
                             architecture: config.architecture.decode(as: RankArchitecture.self),
                             itemIdsPath: "\(directory)/item_ids.txt")
    }
}

/// Runs `model` on one batch whose requests are given as (input rows, context) pairs, the way the
/// scheduler would; returns each request's output bytes.
func runBatch(_ model: BatchModel, requests: [(input: [UInt8], rows: Int, context: AnyObject?)]) throws -> [[UInt8]] {
    let rows = requests.reduce(0) { $0 + $1.rows }
    var input = [UInt8]()
    for request in requests { input += request.input }
    var output = [UInt8](repeating: 0, count: rows * model.outputRowBytes)
    var segments: [BatchSegment] = []
    var offset = 0
    for request in requests {
        segments.append(BatchSegment(batchRowOffset: offset, requestRowOffset: 0, rowCount: request.rows, context: request.context))
        offset += request.rows
    }
    let workspace = WorkerWorkspace()
    try input.withUnsafeBytes { inputBytes in
        try output.withUnsafeMutableBytes { outputBytes in
            try segments.withUnsafeBufferPointer { segmentBuffer in
                try model.run(ModelBatch(rows: rows, input: inputBytes, output: outputBytes, segments: segmentBuffer,
                                         workspace: workspace, workerIndex: 0))
            }
        }
    }
    var results: [[UInt8]] = []
    offset = 0
    for request in requests {
        results.append(Array(output[(offset * model.outputRowBytes)..<((offset + request.rows) * model.outputRowBytes)]))
        offset += request.rows
    }
    return results
}

extension Array where Element == UInt8 {
    /// The bytes as Float32 values.
    var floats: [Float] {
        withUnsafeBytes { bytes in (0..<(bytes.count / 4)).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }
}
