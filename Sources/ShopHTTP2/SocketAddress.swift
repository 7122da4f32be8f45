import CShopSys
#if canImport(Glibc)
import Glibc
#endif

/// A resolved IPv4 or IPv6 socket address, stored as `sockaddr_storage`.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    /// Resolves a listen address (numeric hosts and names such as `localhost`).
    static func resolve(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw SystemError("resolve \(host): \(String(cString: gai_strerror(rc)))", errno: 0)
        }
        defer { freeaddrinfo(first) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var address = SocketAddress()
            withUnsafeMutableBytes(of: &address.storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(entry.pointee.ai_addrlen)))
            }
            address.length = entry.pointee.ai_addrlen
            result.append(address)
            cursor = entry.pointee.ai_next
        }
        return result
    }

    /// The local address of a bound socket.
    static func local(of fd: Int32) -> SocketAddress {
        var address = SocketAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &address.length) }
        }
        return address
    }

    var port: Int {
        get {
            withUnsafeBytes(of: storage) { raw in
                let offset = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)! : MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!
                return Int(UInt16(raw[offset]) << 8 | UInt16(raw[offset + 1]))
            }
        }
        set {
            let family = self.family
            withUnsafeMutableBytes(of: &storage) { raw in
                let offset = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)! : MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!
                raw[offset] = UInt8(newValue >> 8 & 0xFF)
                raw[offset + 1] = UInt8(newValue & 0xFF)
            }
        }
    }

    /// The numeric host, e.g. `127.0.0.1` or `::1`.
    var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: storage) { raw in
            let offset = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)! : MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)!
            _ = inet_ntop(family, raw.baseAddress! + offset, &buffer, socklen_t(buffer.count))
        }
        return String(cString: buffer)
    }

    /// `127.0.0.1:50051` or `[::1]:50051`.
    var hostAndPort: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The gRPC peer string: `ipv4:127.0.0.1:53412` or `ipv6:[::1]:53412`.
    var grpcPeer: String {
        (family == AF_INET6 ? "ipv6:" : "ipv4:") + hostAndPort
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
