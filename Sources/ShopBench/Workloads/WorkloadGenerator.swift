import Foundation

/// A built-in request generator (`--workload NAME:key=value,...`): it builds a pool of
/// realistic requests, as proto3 JSON objects, before the run starts. Generators for the
/// shop services draw ids from the served model's own side files (see `ModelSideFiles`).
public protocol WorkloadGenerator {
    /// The name on the command line (`rank`, `health`, ...).
    static var name: String { get }
    /// The method the requests are for (`SERVICE/METHOD`); nil: the method given on the
    /// command line (generic generators).
    static var method: String? { get }
    /// One line for `--help`: the keys the generator understands.
    static var usage: String { get }
    /// - Parameters:
    ///   - parameters: the `key=value` pairs after the name.
    ///   - models: the model repository (`--models`).
    init(parameters: WorkloadParameters, models: URL) throws
    /// Builds `count` requests (proto3 JSON objects).
    mutating func makeRequests(count: Int) throws -> [[String: Any]]
}

/// Every built-in workload.
public enum Workloads {
    public static let all: [any WorkloadGenerator.Type] = [
        HealthWorkload.self, ModelIdWorkload.self, RecallWorkload.self, RankWorkload.self,
        PriceWorkload.self, ImageSearchWorkload.self, DialogueWorkload.self,
    ]

    /// Parses `NAME[:key=value,...]` and builds the generator.
    public static func make(_ specification: String, models: URL) throws -> any WorkloadGenerator {
        let parts = specification.split(separator: ":", maxSplits: 1)
        let name = String(parts.first ?? "")
        guard let type = all.first(where: { $0.name == name }) else {
            throw WorkloadError("unknown workload '\(name)' (built-in: \(all.map { $0.name }.joined(separator: ", ")))")
        }
        let parameters = try WorkloadParameters(parsing: parts.count > 1 ? String(parts[1]) : "")
        let generator = try type.init(parameters: parameters, models: models)
        try parameters.rejectUnused(by: name)
        return generator
    }
}

/// The `key=value,...` part of a workload specification. Generators read keys with the
/// typed accessors; keys nobody read are an error (a typo must not pass silently).
public final class WorkloadParameters {
    private var values: [String: String] = [:]
    private var read: Set<String> = []

    public init(parsing text: String) throws {
        for pair in text.split(separator: ",") where !pair.isEmpty {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            guard keyValue.count == 2, !keyValue[0].isEmpty else {
                throw WorkloadError("workload parameter '\(pair)' is not key=value")
            }
            values[String(keyValue[0])] = String(keyValue[1])
        }
    }

    public func string(_ key: String) -> String? {
        read.insert(key)
        return values[key]
    }

    public func string(_ key: String, default value: String) -> String { string(key) ?? value }

    public func int(_ key: String, default value: Int, range: ClosedRange<Int> = 0...1_000_000) throws -> Int {
        guard let text = string(key) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw WorkloadError("workload parameter \(key)=\(text) is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func rejectUnused(by name: String) throws {
        let unused = Set(values.keys).subtracting(read).sorted()
        guard unused.isEmpty else {
            throw WorkloadError("workload \(name) has no parameter \(unused.joined(separator: ", "))")
        }
    }
}

/// A workload that cannot be built (unknown name or key, missing side file).
public struct WorkloadError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A small seeded generator (SplitMix64): the same seed gives the same requests.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
