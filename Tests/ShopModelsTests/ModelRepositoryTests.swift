import Foundation
import Logging
import XCTest
@testable import ShopModels

/// Collects log lines so tests can count refusals.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [(Logger.Level, String)] = []

    func append(_ level: Logger.Level, _ message: String) { lock.lock(); lines.append((level, message)); lock.unlock() }
    func messages(_ level: Logger.Level) -> [String] { lock.lock(); defer { lock.unlock() }; return lines.filter { $0.0 == level }.map(\.1) }

    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(capture: self) }
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { capture.append(event.level, "\(event.message)") }
    }
}

/// Collects observer events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [[ModelRepositoryEvent]] = []
    func append(_ events: [ModelRepositoryEvent]) { lock.lock(); batches.append(events); lock.unlock() }
    var all: [[ModelRepositoryEvent]] { lock.lock(); defer { lock.unlock() }; return batches }
}

final class ModelRepositoryTests: XCTestCase {
    var directory: TemporaryDirectory!
    var root: String { directory.path }
    let logs = LogCapture()

    override func setUpWithError() throws { directory = try TemporaryDirectory() }
    override func tearDown() { directory.cleanUp() }

    private func open(_ configuration: ModelRepository.Configuration = .init(accessHint: .normal),
                      registry: ModelKindRegistry = ModelKindRegistry()) throws -> ModelRepository {
        try ModelRepository(root: root, configuration: configuration, registry: registry, logger: logs.logger)
    }

    /// The I8 tensor `q` of each test version holds the version number.
    private func marker(_ handle: LoadedModelVersion) throws -> Int8 { try handle.tensors.tensor("q", as: Int8.self)[0] }

    func testServesNewestAndPicksUpNewVersionOnReload() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        try writeVersion(root: root, model: "rank", version: 2)
        let repository = try open()
        let events = EventLog()
        repository.addObserver { events.append($0) }

        XCTAssertEqual(repository.modelNames, ["rank"])
        XCTAssertEqual(repository.loadedVersions(of: "rank"), [2])
        XCTAssertEqual(try marker(repository.model(named: "rank")), 2)
        XCTAssertThrowsError(try repository.model(named: "rank", version: 1)) { error in
            XCTAssertEqual(error as? ModelLookupError, .versionNotAvailable(model: "rank", version: 1, available: [2]))
        }
        XCTAssertThrowsError(try repository.model(named: "price")) { error in
            XCTAssertEqual(error as? ModelLookupError, .unknownModel("price"))
        }

