import ShopWire

/// The serving status of a service, as `grpc.health.v1.HealthCheckResponse.ServingStatus`.
public enum ServingStatus: Int, Sendable, CustomStringConvertible {
    case unknown = 0
    case serving = 1
    case notServing = 2
    /// Only reported by Watch, for a service name the server does not know (yet).
    case serviceUnknown = 3

    public var description: String {
        switch self {
        case .unknown: return "UNKNOWN"
        case .serving: return "SERVING"
        case .notServing: return "NOT_SERVING"
        case .serviceUnknown: return "SERVICE_UNKNOWN"
        }
    }
}

/// The health state machine behind `grpc.health.v1.Health`: a status per service name ("" is
/// the server as a whole), a draining flag that turns every known service NOT_SERVING for
/// good, and the watchers to push changes to.
///
/// Thread-safe: statuses may be set from any thread; each watcher is notified on its own
/// call's thread through its executor.
public final class HealthStatusRegistry: @unchecked Sendable {
    /// A change seen by a watcher: the new effective status and whether the server is draining.
    public typealias Listener = @Sendable (_ status: ServingStatus, _ draining: Bool) -> Void

    private struct Watcher {
        var service: String
        var executor: any CallExecutor
        var listener: Listener
    }

    private struct State {
        var statuses: [String: ServingStatus] = ["": .serving]
        var draining = false
        var watchers: [UInt64: Watcher] = [:]
        var nextWatcherID: UInt64 = 0

        func effectiveStatus(of service: String) -> ServingStatus? {
            guard let status = statuses[service] else { return nil }
            return draining ? .notServing : status
        }
    }

    private let state = Locked(State())

    /// The overall status ("") starts SERVING; other services are unknown until set.
    public init() {}

    /// The status Check reports: nil for an unknown service (Check answers NOT_FOUND).
    public func status(of service: String) -> ServingStatus? {
        state.withLock { $0.effectiveStatus(of: service) }
    }

    /// True once `beginDraining()` was called.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Marks `service` SERVING (ineffective while draining: everything stays NOT_SERVING).
    public func setServing(_ service: String) { set(service, .serving) }

    /// Marks `service` NOT_SERVING.
    public func setNotServing(_ service: String) { set(service, .notServing) }

    /// Sets the stored status of `service` and notifies its watchers.
    public func set(_ service: String, _ status: ServingStatus) {
        precondition(status == .serving || status == .notServing, "only SERVING or NOT_SERVING can be set")
        state.withLock { state in
            state.statuses[service] = status
            // Enqueued under the lock so every watcher sees changes in the order they happened
            // (`execute` only enqueues; it never runs the work inline).
            let effective = state.effectiveStatus(of: service) ?? .serviceUnknown
            let draining = state.draining
            for watcher in state.watchers.values where watcher.service == service {
                watcher.executor.execute { watcher.listener(effective, draining) }
            }
        }
    }

    /// The server started draining: every known service reports NOT_SERVING from now on and
    /// every watcher is told so (with `draining == true`). Idempotent.
    public func beginDraining() {
        state.withLock { state in
            guard !state.draining else { return }
            state.draining = true
            for watcher in state.watchers.values {
                let effective = state.effectiveStatus(of: watcher.service) ?? .serviceUnknown
                watcher.executor.execute { watcher.listener(effective, true) }
            }
        }
    }

    /// Registers a watcher of `service` and returns its id and the status to send first
    /// (SERVICE_UNKNOWN for an unknown name). Later changes arrive through `listener`, on
    /// `executor`, possibly repeating a status (watchers de-duplicate).
    public func addWatcher(of service: String, executor: any CallExecutor,
                           listener: @escaping Listener) -> (id: UInt64, initial: ServingStatus, draining: Bool) {
        state.withLock { state in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(service: service, executor: executor, listener: listener)
            return (id, state.effectiveStatus(of: service) ?? .serviceUnknown, state.draining)
        }
    }

    /// Removes a watcher (its call ended).
    public func removeWatcher(_ id: UInt64) {
        _ = state.withLock { $0.watchers.removeValue(forKey: id) }
    }

    /// Number of registered watchers (diagnostics and tests).
    public var watcherCount: Int { state.withLock { $0.watchers.count } }
}
