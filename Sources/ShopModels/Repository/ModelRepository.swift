import Foundation
import Logging

/// The model repository: `root/<model>/<version>/{model.safetensors, config.json, side files}`.
///
/// - Lookups (``model(named:version:)``) take a short lock and return a reference-counted
///   ``LoadedModelVersion``; they never wait for a load.
/// - ``reload()`` (an admin call, or the poll thread when ``Configuration/pollInterval`` is set)
///   scans the directories, loads and validates new versions off the serving path, then swaps the
///   served set atomically. Versions that leave the set stay alive for whoever still holds them.
/// - A version that fails validation is refused with one log line and never replaces a good one;
///   it is retried only after its files change.
/// - Loaded versions are treated as immutable: publish a new version as a new directory (stage it
///   under a non-numeric name, then rename), never rewrite one in place.
public final class ModelRepository: @unchecked Sendable {
    /// How the repository chooses and loads versions.
    public struct Configuration: Sendable {
        /// Policy for models without an entry in `policies`.
        public var defaultPolicy: VersionPolicy
        /// Per-model policies.
        public var policies: [String: VersionPolicy]
        /// Re-scan the root every this many seconds on a background thread (nil: only explicit reloads).
        public var pollInterval: TimeInterval?
        /// madvise hint applied to each model file after validation.
        public var accessHint: MappedFile.AccessHint

        public init(defaultPolicy: VersionPolicy = .newest, policies: [String: VersionPolicy] = [:],
                    pollInterval: TimeInterval? = nil, accessHint: MappedFile.AccessHint = .willNeed) {
            self.defaultPolicy = defaultPolicy
            self.policies = policies
            self.pollInterval = pollInterval
            self.accessHint = accessHint
        }

        func policy(for model: String) -> VersionPolicy { policies[model] ?? defaultPolicy }
    }

    /// Identifies an observer registration.
    public struct ObserverID: Hashable, Sendable { let value: Int }

    /// The repository's root directory.
    public let root: String
    public let configuration: Configuration
    private let registry: ModelKindRegistry
    private let logger: Logger
    private let layout: RepositoryLayout

    private let stateLock = NSLockShim()
    private var served: [String: [Int: LoadedModelVersion]] = [:]   // guarded by stateLock
    private var observers: [Int: @Sendable ([ModelRepositoryEvent]) -> Void] = [:]  // guarded by stateLock
    private var nextObserver = 0  // guarded by stateLock

    private let reloadLock = NSLock()
    private var refusedFingerprints: [String: [String]] = [:]  // "model/version" → fingerprint; guarded by reloadLock
    private var refusals: [String: ModelLoadError] = [:]         // guarded by reloadLock
    private var poller: RepositoryPoller?

