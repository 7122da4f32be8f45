import ArgumentParser
import Foundation
import ShopBench
import ShopClient

/// Turns `--data`, `--data-file` and `--workload` into the method to call and the encoded
/// request pool (all encoding happens before the run).
struct BenchRequests {
    var descriptor: MethodDescriptor
    var pool: RequestPool
    /// For the report: `data`, `data-file:PATH` or `workload:SPEC`.
    var source: String

    static func make(method: String?, data: String?, dataFile: String?, workload: String?,
                     models: String, poolSize: Int) throws -> BenchRequests {
        var generator: (any WorkloadGenerator)?
        if let workload {
            generator = try Workloads.make(workload, models: URL(fileURLWithPath: models))
        }
        guard let methodName = method ?? generator.flatMap({ type(of: $0).method }) else {
            throw ValidationError("give SERVICE/METHOD (or a --workload that implies one, e.g. health)")
        }
        let descriptor = try MethodRegistry.lookup(methodName)
        guard !descriptor.clientStreaming else {
            throw ValidationError("\(methodName) is client-streaming: bench sends one request per call")
        }
        let input = descriptor.input
        let template = try data.map { try RequestData.read($0) } ?? "{}"

        if var generator {
            guard let base = try JSONSerialization.jsonObject(with: Data(template.utf8)) as? [String: Any] else {
                throw ValidationError("--data must be a JSON object when used with --workload")
            }
            let messages = try generator.makeRequests(count: poolSize).enumerated().map { index, generated in
                do {
                    return try input.encode(jsonObject: base.merging(generated) { _, new in new })
                } catch {
                    throw ValidationError("workload request \(index + 1) does not fit \(input.messageName): \(error)")
                }
            }
            return BenchRequests(descriptor: descriptor, pool: RequestPool(messages), source: "workload:\(workload!)")
        }
        if let dataFile {
            guard let contents = FileManager.default.contents(atPath: dataFile) else {
                throw ValidationError("cannot read --data-file \(dataFile)")
            }
            var messages: [[UInt8]] = []
            for (number, line) in String(decoding: contents, as: UTF8.self).split(separator: "\n").enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    messages.append(try input.encode(json: String(line)))
                } catch {
                    throw ValidationError("\(dataFile):\(number + 1): \(error)")
                }
            }
            guard !messages.isEmpty else { throw ValidationError("--data-file \(dataFile) has no requests") }
            return BenchRequests(descriptor: descriptor, pool: RequestPool(messages), source: "data-file:\(dataFile)")
        }
        return BenchRequests(descriptor: descriptor, pool: RequestPool(single: try input.encode(json: template)), source: "data")
    }
}
