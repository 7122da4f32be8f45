import CNGHTTP2
import CShopSys
import ShopWire
#if canImport(Glibc)
import Glibc
#endif

/// One accepted HTTP/2 connection on one reactor: socket (or TLS) I/O, the nghttp2 server
/// session, its streams, an output buffer flushed once per loop iteration, flood counters, and
/// idle/keepalive housekeeping. Reactor thread only, so nothing here needs a lock.
final class Connection: ReactorHandler {
    let fd: Int32
    let peer: String
    /// Strong: calls may outlive the server (a worker finishing late still reaches the executor).
    let reactor: Reactor
    let context: ServerContext
    /// Only used on the reactor thread while the server runs.
    unowned let state: ReactorState
    private(set) var session: OpaquePointer!
    private let io: ConnectionIO
    private var slot = -1
    private var streams: [Int32: HTTP2Stream] = [:]
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var flushScheduled = false
    private var watchingWritable = false
    private var isClosed = false
    private var isDraining = false
    /// The final GOAWAY (naming the last stream this server processes) is queued.
    private var finalGoawaySent = false
    private var drainTimer: ReactorTimer?
    /// Output is shut down after a final GOAWAY; input is read and dropped until the peer
    /// closes (or a short timeout), so the kernel does not reset the connection and lose the
    /// GOAWAY (a "lingering close").
    private var isLingering = false

    /// Scratch for building response header blocks (used and reset within one submit).
    let headerBlock = HeaderBlock()

    /// gzip compressor shared by the responses of this connection (created on first use).
    private(set) lazy var compressor = GzipCompressor()

    // Flood counters: frames of each kind in the current one-second window.
    private var floodWindowStart: UInt64 = 0
    private var settingsFrames = 0
    private var pingFrames = 0

    // Idle and keepalive.
    private var lastReadTime: UInt64
    private var lastStreamActivity: UInt64
    private var pingSentAt: UInt64?
    private var housekeeping: ReactorTimer?

    private static let outputHighWater = 256 * 1024

