import Foundation

/// The side files of one served model version, which workload generators draw ids from:
/// `<models>/<model>/<version>/<file>` (version: the given one, or the highest numbered
/// folder, which is the one `shopserve` serves by default).
///
/// A side file is JSON: an array of values (`["i1", "i2", ...]`, or objects), or an object
/// whose `ids` or `items` member is such an array. See docs/shopctl-bench.md for the files
/// each generator reads.
public struct ModelSideFiles {
    public let directory: URL

    public init(models: URL, model: String, version: String? = nil) throws {
        let modelDirectory = models.appendingPathComponent(model)
        if let version {
            directory = modelDirectory.appendingPathComponent(version)
        } else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: modelDirectory.path)) ?? []
            guard let latest = names.compactMap(Int.init).max() else {
                throw WorkloadError("no version of model '\(model)' under \(modelDirectory.path) (use --models DIR)")
            }
            directory = modelDirectory.appendingPathComponent(String(latest))
        }
    }

    /// The parsed JSON of side file `name`.
    public func json(_ name: String) throws -> Any {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WorkloadError("cannot read side file \(url.path)")
        }
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw WorkloadError("side file \(url.path) is not JSON: \(error.localizedDescription)")
        }
    }

    /// The objects of array `member` of side file `name` (`{"member": [{...}, ...]}`).
    public func objects(_ name: String, member: String) throws -> [[String: Any]] {
        let objects = ((try json(name) as? [String: Any])?[member] as? [Any])?.compactMap { $0 as? [String: Any] } ?? []
        guard !objects.isEmpty else {
            throw WorkloadError("side file \(directory.appendingPathComponent(name).path) has no objects in '\(member)'")
        }
        return objects
    }

    /// The values of side file `name`.
    public func values(_ name: String) throws -> [Any] {
        let url = directory.appendingPathComponent(name)
        let object = try json(name)
        let array = (object as? [Any]) ?? ((object as? [String: Any]).flatMap { ($0["ids"] ?? $0["items"]) as? [Any] })
        guard let array, !array.isEmpty else {
            throw WorkloadError("side file \(url.path) has no values (expected a JSON array, or {\"ids\": [...]})")
        }
        return array
    }
}

/// How one request field is filled from a side file.
public struct FieldDraw {
    /// The JSON field name; empty: the drawn value is an object merged into the request.
    public var field: String
    public var file: String
    /// nil: one value; n: an array of n values (distinct while the file has enough).
    public var count: Int?

    public init(field: String, file: String, count: Int? = nil) {
        self.field = field
        self.file = file
        self.count = count
    }
}

/// Builds requests from `FieldDraw`s over one model's side files (the shared logic of the
/// per-service generators).
public struct SideFileSampler {
    private let files: ModelSideFiles
    private let draws: [FieldDraw]
    private let fixed: [String: Any]
    private var values: [String: [Any]] = [:]
    private var random: SeededRandom

    /// Reads every side file the draws need (so a missing file fails before the run).
    public init(files: ModelSideFiles, draws: [FieldDraw], fixed: [String: Any] = [:], seed: UInt64) throws {
        self.files = files
        self.draws = draws
        self.fixed = fixed
        random = SeededRandom(seed: seed)
        for draw in draws where values[draw.file] == nil { values[draw.file] = try files.values(draw.file) }
    }

    public mutating func makeRequests(count: Int) -> [[String: Any]] {
        (0..<count).map { _ in makeRequest() }
    }

    private mutating func makeRequest() -> [String: Any] {
        var request = fixed
        for draw in draws {
            let pool = values[draw.file]!
            if let count = draw.count {
                request[draw.field] = sample(pool, count: count)
            } else if draw.field.isEmpty {
                for (key, value) in (pool.randomElement(using: &random) as? [String: Any]) ?? [:] { request[key] = value }
            } else {
                request[draw.field] = pool.randomElement(using: &random)!
            }
        }
        return request
    }

    /// `count` values, without repetition while the pool has enough.
    private mutating func sample(_ pool: [Any], count: Int) -> [Any] {
        if count >= pool.count {
            return (0..<count).map { pool[$0 % pool.count] }
        }
        var chosen = Set<Int>()
        var result: [Any] = []
        result.reserveCapacity(count)
        while result.count < count {
            let index = Int.random(in: 0..<pool.count, using: &random)
            if chosen.insert(index).inserted { result.append(pool[index]) }
        }
        return result
    }
}

extension SideFileSampler {
    /// The sampler of a per-service generator: model `model` (version from `version=`,
    /// default the latest), seed from `seed=` (default 1).
    init(model: String, parameters: WorkloadParameters, models: URL, draws: [FieldDraw],
         fixed: [String: Any] = [:]) throws {
        let files = try ModelSideFiles(models: models, model: model, version: parameters.string("version"))
        try self.init(files: files, draws: draws, fixed: fixed, seed: UInt64(try parameters.int("seed", default: 1)))
    }
}
