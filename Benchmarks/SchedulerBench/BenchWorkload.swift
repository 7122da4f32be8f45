import Foundation
import ShopModels
import ShopScheduler

/// What SchedulerBench drives: a model, and how to make one request's input rows.
struct BenchWorkload {
    /// One line for the report's header.
    let description: String
    let model: BatchModel
    /// Fills `rows` input rows of `buffers` and returns the request's context (nil for models
    /// without per-request data).
    let fillRequest: (_ rows: Int, _ buffers: RowBuffers, _ random: inout SplitMix64) -> AnyObject?

    /// The issue's reference model: a dense INT8 MLP (`layers` × `width`), F32 rows in [-1, 1].
    static func mlp(width: Int, layers: Int) throws -> BenchWorkload {
        let model = try Int8MLP(widths: Array(repeating: width, count: layers + 1), seed: 42)
        return BenchWorkload(description: "INT8 MLP \(width)x\(width) x\(layers) layers", model: model) { rows, buffers, random in
            let input = buffers.inputPointer(as: Float.self)
            for index in 0..<(rows * model.inputRowBytes / 4) { input[index] = random.nextFloat(in: -1...1) }
            return nil
        }
    }

    /// The served Rank model (`models/rank/<newest>` under `repository`): one row per candidate
    /// (uniform random catalogue rows), each request with its own random behaviour sequence of
    /// the model's full length and a random hour and weekday.
    static func rank(repository: String) throws -> BenchWorkload {
        let versions = try FileManager.default.contentsOfDirectory(atPath: "\(repository)/rank").compactMap(Int.init)
        guard let version = versions.max() else { throw BenchError("no model version under \(repository)/rank") }
        let directory = "\(repository)/rank/\(version)"
        let config = try ModelConfig.load(path: "\(directory)/config.json", modelName: "rank")
        let architecture = try config.architecture.decode(as: RankArchitecture.self)
        let model = try RankModel(tensors: SafetensorsFile(path: "\(directory)/model.safetensors"),
                                  architecture: architecture, itemIdsPath: "\(directory)/item_ids.txt")
        let items = UInt64(architecture.items)
        return BenchWorkload(description: "Rank (\(directory), \(config.description ?? "rank.mmoe"))", model: model) { rows, buffers, random in
            let candidates = buffers.inputPointer(as: Int32.self)
            for row in 0..<rows { candidates[row] = Int32(random.next() % items) }
            let sequence = (0..<architecture.sequenceLength).map { _ in Int32(random.next() % items) }
            return RankContext(sequence: sequence, hourBucket: Int(random.next() % UInt64(architecture.hourBuckets)),
                               weekday: Int(random.next() % UInt64(architecture.weekdays)))
        }
    }
}

/// A setup failure of the benchmark (bad arguments, missing model).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
