import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// Outcome of one non-blocking read or write.
enum IOResult {
    case transferred(Int)
    case wouldBlock
    case closed
}

/// The byte stream under an HTTP/2 connection: a plain socket or TLS over it.
protocol ConnectionIO: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult
    /// Decrypted bytes buffered inside the TLS library that epoll cannot signal.
    var hasBufferedInput: Bool { get }
    /// The TLS handshake is waiting for the socket to become writable.
    var wantsWritable: Bool { get }
    /// The last write would block until the peer sends something (TLS handshake WANT_READ):
    /// waiting for EPOLLOUT would spin, the next read retries the write instead.
    var writeWaitsForInput: Bool { get }
    /// Sends a TLS close_notify if applicable (best effort).
    func shutdown()
}

/// Cleartext (h2c) I/O straight on the non-blocking socket.
final class PlainSocketIO: ConnectionIO {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if count > 0 { return .transferred(count) }
        if count < 0, errno == EAGAIN || errno == EINTR { return .wouldBlock }
        return .closed
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .transferred(count) }
        if errno == EAGAIN || errno == EINTR { return .wouldBlock }
        return .closed
    }

    var hasBufferedInput: Bool { false }
    var wantsWritable: Bool { false }
    var writeWaitsForInput: Bool { false }
    func shutdown() {}
}

/// TLS with OpenSSL directly on the non-blocking socket. The handshake runs lazily from the
/// first reads and writes; ALPN has already insisted on `h2` by the time it completes.
final class TLSSocketIO: ConnectionIO {
    private let ssl: OpaquePointer
    private(set) var handshakeComplete = false
    private(set) var wantsWritable = false

    init(fd: Int32, context: TLSContext) throws {
        guard let ssl = SSL_new(context.context) else { throw TLSError.openSSL("SSL_new") }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// Advances the handshake; `.transferred(0)` once it is complete.
    private func handshake() -> IOResult {
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            handshakeComplete = true
            wantsWritable = false
            return .transferred(0)
        }
        return classify(rc)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        if !handshakeComplete {
            switch handshake() {
            case .transferred: break
            case let other: return other
            }
        }
        let rc = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        return rc > 0 ? .transferred(Int(rc)) : classify(rc)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        if !handshakeComplete {
            switch handshake() {
            case .transferred: break
            case let other:
                writeWaitsForInput = !wantsWritable
                return other
            }
        }
        let rc = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        if rc > 0 {
            writeWaitsForInput = false
            return .transferred(Int(rc))
        }
        let result = classify(rc)
        writeWaitsForInput = !wantsWritable
        return result
    }

    var hasBufferedInput: Bool { handshakeComplete && SSL_pending(ssl) > 0 }
    private(set) var writeWaitsForInput = false

    func shutdown() {
        if handshakeComplete { SSL_shutdown(ssl) }
    }

    private func classify(_ rc: Int32) -> IOResult {
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ:
            wantsWritable = false
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            wantsWritable = true
            return .wouldBlock
        default:
            ERR_clear_error()
            return .closed
        }
    }
}
