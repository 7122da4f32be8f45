import Foundation
import Logging
import ShopModels
import ShopScheduler
import ShopWire

/// Serves the model repository's versions through the batch scheduler: the bridge between
/// `ModelRepository` (what is loaded) and the shop services (what a call runs on).
///
/// - Follows the repository: every loaded version that is a `BatchModel` gets a scheduler
///   queue `<model>@<version>` configured from its config.json `batching` (see
///   `QueueSettings`); a version that leaves the served set has its queue unregistered (its
///   queued and running work finishes on it; new work goes to the version now served).
/// - `resolve` picks the version for one call and returns a `ServedModel` lease.
/// - `onChange` runs after every change of the served set, so health follows it.
///
/// Thread-safe. `resolve` and `isLoaded` take one short lock and never wait for a load.
public final class ModelServing: ModelAvailability, @unchecked Sendable {
    /// The model repository (reload it with `reload()`).
    public let repository: ModelRepository
    /// The scheduler every batched model runs on.
    public let scheduler: BatchScheduler
    private let queueDefaults: ModelQueueConfiguration
    private let logger: Logger
    /// model name → version → served version.
    private let served = Locked<[String: [Int: ServedVersion]]>([:])
    private let changeHook = Locked<(@Sendable () -> Void)?>(nil)
    /// Serialises reconciliations (repository observer and `init`).
    private let reconcileLock = NSLock()
    private var observer: ModelRepository.ObserverID?

    /// Starts serving what `repository` has loaded now and follows its reloads.
    /// - Parameter queueDefaults: queue settings for what a version's config.json leaves out.
    public init(repository: ModelRepository, scheduler: BatchScheduler,
                queueDefaults: ModelQueueConfiguration = ModelQueueConfiguration(),
                logger: Logger = Logger(label: "shopserve.serving")) {
        self.repository = repository
        self.scheduler = scheduler
        self.queueDefaults = queueDefaults
        self.logger = logger
        observer = repository.addObserver { [weak self] _ in self?.reconcile() }
        reconcile()
    }

    /// Opens the repository at `root` and serves it on a new scheduler: what shopserve does,
    /// in one call for tests and tools (e.g. `try ModelServing.open(root: "models")` serves
    /// the bundled models with every registered kind).
    public static func open(root: String, registry: ModelKindRegistry = DefaultModelKinds.makeRegistry(),
                            repository configuration: ModelRepository.Configuration = .init(),
                            scheduler schedulerConfiguration: SchedulerConfiguration = SchedulerConfiguration(),
                            logger: Logger = Logger(label: "shopserve.serving")) throws -> ModelServing {
        let repository = try ModelRepository(root: root, configuration: configuration, registry: registry,
                                             logger: Logger(label: "shopserve.models"))
        return ModelServing(repository: repository, scheduler: BatchScheduler(configuration: schedulerConfiguration),
                            logger: logger)
    }

    /// Called (on the reloading thread) after the served set changed, e.g.
    /// `{ services.refreshModelHealth() }`. Keep it short.
    public var onChange: (@Sendable () -> Void)? {
        get { changeHook.withLock { $0 } }
        set { changeHook.withLock { $0 = newValue } }
    }

    // MARK: ModelAvailability

    /// True when some version of `model` is served.
    public func isLoaded(_ model: String) -> Bool {
        served.withLock { !($0[model]?.isEmpty ?? true) }
    }

    /// Served versions of `model`, ascending.
    public func servedVersions(of model: String) -> [Int] {
        served.withLock { $0[model]?.keys.sorted() ?? [] }
    }

    /// The version of `model` to serve one call with.
    /// - Parameter pinnedVersion: the request's `model_version`: "" for the newest served
    ///   version, else a version number.
    /// - Throws: `GRPCStatus` UNAVAILABLE "model 'x' is not loaded" when no version is
    ///   served; NOT_FOUND naming the served versions when the pinned one is not served
    ///   (common.proto: an unknown version is NOT_FOUND); INVALID_ARGUMENT when the pin is
    ///   not a version number.
    public func resolve(model: String, pinnedVersion: String) throws -> ServedModel {
        var pin: Int?
        if !pinnedVersion.isEmpty {
            guard let number = Int(pinnedVersion), number >= 0, String(number) == pinnedVersion else {
                throw GRPCStatus(.invalidArgument, "model_version must be empty or a version number, got '\(pinnedVersion)'")
            }
            pin = number
        }
        let (chosen, available): (ServedVersion?, [Int]) = served.withLock { all in
            guard let versions = all[model], !versions.isEmpty else { return (nil, []) }
            if let pin { return (versions[pin], versions.keys.sorted()) }
            return (versions.max { $0.key < $1.key }?.value, [])
        }
        guard let chosen else {
            if let pin, !available.isEmpty {
                let list = available.map(String.init).joined(separator: ", ")
                throw GRPCStatus(.notFound, "model '\(model)' version \(pin) is not served (served: \(list))")
            }
            throw GRPCStatus(.unavailable, "model '\(model)' is not loaded")
        }
        return ServedModel(served: chosen, scheduler: scheduler, logger: logger)
    }

    // MARK: Admin

    /// Re-scans the repository now (the admin reload); the served set follows.
    @discardableResult
    public func reload() -> [ModelRepositoryEvent] { repository.reload() }

    /// Stops following the repository (no more polling) and shuts the scheduler down:
    /// `.drain` computes everything queued first. Call after the transport stopped.
    public func shutdown(_ mode: ShutdownMode = .drain) {
        repository.stopPolling()
        if let observer { repository.removeObserver(observer) }
        scheduler.shutdown(mode)
    }

    // MARK: Following the repository

    /// Makes the served set equal the repository's loaded set: registers queues for new
    /// versions, publishes the new set, then unregisters the queues of versions that left.
    private func reconcile() {
        reconcileLock.lock()
        defer { reconcileLock.unlock() }
        let current = served.withLock { $0 }
        var next: [String: [Int: ServedVersion]] = [:]
        var added: [ServedVersion] = []
        for model in repository.modelNames {
            for version in repository.loadedVersions(of: model) {
                guard let loaded = try? repository.model(named: model, version: version) else { continue }
                if let existing = current[model]?[version], existing.loaded === loaded {
                    next[model, default: [:]][version] = existing
                } else {
                    let entry = ServedVersion(loaded: loaded, scheduler: scheduler, queueDefaults: queueDefaults)
                    next[model, default: [:]][version] = entry
                    added.append(entry)
                }
            }
        }
        var removed: [ServedVersion] = []
        for (model, versions) in current {
            for (version, entry) in versions where next[model]?[version] !== entry { removed.append(entry) }
        }
        guard !added.isEmpty || !removed.isEmpty else { return }
        served.withLock { $0 = next }
        for entry in removed {
            if let handle = entry.handle { scheduler.unregister(handle) }
        }
        for entry in added {
            let name = ServedVersion.queueName(entry.loaded.modelName, entry.loaded.version)
            logger.info("serving '\(name)'", metadata: [
                "kind": "\(entry.loaded.config.kind)", "batched": "\(entry.handle != nil)",
            ])
        }
        for entry in removed {
            logger.info("no longer serving '\(ServedVersion.queueName(entry.loaded.modelName, entry.loaded.version))'")
        }
        onChange?()
    }
}
