import CNGHTTP2
import COpenSSL
import CShopSys
import Foundation
import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/2 connection to a gRPC server (h2c with prior knowledge, or TLS with ALPN `h2`)
/// carrying many concurrent calls.
///
/// The connection is driven by a `ClientEventLoop` (its own, or one shared with other
/// connections). It connects at once in the background; calls started before it is ready
/// wait and are sent when it is. When the connection fails or closes, every open call
/// finishes with UNAVAILABLE. There is no automatic reconnection: make a new connection.
///
/// Calls: `start(_:request:options:delegate:)` (callbacks, the cheapest form), or the async
/// helpers `unary` and `serverStreaming` in `ClientConnection+Async.swift`.
public final class ClientConnection: EventLoopHandler, @unchecked Sendable {
    public let configuration: ConnectionConfiguration
    public let eventLoop: ClientEventLoop
    private let ownsEventLoop: Bool
    let tlsContext: TLSClientContext?
    var addressesToTry: [SocketAddress]
    var currentAddress: SocketAddress?

    enum State {
        case connecting
        case handshaking
        case ready
        case closed(GRPCStatus)
    }

    // Loop-thread state (see ClientConnection+Socket.swift and +Session.swift).
    var state: State = .connecting
    var fd: Int32 = -1
    var ssl: OpaquePointer?
    var session: OpaquePointer?
    var token: UInt64 = 0
    var interestedInWrite = false
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Calls with an open stream (each knows its index: O(1) removal); the stream's nghttp2
    /// user data points at the call without retaining it, this list keeps it alive.
    var openCalls: [ClientCall] = []
    var waitingCalls: [ClientCall] = []
    /// Header fields of the last (method, options) submitted, reused while they match.
    var headerBlock: RequestHeaderBlock?
    var flushScheduled = false
    /// gzip state reused by every compressed request of this connection (loop thread only).
    private var requestCompressor: GzipCompressor?
    var connectTimer: UInt64?
    var lastConnectError = ""
    private let closedSignal = DispatchSemaphore(value: 0)

    /// Creates the connection and starts connecting in the background.
    /// - Parameters:
    ///   - configuration: target, TLS and limits.
    ///   - eventLoop: a loop to share; nil creates a loop owned (and shut down) by this connection.
    /// - Throws: `ClientError` for an unresolvable host or unusable TLS files.
    public init(configuration: ConnectionConfiguration, eventLoop: ClientEventLoop? = nil) throws {
        self.configuration = configuration
        self.tlsContext = try configuration.tls.map(TLSClientContext.init)
        self.addressesToTry = try SocketAddress.resolve(configuration.target)
        if let eventLoop {
            self.eventLoop = eventLoop
            ownsEventLoop = false
        } else {
            self.eventLoop = try ClientEventLoop()
            ownsEventLoop = true
        }
        self.eventLoop.execute { [self] in beginConnecting() }
    }

    /// Convenience: connect to `HOST:PORT` in cleartext or with TLS.
    public convenience init(target: String, tls: TLSConfiguration? = nil) throws {
        try self.init(configuration: ConnectionConfiguration(target: Target(parsing: target), tls: tls))
    }

    /// Starts a call with one request message (unary or server-streaming: the server decides
    /// how many responses come back). Safe from any thread; returns at once.
    @discardableResult
    public func start(_ method: MethodPath, request: [UInt8], options: CallOptions = CallOptions(),
                      delegate: ClientCallDelegate) -> ClientCall {
        let call = ClientCall(method: method, request: request, options: options, delegate: delegate,
                              connection: self, maxReceiveMessageBytes: configuration.maxReceiveMessageBytes)
        if eventLoop.inOwningThread {
            enqueue(call)  // no task closure on the hot path of callers on the loop
        } else {
            eventLoop.execute { [self] in enqueue(call) }
        }
        return call
    }

    /// Closes the connection: open calls finish with UNAVAILABLE, GOAWAY is sent. Returns at
    /// once; safe from any thread.
    public func close() {
        eventLoop.runOnLoop { [self] in
            if let session, case .ready = state {
                _ = nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR.rawValue)
                flush()
            }
            closeConnection(GRPCStatus(.unavailable, "connection closed by the client"))
        }
    }

    /// Closes the connection, waits until it is closed and, when the connection owns its
    /// event loop, stops the loop. Must not be called on the event-loop thread.
    public func shutdown() {
        close()
        closedSignal.wait()
        closedSignal.signal()  // later waiters pass too
        if ownsEventLoop { eventLoop.shutdown() }
    }

    // MARK: - Loop-thread internals

    private func enqueue(_ call: ClientCall) {
        if call.options.compressRequest {
            do {
                if requestCompressor == nil { requestCompressor = GzipCompressor() }
                call.compressedBody = try GRPCFrame.framed(call.request, compressor: requestCompressor)
            } catch {
                call.finish((error as? GRPCStatus) ?? GRPCStatus(.internal, "cannot frame the request: \(error)"))
                return
            }
        }
        if let deadline = call.deadline {
            // Strong captures (weak ones make every retain slow): `finish` cancels the timer.
            call.deadlineTimer = eventLoop.scheduleTimer(at: deadline) { [self, call] in
                self.abort(call, status: GRPCStatus(.deadlineExceeded, "deadline exceeded (client side)"))
            }
        }
        switch state {
        case .closed(let status):
            call.finish(status)
        case .connecting, .handshaking:
            waitingCalls.append(call)
        case .ready:
            waitingCalls.append(call)
            scheduleFlush()
        }
    }

    /// Ends `call` with `status` and resets its stream if it is open.
    func abort(_ call: ClientCall, status: GRPCStatus) {
        guard !call.isFinished else { return }
        if call.streamID > 0, let session {
            _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), call.streamID, NGHTTP2_CANCEL.rawValue)
            scheduleFlush()
        } else if let index = waitingCalls.firstIndex(where: { $0 === call }) {
            waitingCalls.remove(at: index)
        }
        call.finish(status)
    }

    /// Submits waiting calls and writes at the end of this loop iteration (coalescing).
    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.deferToEndOfIteration { [self] in
            flushScheduled = false
            submitWaitingCalls()
            flush()
        }
    }

    /// Fails every call and releases the socket, TLS and nghttp2 state. Idempotent.
    func closeConnection(_ status: GRPCStatus) {
        if case .closed = state { return }
        state = .closed(status)
        if let timer = connectTimer { eventLoop.cancelTimer(timer) }
        let calls = openCalls + waitingCalls
        for call in openCalls { call.openIndex = -1 }
        openCalls.removeAll()
        waitingCalls.removeAll()
        if let session { nghttp2_session_del(session) }
        session = nil
        if let ssl {
            SSL_free(ssl)
        }
        ssl = nil
        if fd >= 0 {
            if token != 0 { eventLoop.deregister(fd: fd, token: token) }
            Glibc.close(fd)
            fd = -1
        }
        for call in calls { call.finish(status) }
        closedSignal.signal()
    }

    func handleEvents(_ events: UInt32) {
        switch state {
        case .connecting: finishConnecting(events)
        case .handshaking: continueHandshake()
        case .ready:
            if events & (SHOP_EPOLLIN | SHOP_EPOLLHUP | SHOP_EPOLLERR) != 0 { readAvailable() }
            if case .ready = state, events & SHOP_EPOLLOUT != 0 { flush() }
        case .closed: break
        }
    }
}