        XCTAssertEqual(repository.reload(), [], "nothing changed")
        try writeVersion(root: root, model: "rank", version: 3)
        XCTAssertEqual(repository.reload(), [.loaded(model: "rank", version: 3), .unloaded(model: "rank", version: 2)])
        XCTAssertEqual(try marker(repository.model(named: "rank")), 3)
        XCTAssertEqual(events.all, [[.loaded(model: "rank", version: 3), .unloaded(model: "rank", version: 2)]])
    }

    func testInvalidVersionIsRefusedOnceAndOldKeepsServing() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        let repository = try open()
        let bad = try writeVersion(root: root, model: "rank", version: 2)
        let weights = bad + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count - 2).write(to: URL(fileURLWithPath: weights))   // truncated

        let events = repository.reload()
        XCTAssertEqual(events.count, 1)
        guard case .refused("rank", 2, let error)? = events.first else { return XCTFail("\(events)") }
        XCTAssertEqual(error.file, weights)
        XCTAssertEqual(try marker(repository.model(named: "rank")), 1)
        XCTAssertEqual(repository.reload(), [], "a refusal is not repeated while the files are unchanged")
        XCTAssertEqual(repository.reload(), [])
        let errors = logs.messages(.error)
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors[0].contains("model 'rank' version 2 refused (serving: 1): \(weights): tensor"), errors[0])
        XCTAssertEqual(repository.refusedVersions["rank/2"], error)

        // Fixing the files (they change on disk) makes the next reload try again.
        try writeVersion(root: root, model: "rank", version: 2, weights: [9, 9, 9, 9, 9])
        XCTAssertEqual(repository.reload(), [.loaded(model: "rank", version: 2), .unloaded(model: "rank", version: 1)])
        XCTAssertNil(repository.refusedVersions["rank/2"])
    }

    func testFirstLoadSkipsInvalidNewestVersion() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        try writeVersion(root: root, model: "rank", version: 2, configJSON: "{\"schema_version\": 1}")
        let repository = try open()
        XCTAssertEqual(repository.loadedVersions(of: "rank"), [1])
        XCTAssertEqual(logs.messages(.error).count, 1)
        XCTAssertTrue(logs.messages(.error)[0].contains("config.json: invalid config: missing field 'kind'"))
    }

    func testInFlightHandleKeepsOldMappingAliveAfterSwitch() throws {
        try writeVersion(root: root, model: "rank", version: 1, weights: [1, 1, 1, 1])
        let repository = try open()
        var inFlight: LoadedModelVersion? = try repository.model(named: "rank")
        let weights = try inFlight!.tensors.tensor("w", as: Float.self)
        weak let oldMapping = inFlight!.tensors.mapping

        try writeVersion(root: root, model: "rank", version: 2, weights: [2, 2, 2, 2])
        try FileManager.default.removeItem(atPath: root + "/rank/1")
        repository.reload()
        XCTAssertEqual(try marker(repository.model(named: "rank")), 2)

        // The old version's files are gone from disk and it is no longer served, yet the in-flight
        // user still reads its bytes.
        XCTAssertEqual(weights.elements, [1, 1, 1, 1])
        XCTAssertEqual(try marker(inFlight!), 1)
        XCTAssertNotNil(oldMapping)
        inFlight = nil
        XCTAssertNotNil(oldMapping, "the tensor view still holds the mapping")
        _ = weights.count
        withExtendedLifetime(weights) {}
    }

    func testMappingIsUnmappedWhenLastHolderLetsGo() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        let repository = try open()
        weak var mapping: MappedFile?
        do {
            let handle = try repository.model(named: "rank")
            mapping = handle.tensors.mapping
            try writeVersion(root: root, model: "rank", version: 2)
            repository.reload()
            XCTAssertNotNil(mapping)
        }
        XCTAssertNil(mapping, "version 1 is unmapped after the switch and the last handle")
    }

    func testRemovalOfVersionsAndModels() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        try writeVersion(root: root, model: "rank", version: 2)
        try writeVersion(root: root, model: "recall", version: 5)
        let repository = try open()
        try FileManager.default.removeItem(atPath: root + "/rank/2")
        XCTAssertEqual(repository.reload(), [.loaded(model: "rank", version: 1), .unloaded(model: "rank", version: 2)])
        try FileManager.default.removeItem(atPath: root + "/recall")
        XCTAssertEqual(repository.reload(), [.unloaded(model: "recall", version: 5)])
        XCTAssertEqual(repository.modelNames, ["rank"])
        try FileManager.default.removeItem(atPath: root + "/rank/1")
        repository.reload()
        XCTAssertThrowsError(try repository.model(named: "rank")) { error in
            XCTAssertEqual(error as? ModelLookupError, .versionNotAvailable(model: "rank", version: nil, available: []))
        }
    }

    func testPoliciesAndPinnedVersions() throws {
        for version in [1, 2, 3] { try writeVersion(root: root, model: "rank", version: version) }
        for version in [1, 2, 3] { try writeVersion(root: root, model: "price", version: version) }
        try FileManager.default.createDirectory(atPath: root + "/rank/4.staging", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/rank/04", withIntermediateDirectories: true)
        let repository = try open(.init(defaultPolicy: .latest(2), policies: ["price": .specific([1, 3, 7])],
                                        accessHint: .normal))
        XCTAssertEqual(repository.loadedVersions(of: "rank"), [2, 3])
        XCTAssertEqual(repository.loadedVersions(of: "price"), [1, 3])
        XCTAssertEqual(try marker(repository.model(named: "rank", version: 2)), 2)
        XCTAssertEqual(try marker(repository.model(named: "price")), 3)
        XCTAssertEqual(try marker(repository.model(named: "price", version: 1)), 1)
        XCTAssertTrue(logs.messages(.error).isEmpty, "non-numeric directories are ignored: \(logs.messages(.error))")
    }

    func testChecksumFromConfig() throws {
        let good = try writeVersion(root: root, model: "rank", version: 1)
        let digest = FileChecksum.sha256Hex(of: try SafetensorsFile(path: good + "/model.safetensors").mapping)
        try writeVersion(root: root, model: "rank", version: 1, sha256: digest)
        try writeVersion(root: root, model: "rank", version: 2, sha256: String(repeating: "0", count: 64))
        let repository = try open()
        XCTAssertEqual(repository.loadedVersions(of: "rank"), [1])
        XCTAssertEqual(try repository.model(named: "rank").config.sha256, digest)
        XCTAssertEqual(repository.refusedVersions["rank/2"]?.problem,
                       .checksumMismatch(expected: String(repeating: "0", count: 64), actual: try {
                           FileChecksum.sha256Hex(of: try SafetensorsFile(path: root + "/rank/2/model.safetensors").mapping)
                       }()))
    }

    func testModelKindsAreLoadedByTheirFactory() throws {
        final class Scaler: ServableModel {
            let weights: TensorView<Float>
            let factor: Double
            init(weights: TensorView<Float>, factor: Double) { self.weights = weights; self.factor = factor }
        }
        let registry = ModelKindRegistry()
        registry.register(kind: "scaler") { context in
            guard let factor = context.config.architecture["factor"]?.doubleValue else {
                throw ModelLoadError(file: context.directory + "/config.json", .invalidConfig("architecture.factor missing"))
            }
            return Scaler(weights: try context.tensors.tensor("w", as: Float.self, shape: [4]), factor: factor)
        }
        try writeVersion(root: root, model: "a", version: 1, configJSON: #"{"schema_version": 1, "kind": "scaler", "architecture": {"factor": 2.5}}"#)
        try writeVersion(root: root, model: "b", version: 1, weights: [1, 2], configJSON: #"{"schema_version": 1, "kind": "scaler", "architecture": {"factor": 1}}"#)
        try writeVersion(root: root, model: "c", version: 1, configJSON: #"{"schema_version": 1, "kind": "scaler"}"#)
        try writeVersion(root: root, model: "d", version: 1, kind: "no.such.kind")
        let repository = try open(registry: registry)

        let scaler = try XCTUnwrap(try repository.model(named: "a").model(as: Scaler.self))
        XCTAssertEqual(scaler.factor, 2.5)
        XCTAssertEqual(scaler.weights.elements, [1, 2, 3, 4])
        XCTAssertEqual(repository.refusedVersions["b/1"]?.problem, .shapeMismatch(tensor: "w", actual: [2], expected: [4]))
        XCTAssertEqual(repository.refusedVersions["c/1"]?.problem, .invalidConfig("architecture.factor missing"))
        XCTAssertEqual(repository.refusedVersions["d/1"]?.problem, .unknownModelKind("no.such.kind", known: ["scaler", "tensors"]))
        XCTAssertEqual(logs.messages(.error).count, 3)
    }

    func testArchitectureThatDoesNotDecodeRefusesTheVersionNamingConfigJSON() throws {
        struct Architecture: Decodable { let factor: Double }
        final class Scaler: ServableModel {}
        let registry = ModelKindRegistry()
        registry.register(kind: "scaler") { context in
            _ = try context.architecture(as: Architecture.self)
            return Scaler()
        }
        try writeVersion(root: root, model: "a", version: 1, configJSON: #"{"schema_version": 1, "kind": "scaler", "architecture": {"factor": 2.5}}"#)
        try writeVersion(root: root, model: "b", version: 1, configJSON: #"{"schema_version": 1, "kind": "scaler", "architecture": {"factor": "two"}}"#)
        let repository = try open(registry: registry)

        XCTAssertNoThrow(try repository.model(named: "a"))
        let refused = try XCTUnwrap(repository.refusedVersions["b/1"])
        XCTAssertEqual(refused.file, root + "/b/1/config.json")
        guard case .invalidConfig(let reason) = refused.problem else { return XCTFail("\(refused.problem)") }
        XCTAssertTrue(reason.hasPrefix("architecture: "), reason)
    }

    func testPollThreadPicksUpNewVersions() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        let repository = try open(.init(pollInterval: 0.02, accessHint: .normal))
        defer { repository.stopPolling() }
        let events = EventLog()
        repository.addObserver { events.append($0) }
        try writeVersion(root: root, model: "rank", version: 2)
        let deadline = Date(timeIntervalSinceNow: 20)
        while repository.loadedVersions(of: "rank") != [2] && Date() < deadline { usleep(5_000) }
        XCTAssertEqual(repository.loadedVersions(of: "rank"), [2])
        XCTAssertEqual(events.all.first, [.loaded(model: "rank", version: 2), .unloaded(model: "rank", version: 1)])
    }

    /// Readers on other threads always see a complete version while reloads switch underneath them.
    func testConcurrentReadersDuringSwitches() throws {
        try writeVersion(root: root, model: "rank", version: 1)
        let repository = try open()
        let stop = ManagedAtomicFlag()
        let failures = EventLog()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                var reads = 0
                while !stop.isSet && reads < 200_000 {
                    reads += 1
                    guard let handle = try? repository.model(named: "rank"),
                          let q = try? handle.tensors.tensor("q", as: Int8.self),
                          Int(q[0]) == handle.version, q.count == 3 else {
                        failures.append([.unloaded(model: "inconsistent", version: reads)])
                        continue
                    }
                }
            }
        }
        for version in 2...15 {
            try writeVersion(root: root, model: "rank", version: version)
            repository.reload()
            try FileManager.default.removeItem(atPath: root + "/rank/\(version - 1)")
        }
        stop.set()
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.all.count, 0)
        XCTAssertEqual(try marker(repository.model(named: "rank")), 15)
    }

    func testRootMustBeADirectory() {
        XCTAssertThrowsError(try ModelRepository(root: root + "/missing")) { error in
            XCTAssertEqual("\(error)", "\(root)/missing: cannot read file: model repository root is not a directory")
        }
    }
}

/// A set-once flag shared between threads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