    init(fd: Int32, io: ConnectionIO, peer: SocketAddress, state: ReactorState) throws {
        self.fd = fd
        self.io = io
        self.peer = peer.grpcPeer
        self.state = state
        self.reactor = state.reactor
        self.context = state.context
        let now = Deadline.now().uptimeNanoseconds
        lastReadTime = now
        lastStreamActivity = now
        var session: OpaquePointer?
        let rc = nghttp2_session_server_new2(&session, state.context.callbacks,
                                             Unmanaged.passUnretained(self).toOpaque(), state.context.options)
        guard rc == 0, let session else { throw SystemError("nghttp2_session_server_new", errno: 0) }
        self.session = session
        submitSettings()
        slot = try state.reactor.register(fd: fd, events: SHOP_EPOLLIN | SHOP_EPOLLRDHUP, handler: self)
        scheduleHousekeeping()
        needsFlush()
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    private func submitSettings() {
        let limits = context.limits
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: UInt32(clamping: limits.maxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: UInt32(clamping: min(limits.initialStreamWindowSize, Int(Int32.max)))),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: UInt32(clamping: limits.maxHeaderListSize)),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        let window = Int32(clamping: min(limits.initialConnectionWindowSize, Int(Int32.max)))
        if window > 65_535 {
            nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, window)
        }
    }

    // MARK: Events

    func handle(events: UInt32) {
        if events & SHOP_EPOLLOUT != 0 { writeOutput() }
        if events & (SHOP_EPOLLIN | SHOP_EPOLLHUP | SHOP_EPOLLERR | SHOP_EPOLLRDHUP) != 0 { readInput() }
    }

    private func readInput() {
        let buffer = state.readBuffer
        if isLingering { return discardInput(buffer) }
        var budget = 1 << 20  // per wake-up, so one busy peer cannot starve the others
        while !isClosed, budget > 0 {
            switch io.read(into: buffer) {
            case .transferred(0):
                if io.wantsWritable { watchWritable(true) }
                needsFlush()  // handshake progress
                return
            case let .transferred(count):
                budget -= count
                lastReadTime = Deadline.now().uptimeNanoseconds
                let consumed = nghttp2_session_mem_recv(session, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
                if consumed < 0 {
                    let error = Int32(consumed)
                    context.logger.debug("closing connection \(peer): \(String(cString: nghttp2_strerror(error)))")
                    let code = error == NGHTTP2_ERR_FLOODED.rawValue ? NGHTTP2_ENHANCE_YOUR_CALM : NGHTTP2_PROTOCOL_ERROR
                    nghttp2_session_terminate_session(session, UInt32(code.rawValue))
                    flush()
                    if !isClosed { lingerClose() }
                    return
                }
            case .wouldBlock:
                if io.wantsWritable { watchWritable(true) }
                needsFlush()
                return
            case .closed:
                return close()
            }
        }
        needsFlush()
        if io.hasBufferedInput || budget <= 0 {
            // More may be buffered (inside TLS, or past our budget): continue on the next turn.
            reactor.executeUnchecked { [weak self] in self?.readInput() }
        }
    }

    // MARK: Output

    /// Asks the reactor to flush this connection at the end of the current iteration.
    func needsFlush() {
        guard !flushScheduled, !isClosed else { return }
        flushScheduled = true
        reactor.scheduleFlush(self)
    }

    /// Serialises pending frames into the output buffer and writes as much as the socket takes.
    func flush() {
        flushScheduled = false
        guard !isClosed, !isLingering else { return }
        while output.count - outputOffset < Self.outputHighWater {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            if length < 0 { return close() }
            if length == 0 { break }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: length))
        }
        writeOutput()
        if isClosed { return }
        let idle = output.count == outputOffset
        if idle, nghttp2_session_want_read(session) == 0, nghttp2_session_want_write(session) == 0 {
            return lingerClose()
        }
        if idle, finalGoawaySent, streams.isEmpty { return lingerClose() }
    }

    private func writeOutput() {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                io.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case let .transferred(count):
                outputOffset += count
            case .wouldBlock:
                // TLS waiting for the peer: the next read calls flush again.
                watchWritable(!io.writeWaitsForInput)
                return
            case .closed:
                return close()
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
        outputOffset = 0
        if watchingWritable, !io.wantsWritable {
            watchWritable(false)
            needsFlush()  // frames may have waited for buffer space
        }
    }

    private func watchWritable(_ on: Bool) {
        guard on != watchingWritable, !isClosed, !isLingering || !on else { return }
        watchingWritable = on
        reactor.modify(fd: fd, slot: slot, events: SHOP_EPOLLIN | SHOP_EPOLLRDHUP | (on ? SHOP_EPOLLOUT : 0))
    }

    // MARK: Streams

    func beginStream(id: Int32) {
        let stream = HTTP2Stream(id: id, connection: self)
        streams[id] = stream
        nghttp2_session_set_stream_user_data(session, id, Unmanaged.passUnretained(stream).toOpaque())
        lastStreamActivity = Deadline.now().uptimeNanoseconds
    }

    func streamClosed(id: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: id) else { return }
        stream.closed(errorCode: errorCode)
        lastStreamActivity = Deadline.now().uptimeNanoseconds
    }

    // MARK: Flood limits

    private func rollFloodWindow() {
        let now = Deadline.now().uptimeNanoseconds
        if now - floodWindowStart >= 1_000_000_000 {
            floodWindowStart = now
            settingsFrames = 0
            pingFrames = 0
        }
    }

    func countSettingsFrame() {
        rollFloodWindow()
        settingsFrames += 1
        if settingsFrames > context.limits.maxSettingsFramesPerSecond { terminate(reason: "SETTINGS flood") }
    }

    func countPingFrame() {
        rollFloodWindow()
        pingFrames += 1
        if pingFrames > context.limits.maxPingFramesPerSecond { terminate(reason: "PING flood") }
    }

    func receivedPingAck() { pingSentAt = nil }

    /// Sends GOAWAY(ENHANCE_YOUR_CALM); the connection closes once it is written.
    private func terminate(reason: String) {
        context.logger.warning("closing connection \(peer): \(reason)")
        nghttp2_session_terminate_session(session, UInt32(NGHTTP2_ENHANCE_YOUR_CALM.rawValue))
        needsFlush()
    }

    // MARK: Idle and keepalive

    private func scheduleHousekeeping() {
        let limits = context.limits
        var next = UInt64.max
        let now = Deadline.now().uptimeNanoseconds
        if limits.idleTimeout > .zero { next = min(next, now + limits.idleTimeout.nanoseconds / 4 + 1) }
        if limits.keepaliveInterval > .zero {
            next = min(next, now + min(limits.keepaliveInterval.nanoseconds, limits.keepaliveTimeout.nanoseconds) / 2 + 1)
        }
        guard next != .max else { return }
        housekeeping = reactor.schedule(at: next) { [weak self] in self?.runHousekeeping() }
    }

    private func runHousekeeping() {
        guard !isClosed else { return }
        let limits = context.limits
        let now = Deadline.now().uptimeNanoseconds
        if limits.idleTimeout > .zero, streams.isEmpty, now - lastStreamActivity >= limits.idleTimeout.nanoseconds {
            context.logger.debug("closing idle connection \(peer)")
            nghttp2_session_terminate_session(session, UInt32(NGHTTP2_NO_ERROR.rawValue))
            needsFlush()
            return
        }
        if limits.keepaliveInterval > .zero {
            if let sent = pingSentAt {
                if now - sent >= limits.keepaliveTimeout.nanoseconds {
                    context.logger.debug("closing connection \(peer): keepalive PING unanswered")
                    return close()
                }
            } else if now - lastReadTime >= limits.keepaliveInterval.nanoseconds {
                pingSentAt = now
                nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
                needsFlush()
            }
        }
        scheduleHousekeeping()
    }

    // MARK: Shutdown

    /// How long the shutdown notice precedes the final GOAWAY: time for a request the client
    /// sent before it saw the notice to arrive (one round trip, with margin).
    static let drainNoticeNanoseconds: UInt64 = 1_000_000_000

    /// Graceful drain in two steps, as gRPC servers do: first a GOAWAY naming stream 2^31−1
    /// (a notice: the client stops opening streams, and streams already on their way are still
    /// served), then, after `drainNoticeNanoseconds`, the final GOAWAY naming the last stream
    /// processed. In-flight calls continue; the connection closes once they are done.
    func beginDrain() {
        guard !isDraining, !isClosed else { return }
        isDraining = true
        nghttp2_submit_shutdown_notice(session)
        needsFlush()
        drainTimer = reactor.schedule(afterNanoseconds: Self.drainNoticeNanoseconds) { [weak self] in self?.sendFinalGoaway() }
    }

    private func sendFinalGoaway() {
        drainTimer = nil
        guard !finalGoawaySent, !isClosed else { return }
        finalGoawaySent = true
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue),
                              nghttp2_session_get_last_proc_stream_id(session), UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0)
        needsFlush()
    }

    /// Grace period over: cancel every call and close after a best-effort final write.
    func abort() {
        guard !isClosed else { return }
        for stream in Array(streams.values) { stream.cancelForShutdown() }
        nghttp2_session_terminate_session(session, UInt32(NGHTTP2_NO_ERROR.rawValue))
        flush()
        close()
    }

    /// Everything (including GOAWAY) is written: stop sending, drain input briefly, then close.
    private func lingerClose() {
        guard !isLingering, !isClosed else { return }
        isLingering = true
        io.shutdown()
        Glibc.shutdown(fd, Int32(SHUT_WR))
        housekeeping?.cancel()
        housekeeping = reactor.schedule(afterNanoseconds: 500_000_000) { [weak self] in self?.close() }
    }

    private func discardInput(_ buffer: UnsafeMutableRawBufferPointer) {
        for _ in 0..<16 {
            switch io.read(into: buffer) {
            case .transferred: continue
            case .wouldBlock: return
            case .closed: return close()
            }
        }
    }

    private func close() {
        guard !isClosed else { return }
        isClosed = true
        housekeeping?.cancel()
        housekeeping = nil
        drainTimer?.cancel()
        drainTimer = nil
        io.shutdown()
        reactor.unregister(fd: fd, slot: slot)
        Glibc.close(fd)
        let open = streams
        streams.removeAll()
        for stream in open.values { stream.closed(errorCode: UInt32(NGHTTP2_CANCEL.rawValue)) }
        state.connectionClosed(self)
    }
}
