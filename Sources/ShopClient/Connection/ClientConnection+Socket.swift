import CNGHTTP2
import COpenSSL
import CShopSys
import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// Socket and TLS I/O of a client connection: non-blocking connect (trying each resolved
/// address), TLS handshake, reading into nghttp2 and writing what nghttp2 produces.
extension ClientConnection {
    func beginConnecting() {
        // A strong capture (a weak one would make every retain of the connection slow); the
        // timer is cancelled once connected or closed, which releases it.
        connectTimer = eventLoop.scheduleTimer(at: .after(nanoseconds: configuration.connectTimeoutNanoseconds)) { [self] in
            switch self.state {
            case .connecting, .handshaking:
                self.closeConnection(GRPCStatus(.unavailable, "connecting to \(self.configuration.target) timed out"))
            default: break
            }
        }
        connectNextAddress()
    }

    private func connectNextAddress() {
        while let address = addressesToTry.first {
            addressesToTry.removeFirst()
            let socketFD = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socketFD >= 0 else {
                lastConnectError = "socket: \(String(cString: strerror(errno)))"
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let rc = withUnsafePointer(to: address.storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, address.length) }
            }
            if rc == 0 || errno == EINPROGRESS {
                fd = socketFD
                do {
                    token = try eventLoop.register(fd: fd, events: SHOP_EPOLLOUT, handler: self)
                } catch {
                    closeConnection(GRPCStatus(.unavailable, "\(error)"))
                    return
                }
                interestedInWrite = true
                currentAddress = address
                return
            }
            lastConnectError = "\(address): \(String(cString: strerror(errno)))"
            Glibc.close(socketFD)
        }
        closeConnection(GRPCStatus(.unavailable, "cannot connect to \(configuration.target): \(lastConnectError)"))
    }

    func finishConnecting(_ events: UInt32) {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        if error != 0 {
            lastConnectError = "\(currentAddress.map(\.description) ?? "?"): \(String(cString: strerror(error)))"
            eventLoop.deregister(fd: fd, token: token)
            token = 0
            Glibc.close(fd)
            fd = -1
            connectNextAddress()
            return
        }
        if let tlsContext {
            do {
                ssl = try tlsContext.makeSSL(fd: fd, target: configuration.target)
            } catch {
                closeConnection(GRPCStatus(.unavailable, "\(error)"))
                return
            }
            state = .handshaking
            continueHandshake()
        } else {
            startSession()
        }
    }

    func continueHandshake() {
        guard let ssl else { return }
        ERR_clear_error()
        let rc = SSL_connect(ssl)
        if rc == 1 {
            var protocolName: UnsafePointer<UInt8>?
            var protocolLength: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &protocolLength)
            let alpn = protocolName.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(protocolLength)), as: UTF8.self) }
            guard alpn == "h2" else {
                closeConnection(GRPCStatus(.unavailable, "TLS server at \(configuration.target) did not negotiate ALPN h2 (got \(alpn ?? "none"))"))
                return
            }
            startSession()
            return
        }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: setWriteInterest(false)
        case SSL_ERROR_WANT_WRITE: setWriteInterest(true)
        default:
            var reason = TLSClientContext.lastError()
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                reason = "certificate verification failed: \(String(cString: X509_verify_cert_error_string(verify)))"
            }
            closeConnection(GRPCStatus(.unavailable, "TLS handshake with \(configuration.target) failed: \(reason)"))
        }
    }

    func setWriteInterest(_ wanted: Bool) {
        guard wanted != interestedInWrite, fd >= 0 else { return }
        interestedInWrite = wanted
        eventLoop.modify(fd: fd, token: token, events: wanted ? (SHOP_EPOLLIN | SHOP_EPOLLOUT) : SHOP_EPOLLIN)
    }

    /// Reads what the socket has (bounded per wake-up for fairness) and feeds nghttp2.
    func readAvailable() {
        for _ in 0..<16 {
            guard let session else { return }
            let count = readBuffer.withUnsafeMutableBytes { buffer -> Int in
                if let ssl {
                    ERR_clear_error()
                    let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                    if n > 0 { return Int(n) }
                    switch SSL_get_error(ssl, n) {
                    case SSL_ERROR_WANT_READ: return -Int(EAGAIN)
                    case SSL_ERROR_WANT_WRITE: setWriteInterest(true); return -Int(EAGAIN)
                    case SSL_ERROR_ZERO_RETURN: return 0
                    default: return -Int(EIO)
                    }
                }
                let n = read(fd, buffer.baseAddress, buffer.count)
                return n >= 0 ? n : -Int(errno)
            }
            if count == -Int(EAGAIN) || count == -Int(EINTR) { break }
            if count == 0 {
                closeConnection(GRPCStatus(.unavailable, "connection closed by \(configuration.target)"))
                return
            }
            if count < 0 {
                closeConnection(GRPCStatus(.unavailable, "read from \(configuration.target) failed: \(String(cString: strerror(Int32(-count))))"))
                return
            }
            let consumed = readBuffer.withUnsafeBytes { buffer in
                nghttp2_session_mem_recv(session, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
            }
            if consumed < 0 {
                let reason = String(cString: nghttp2_strerror(Int32(consumed)))
                nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
                flush()
                closeConnection(GRPCStatus(.internal, "HTTP/2 protocol error from \(configuration.target): \(reason)"))
                return
            }
            if count < readBuffer.count && ssl == nil { break }
        }
        scheduleFlush()
    }

    /// Moves nghttp2's pending output to the socket until it would block.
    func flush() {
        guard let session else { return }
        while true {
            if outboundOffset == outbound.count {
                outbound.removeAll(keepingCapacity: true)
                outboundOffset = 0
                // Gather several frames into one write.
                while outbound.count < 64 * 1024 {
                    var chunk: UnsafePointer<UInt8>?
                    let n = nghttp2_session_mem_send(session, &chunk)
                    if n < 0 {
                        closeConnection(GRPCStatus(.internal, "HTTP/2 send failed: \(String(cString: nghttp2_strerror(Int32(n))))"))
                        return
                    }
                    if n == 0 { break }
                    outbound.append(contentsOf: UnsafeBufferPointer(start: chunk, count: n))
                }
                if outbound.isEmpty { break }
            }
            let written = outbound.withUnsafeBytes { buffer -> Int in
                let pending = UnsafeRawBufferPointer(rebasing: buffer[outboundOffset...])
                if let ssl {
                    ERR_clear_error()
                    let n = SSL_write(ssl, pending.baseAddress, Int32(pending.count))
                    if n > 0 { return Int(n) }
                    switch SSL_get_error(ssl, n) {
                    case SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_READ: return -Int(EAGAIN)
                    default: return -Int(EIO)
                    }
                }
                let n = send(fd, pending.baseAddress, pending.count, Int32(MSG_NOSIGNAL))
                return n >= 0 ? n : -Int(errno)
            }
            if written == -Int(EAGAIN) || written == -Int(EINTR) {
                setWriteInterest(true)
                return
            }
            if written < 0 {
                closeConnection(GRPCStatus(.unavailable, "write to \(configuration.target) failed: \(String(cString: strerror(Int32(-written))))"))
                return
            }
            outboundOffset += written
        }
        setWriteInterest(false)
        if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            closeConnection(GRPCStatus(.unavailable, "connection to \(configuration.target) finished (GOAWAY)"))
        }
    }
}
