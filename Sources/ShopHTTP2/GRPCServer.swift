import Atomics
import Logging
import ShopWire
#if canImport(Glibc)
import Glibc
#endif

/// A gRPC server over HTTP/2: reactor threads, SO_REUSEPORT listeners, connections and calls
/// routed through a `ServiceRouter`.
///
/// ```swift
/// let server = GRPCServer(configuration: config, router: router, logger: logger)
/// try server.start()
/// print(server.boundAddresses)          // e.g. ["127.0.0.1:50051"]
/// server.beginGracefulShutdown()        // from a signal handler task
/// server.waitUntilStopped()
/// ```
public final class GRPCServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    private let router: ServiceRouter
    private let logger: Logger
    private var states: [ReactorState] = []
    private let shutdownRequested = ManagedAtomic<Bool>(false)
    private let drainPerformed = ManagedAtomic<Bool>(false)
    private let started = ManagedAtomic<Bool>(false)
    private let requestedGraceNanos = ManagedAtomic<UInt64>(0)

    /// `host:port` of every listening address after `start()` (the real port when 0 was asked).
    public private(set) var boundAddresses: [String] = []

    /// Called once when graceful shutdown begins, before GOAWAY goes out (health → NOT_SERVING).
    public var onDrainStart: (() -> Void)?

    public init(configuration: ServerConfiguration, router: ServiceRouter, logger: Logger) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
    }

    /// Binds every listen address on every reactor and starts the reactor threads.
    public func start() throws {
        precondition(!started.load(ordering: .acquiring), "GRPCServer.start() called twice")
        guard !configuration.listen.isEmpty else { throw ServerError("no listen address configured") }
        // A peer that vanishes mid-write must not kill the process (TLS writes use write(2)).
        signal(SIGPIPE, SIG_IGN)
        let context = try ServerContext(configuration: configuration, router: router, logger: logger)
        let reactorCount = max(1, configuration.reactors)
        for index in 0..<reactorCount {
            states.append(ReactorState(reactor: try Reactor(index: index), context: context))
        }
        do {
            boundAddresses = try openListeners()
        } catch {
            for state in states { for listener in state.listeners { listener.close() } }
            states.removeAll()
            throw error
        }
        for state in states { try state.reactor.start() }
        started.store(true, ordering: .sequentiallyConsistent)
        // A shutdown asked for while starting (e.g. an early SIGTERM) happens now.
        if shutdownRequested.load(ordering: .sequentiallyConsistent) {
            performDrain(graceNanos: requestedGraceNanos.load(ordering: .sequentiallyConsistent))
        }
    }

    /// Binds every address on every reactor; port 0 becomes the kernel's choice for all of them.
    private func openListeners() throws -> [String] {
        var bound: [String] = []
        for listen in configuration.listen {
            var resolved = try SocketAddress.resolve(host: listen.host, port: listen.port)
            var seen = Set<String>()
            resolved = resolved.filter { seen.insert($0.hostAndPort).inserted }
            var actualPort = listen.port
            for var address in resolved {
                if actualPort != 0 { address.port = actualPort }
                for state in states {
                    let listener = try Listener(address: address, reactor: state.reactor) { [unowned state] fd, peer in
                        state.accepted(fd: fd, peer: peer)
                    }
                    state.listeners.append(listener)
                    if actualPort == 0 { actualPort = listener.address.port; address.port = actualPort }
                }
                bound.append(address.hostAndPort)
            }
        }
        return bound
    }

    /// Starts graceful shutdown with the configured grace period.
    public func beginGracefulShutdown() {
        beginGracefulShutdown(grace: configuration.gracePeriod)
    }

    /// Stops accepting, sends GOAWAY on every connection and lets in-flight calls finish;
    /// after `grace`, cancels what is left. The reactors stop once their connections are gone.
    /// Safe to call from any thread, more than once (later calls do nothing).
    /// Called before `start()` finishes, the shutdown begins as soon as the server is up.
    public func beginGracefulShutdown(grace: Duration) {
        requestedGraceNanos.store(grace.nanoseconds, ordering: .sequentiallyConsistent)
        guard !shutdownRequested.exchange(true, ordering: .sequentiallyConsistent) else { return }
        if started.load(ordering: .sequentiallyConsistent) {
            performDrain(graceNanos: grace.nanoseconds)
        }
    }

    /// Runs once, from whichever of `start()` and `beginGracefulShutdown` sees both flags.
    private func performDrain(graceNanos: UInt64) {
        guard !drainPerformed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        onDrainStart?()
        for state in states {
            state.reactor.executeUnchecked { [state] in
                state.onDrained = { [unowned state] in state.reactor.stop() }
                state.reactor.schedule(afterNanoseconds: graceNanos) { [unowned state] in state.forceClose() }
                state.beginDrain()
            }
        }
    }

    /// Blocks until every reactor thread has exited (after graceful shutdown).
    public func waitUntilStopped() {
        for state in states { state.reactor.join() }
    }
}

/// A server start-up failure that is not a system call error.
public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
