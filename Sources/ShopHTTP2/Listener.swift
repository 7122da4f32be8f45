import CShopSys
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on one reactor. Every reactor binds its own socket to the same address
/// with SO_REUSEPORT, so the kernel spreads new connections across reactors.
final class Listener: ReactorHandler {
    let fd: Int32
    let address: SocketAddress
    private unowned let reactor: Reactor
    private let accept: (Int32, SocketAddress) -> Void
    private var slot = -1

    /// Binds and listens; `address.port == 0` binds an ephemeral port (read it from `address`).
    init(address requested: SocketAddress, reactor: Reactor,
         accept: @escaping (Int32, SocketAddress) -> Void) throws {
        let fd = socket(requested.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError.last("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        if requested.family == AF_INET6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = requested.withSockaddr { bind(fd, $0, $1) }
        guard bound == 0, listen(fd, 1024) == 0 else {
            let error = SystemError.last("bind/listen \(requested.hostAndPort)")
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        self.address = SocketAddress.local(of: fd)
        self.reactor = reactor
        self.accept = accept
        slot = try reactor.register(fd: fd, events: SHOP_EPOLLIN, handler: self)
    }

    func handle(events: UInt32) {
        // Bounded so one busy listener cannot starve the connections of this reactor.
        for _ in 0..<64 {
            var peer = SocketAddress()
            peer.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &peer.storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { shop_accept4(fd, $0, &peer.length) }
            }
            if client < 0 {
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { pauseAccepting() }
                return  // EAGAIN, or a transient error such as ECONNABORTED
            }
            accept(client, peer)
        }
    }

    func flush() {}

    /// Out of descriptors or memory: the pending connection stays queued and epoll would report
    /// it again at once, so stop watching the socket for a moment instead of spinning.
    private func pauseAccepting() {
        guard slot >= 0 else { return }
        reactor.modify(fd: fd, slot: slot, events: 0)
        reactor.schedule(afterNanoseconds: 100_000_000) { [weak self] in
            guard let self, self.slot >= 0 else { return }
            self.reactor.modify(fd: self.fd, slot: self.slot, events: SHOP_EPOLLIN)
        }
    }

    /// Stops accepting and closes the socket (reactor thread).
    func close() {
        guard slot >= 0 else { return }
        reactor.unregister(fd: fd, slot: slot)
        slot = -1
        Glibc.close(fd)
    }
}