    /// Opens the repository at `root` and loads it once (synchronously), then starts polling if configured.
    /// - Throws: ``ModelLoadError`` if `root` is not a directory. Invalid versions do not throw: they are
    ///   refused and logged, and ``refusedVersions`` lists them.
    public init(root: String, configuration: Configuration = Configuration(),
                registry: ModelKindRegistry = ModelKindRegistry(),
                logger: Logger = Logger(label: "shopserve.models")) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelLoadError(file: root, .unreadable("model repository root is not a directory"))
        }
        self.root = root
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.layout = RepositoryLayout(root: root)
        reload()
        if let interval = configuration.pollInterval {
            let poller = RepositoryPoller(interval: interval) { [weak self] in self?.reload() }
            self.poller = poller
            poller.start()
        }
    }

    deinit { poller?.stop() }

    /// Stops the poll thread (no effect without one). Loaded versions stay served.
    public func stopPolling() { poller?.stop() }

    // MARK: Lookups (serving path)

    /// The version to serve for `name`: `version` if given (a pinned request), else the newest loaded.
    public func model(named name: String, version: Int? = nil) throws -> LoadedModelVersion {
        try stateLock.withLock {
            guard let versions = served[name] else { throw ModelLookupError.unknownModel(name) }
            let chosen = if let version { versions[version] } else { versions.max { $0.key < $1.key }?.value }
            guard let chosen else {
                throw ModelLookupError.versionNotAvailable(model: name, version: version, available: versions.keys.sorted())
            }
            return chosen
        }
    }

    /// Names of the models in the repository (including those with no loadable version), sorted.
    public var modelNames: [String] { stateLock.withLock { served.keys.sorted() } }

    /// Loaded versions of `name`, ascending (empty if unknown).
    public func loadedVersions(of name: String) -> [Int] {
        stateLock.withLock { served[name]?.keys.sorted() ?? [] }
    }

    /// Versions currently refused, with the reason ("model/version" → error).
    public var refusedVersions: [String: ModelLoadError] {
        reloadLock.lock(); defer { reloadLock.unlock() }
        return refusals
    }

    // MARK: Observers

    /// Calls `observer` with the events of each reload that changed something, after the change is
    /// visible to lookups, on the reloading thread. Keep it short; don't call `reload()` from it.
    @discardableResult
    public func addObserver(_ observer: @escaping @Sendable ([ModelRepositoryEvent]) -> Void) -> ObserverID {
        stateLock.withLock {
            nextObserver += 1
            observers[nextObserver] = observer
            return ObserverID(value: nextObserver)
        }
    }

    public func removeObserver(_ id: ObserverID) {
        _ = stateLock.withLock { observers.removeValue(forKey: id.value) }
    }

    // MARK: Reload

    /// Scans the root, loads new versions, drops removed or out-of-policy ones, and switches atomically.
    /// Safe to call from any thread; concurrent calls run one after the other.
    /// - Returns: what changed (also delivered to observers).
    @discardableResult
    public func reload() -> [ModelRepositoryEvent] {
        reloadLock.lock()
        let onDisk = layout.scan()
        let current = stateLock.withLock { served }
        var next: [String: [Int: LoadedModelVersion]] = [:]
        var events: [ModelRepositoryEvent] = []

        for (model, versions) in onDisk.sorted(by: { $0.key < $1.key }) {
            let (ordered, keep) = configuration.policy(for: model).candidates(onDisk: Array(versions.keys))
            var chosen: [Int: LoadedModelVersion] = [:]
            for version in ordered where chosen.count < keep {
                if let loaded = current[model]?[version] {
                    chosen[version] = loaded
                } else if let loaded = load(model: model, version: version, directory: versions[version]!,
                                            serving: current[model], events: &events) {
                    chosen[version] = loaded
                    events.append(.loaded(model: model, version: version))
                }
            }
            next[model] = chosen
            forgetRefusals(of: model, except: Set(versions.keys))
        }
        for (model, versions) in current {
            for version in versions.keys.sorted() where next[model]?[version] == nil {
                events.append(.unloaded(model: model, version: version))
            }
        }
        for model in current.keys where onDisk[model] == nil { forgetRefusals(of: model, except: []) }
        reloadLock.unlock()

        let listeners: [@Sendable ([ModelRepositoryEvent]) -> Void] = stateLock.withLock {
            served = next
            return events.isEmpty ? [] : Array(observers.values)
        }
        for event in events {
            switch event {
            case .loaded(let model, let version):
                logger.info("model '\(model)' version \(version) loaded")
            case .unloaded(let model, let version):
                logger.info("model '\(model)' version \(version) unloaded")
            case .refused:
                break  // logged once by load()
            }
        }
        for listener in listeners { listener(events) }
        return events
    }

    /// Loads one version unless it was already refused in its current file state. Caller holds reloadLock.
    private func load(model: String, version: Int, directory: String, serving: [Int: LoadedModelVersion]?,
                      events: inout [ModelRepositoryEvent]) -> LoadedModelVersion? {
        let key = "\(model)/\(version)"
        let fingerprint = layout.fingerprint(ofVersionAt: directory)
        if refusedFingerprints[key] == fingerprint { return nil }
        do {
            let loaded = try LoadedModelVersion.load(modelName: model, version: version, directory: directory,
                                                     registry: registry, hint: configuration.accessHint)
            refusedFingerprints[key] = nil
            refusals[key] = nil
            return loaded
        } catch {
            let loadError = error as? ModelLoadError ?? ModelLoadError(file: directory, .unreadable("\(error)"))
            refusedFingerprints[key] = fingerprint
            refusals[key] = loadError
            let still = (serving?.keys.sorted() ?? []).map(String.init).joined(separator: ", ")
            logger.error("model '\(model)' version \(version) refused (serving: \(still.isEmpty ? "none" : still)): \(loadError)")
            events.append(.refused(model: model, version: version, error: loadError))
            return nil
        }
    }

    /// Drops refusal records of versions no longer on disk. Caller holds reloadLock.
    private func forgetRefusals(of model: String, except versions: Set<Int>) {
        for key in refusals.keys where key.hasPrefix(model + "/") {
            if let version = Int(key.dropFirst(model.count + 1)), !versions.contains(version) {
                refusals[key] = nil
                refusedFingerprints[key] = nil
            }
        }
    }
}
