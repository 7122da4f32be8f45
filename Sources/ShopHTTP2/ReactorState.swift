import ShopWire
#if canImport(Glibc)
import Glibc
#endif

/// The server's per-reactor bookkeeping: its listeners, its open connections (for graceful
/// shutdown), a shared read buffer, and the request-id generator. Reactor thread only.
final class ReactorState {
    let reactor: Reactor
    let context: ServerContext
    var listeners: [Listener] = []
    private(set) var connections: [ObjectIdentifier: Connection] = [:]
    /// One read buffer per reactor: a connection's bytes are handed to nghttp2 before the next read.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private(set) var isDraining = false
    private var requestIDPrefix: String
    private var requestCounter: UInt64 = 0
    /// Called when the reactor has finished draining (no listeners, no connections).
    var onDrained: (() -> Void)?

    init(reactor: Reactor, context: ServerContext) {
        self.reactor = reactor
        self.context = context
        var random = SystemRandomNumberGenerator()
        requestIDPrefix = String(random.next() as UInt32, radix: 16)
    }

    deinit { readBuffer.deallocate() }

    /// A fresh request id: a random per-reactor prefix plus a hex counter (unique per process
    /// run, and short enough to stay an inline small string for the first 16M requests).
    func nextRequestID() -> String {
        requestCounter &+= 1
        return requestIDPrefix + "-" + String(requestCounter, radix: 16)
    }

    /// A socket accepted by one of this reactor's listeners.
    func accepted(fd: Int32, peer: SocketAddress) {
        let limit = context.limits.maxConnections
        guard !isDraining,
              context.openConnections.loadThenWrappingIncrement(ordering: .relaxed) < limit else {
            if !isDraining { context.openConnections.wrappingDecrement(ordering: .relaxed) }
            close(fd)
            return
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        do {
            let io: ConnectionIO = try context.tls.map { try TLSSocketIO(fd: fd, context: $0) } ?? PlainSocketIO(fd: fd)
            let connection = try Connection(fd: fd, io: io, peer: peer, state: self)
            connections[ObjectIdentifier(connection)] = connection
        } catch {
            context.logger.warning("dropping connection from \(peer.hostAndPort): \(error)")
            context.openConnections.wrappingDecrement(ordering: .relaxed)
            close(fd)
        }
    }

    /// A connection closed its socket.
    func connectionClosed(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = nil
        context.openConnections.wrappingDecrement(ordering: .relaxed)
        checkDrained()
    }

    /// Graceful shutdown, step 1: stop accepting, send GOAWAY everywhere.
    func beginDrain() {
        isDraining = true
        for listener in listeners { listener.close() }
        listeners.removeAll()
        for connection in Array(connections.values) { connection.beginDrain() }
        checkDrained()
    }

    /// Graceful shutdown, step 2 (grace period over): cancel what is left and close.
    func forceClose() {
        for connection in Array(connections.values) { connection.abort() }
        checkDrained()
    }

    private func checkDrained() {
        guard isDraining, connections.isEmpty, let onDrained else { return }
        self.onDrained = nil
        onDrained()
    }
}
