import CNGHTTP2
import ShopWire

/// One HTTP/2 request stream carrying a gRPC call: collects the request headers, validates them
/// (method, content-type, path, grpc-timeout, grpc-encoding), routes to a handler, deframes
/// request messages, and produces the response (headers, framed messages, trailers).
/// Lives on its connection's reactor thread; this is the `ServerCall` handlers see.
final class HTTP2Stream: ServerCall {
    let id: Int32
    /// Strong: a handler may keep the call after the connection closed; the connection drops
    /// its streams when they close, so there is no lasting cycle.
    let connection: Connection

    // Request headers.
    private(set) var path = MethodPath(service: "", method: "")
    /// Custom request headers as raw bytes (UInt32 lengths + bytes); turned into `Metadata`
    /// only if a handler asks, so calls that never read metadata allocate nothing for it.
    private var rawMetadata: [UInt8] = []
    private var cachedMetadata: Metadata?
    private(set) var deadline: Deadline?
    private(set) var requestID = ""
    private var methodIsPOST = false
    private var pathIsValid = false
    private var contentTypeIsGRPC = false
    private var timeout: String?
    private var requestEncoding: String?
    private var acceptEncoding: String?
    private var headerBytes = 0

    // Call state.
    private var handler: ServerCallHandler?
    private var reader: GRPCMessageReader?
    private var deadlineTimer: ReactorTimer?
    private(set) var isCancelled = false
    private var isFinished = false
    private var isClosed = false

    // Response state.
    private var responseEncoding = MessageEncoding.identity
    private var extraHeaders = Metadata()
    private var headersSubmitted = false
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var dataDeferred = false
    private var pendingStatus: (status: GRPCStatus, trailers: Metadata)?

    // Metrics: set once the headers make this a gRPC call.
    private var callStartedAt: UInt64 = 0
    private var isRoutedMethod = false
    private var sentCode: GRPCStatus.Code?

    init(id: Int32, connection: Connection) {
        self.id = id
        self.connection = connection
    }

    var peer: String { connection.peer }
    var executor: any CallExecutor { connection.reactor }

    // MARK: Request side (called from nghttp2 callbacks)

    /// Stores one request header; false (stream reset) when the block exceeds the size limit.
    func receiveHeader(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        headerBytes += name.count + value.count + 32
        guard headerBytes <= connection.context.limits.maxHeaderListSize else { return false }
        switch RequestHeaderName(name) {
        case .method: methodIsPOST = RequestHeaderName.equal(value, "POST")
        case .path:
            if let parsed = MethodPath(pathBytes: value) {
                path = parsed
                pathIsValid = true
            }
        case .contentType:
            contentTypeIsGRPC = RequestHeaderName.equal(value, "application/grpc")
                || GRPCContentType.isSupported(String(decoding: value, as: UTF8.self))
        case .te, .otherPseudo: break
        case .grpcTimeout: timeout = String(decoding: value, as: UTF8.self)
        case .grpcEncoding: requestEncoding = String(decoding: value, as: UTF8.self)
        case .grpcAcceptEncoding: acceptEncoding = String(decoding: value, as: UTF8.self)
        case .requestID:
            requestID = String(decoding: value, as: UTF8.self)
            storeMetadata(name, value)
        case .metadata:
            storeMetadata(name, value)
        }
        return true
    }

    private func storeMetadata(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        if rawMetadata.isEmpty { rawMetadata.reserveCapacity(256) }
        withUnsafeBytes(of: UInt32(name.count)) { rawMetadata.append(contentsOf: $0) }
        rawMetadata.append(contentsOf: name)
        withUnsafeBytes(of: UInt32(value.count)) { rawMetadata.append(contentsOf: $0) }
        rawMetadata.append(contentsOf: value)
    }

    var requestMetadata: Metadata {
        if let cachedMetadata { return cachedMetadata }
        var metadata = Metadata()
        rawMetadata.withUnsafeBytes { raw in
            var offset = 0
            func next() -> String {
                let length = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                defer { offset += 4 + length }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 4 + length)]), as: UTF8.self)
            }
            while offset < raw.count {
                let name = next()
                metadata.add(name, next())
            }
        }
        cachedMetadata = metadata
        return metadata
    }

    /// The header block is complete: validate and start the call, or answer with an error.
    func headersComplete() {
        if requestID.isEmpty { requestID = connection.state.nextRequestID() }
        guard methodIsPOST else { return respondHTTPError(status: 405) }
        guard contentTypeIsGRPC else { return respondHTTPError(status: 415) }
        callStartedAt = Deadline.now().uptimeNanoseconds
        guard pathIsValid else {
            return finish(status: GRPCStatus(.unimplemented, "malformed :path; expected /package.Service/Method"), trailers: Metadata())
        }
        let encoding: MessageEncoding
        if let requestEncoding {
            guard let supported = MessageEncoding(header: requestEncoding) else {
                extraHeaders.add("grpc-accept-encoding", MessageEncoding.acceptEncodingHeader)
                return finish(status: GRPCStatus(.unimplemented, "grpc-encoding '\(requestEncoding)' is not supported"), trailers: Metadata())
            }
            encoding = supported
        } else {
            encoding = .identity
        }
        responseEncoding = MessageEncoding.forResponse(acceptEncoding: acceptEncoding,
                                                       compressionEnabled: connection.context.configuration.compressionEnabled)
        if let timeout {
            do {
                deadline = try Deadline(grpcTimeout: timeout)
            } catch {
                return finish(status: error as? GRPCStatus ?? GRPCStatus(.invalidArgument, "bad grpc-timeout"), trailers: Metadata())
            }
            if deadline!.hasPassed {
                return finish(status: GRPCStatus(.deadlineExceeded, "deadline expired before the call started"), trailers: Metadata())
            }
        }
        guard let service = connection.context.router.service(named: path.service) else {
            return finish(status: GRPCStatus(.unimplemented, "unknown service \(path.service)"), trailers: Metadata())
        }
        reader = GRPCMessageReader(maxMessageSize: connection.context.limits.maxReceiveMessageSize, encoding: encoding)
        guard let handler = service.makeHandler(method: path.method, call: self) else {
            reader = nil
            return finish(status: GRPCStatus(.unimplemented, "unknown method \(path.method) of service \(path.service)"), trailers: Metadata())
        }
        isRoutedMethod = true
        if isFinished { return }  // the handler answered synchronously
        self.handler = handler
        if let deadline {
            deadlineTimer = connection.reactor.schedule(at: deadline.uptimeNanoseconds) { [weak self] in
                self?.deadlineExpired()
            }
        }
    }

    func receiveData(_ bytes: UnsafeRawBufferPointer) {
        guard handler != nil, reader != nil else { return }
        do {
            try reader!.consume(bytes) { message in
                guard let handler = self.handler else { return }
                handler.receive(message: message)
            }
        } catch {
            abortCall(error as? GRPCStatus ?? GRPCStatus(.internal, "\(error)"))
        }
    }

    func receiveEnd() {
        guard let handler else { return }
        if reader?.hasPartialMessage == true {
            return abortCall(GRPCStatus(.internal, "request stream ended inside a message"))
        }
        handler.receiveEnd()
    }

    /// The stream is gone (response complete, client RST_STREAM, or connection closed).
    func closed(errorCode: UInt32) {
        isClosed = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        if !isFinished { cancelHandler() }
        handler = nil
        reportToObserver()
    }

    /// Tells the server's call observer how this call ended (gRPC calls only).
    private func reportToObserver() {
        guard callStartedAt != 0, let observer = connection.context.configuration.callObserver else { return }
        observer.callEnded(EndedCall(method: isRoutedMethod ? path : nil, code: sentCode ?? .cancelled,
                                     nanoseconds: Deadline.now().uptimeNanoseconds &- callStartedAt,
                                     reactorIndex: connection.reactor.index))
    }

    // MARK: ServerCall (response side)

    func addResponseHeader(_ name: String, _ value: String) {
        guard !headersSubmitted else { return }
        extraHeaders.add(name, value)
    }

    func send(message: [UInt8]) {
        guard !isFinished, !isCancelled, !isClosed else { return }
        do {
            try message.withUnsafeBytes { bytes in
                try GRPCFrame.append(bytes, to: &outbound,
                                     compressor: responseEncoding == .gzip ? connection.compressor : nil)
            }
        } catch {
            return abortCall(GRPCStatus(.internal, "response compression failed"))
        }
        if !headersSubmitted {
            submitResponseHeaders()
        } else if dataDeferred {
            dataDeferred = false
            nghttp2_session_resume_data(connection.session, id)
        }
        connection.needsFlush()
    }

    func finish(status: GRPCStatus, trailers extra: Metadata) {
        guard !isFinished, !isCancelled, !isClosed else { return }
        isFinished = true
        sentCode = status.code
        deadlineTimer?.cancel()
        deadlineTimer = nil
        handler = nil
        if !headersSubmitted {
            // Trailers-only: one HEADERS frame with END_STREAM.
            headersSubmitted = true
            let block = connection.headerBlock
            block.reset()
            appendResponseHeaders(to: block, includeEncoding: false)
            appendStatus(status, extra, to: block)
            _ = block.withNameValuePairs { nghttp2_submit_response(connection.session, id, $0, $1, nil) }
        } else {
            pendingStatus = (status, extra)
            if dataDeferred {
                dataDeferred = false
                nghttp2_session_resume_data(connection.session, id)
            }
        }
        connection.needsFlush()
    }

    /// nghttp2 asks for response body bytes (see `SessionCallbacks.readResponseData`).
    func readResponse(into buffer: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>) -> Int {
        let available = outbound.count - outboundOffset
        var copied = 0
        if available > 0 {
            copied = min(available, buffer.count)
            outbound.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + outboundOffset, byteCount: copied)
            }
            outboundOffset += copied
            if outboundOffset == outbound.count {
                outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
                outboundOffset = 0
            }
        }
        if outboundOffset == outbound.count, let pendingStatus {
            self.pendingStatus = nil
            flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) | UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
            let block = connection.headerBlock
            block.reset()
            appendStatus(pendingStatus.status, pendingStatus.trailers, to: block)
            _ = block.withNameValuePairs { nghttp2_submit_trailer(connection.session, id, $0, $1) }
            return copied
        }
        if copied == 0 {
            dataDeferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return copied
    }

    // MARK: Internals

    private func submitResponseHeaders() {
        headersSubmitted = true
        let block = connection.headerBlock
        block.reset()
        appendResponseHeaders(to: block, includeEncoding: true)
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(self).toOpaque()
        provider.read_callback = SessionCallbacks.readResponseData
        _ = block.withNameValuePairs { nghttp2_submit_response(connection.session, id, $0, $1, &provider) }
    }

    private func appendResponseHeaders(to block: HeaderBlock, includeEncoding: Bool) {
        block.add(":status", "200")
        block.add("content-type", GRPCContentType.response)
        if includeEncoding, responseEncoding == .gzip { block.add("grpc-encoding", "gzip") }
        block.add("grpc-accept-encoding", MessageEncoding.acceptEncodingHeader)
        block.add("x-request-id", requestID, neverIndex: true)
        block.add(extraHeaders)
    }

    private func appendStatus(_ status: GRPCStatus, _ extra: Metadata, to block: HeaderBlock) {
        block.add("grpc-status", String(status.code.rawValue))
        if !status.message.isEmpty { block.add("grpc-message", PercentEncoding.encode(status.message), neverIndex: true) }
        block.add(extra)
    }

    /// A request that is not gRPC at all: a bare HTTP status (405, 415) and END_STREAM.
    private func respondHTTPError(status: Int) {
        isFinished = true
        headersSubmitted = true
        let block = connection.headerBlock
        block.reset()
        block.add(":status", String(status))
        block.add("content-type", "text/plain")
        block.add("x-request-id", requestID, neverIndex: true)
        _ = block.withNameValuePairs { nghttp2_submit_response(connection.session, id, $0, $1, nil) }
        connection.needsFlush()
    }

    /// The transport ends the call itself (bad message, size limit): tell the handler it is
    /// cancelled and send the status to the client.
    private func abortCall(_ status: GRPCStatus) {
        let handler = self.handler
        finish(status: status, trailers: Metadata())
        isCancelled = true
        handler?.cancelled()
    }

    private func deadlineExpired() {
        deadlineTimer = nil
        guard !isFinished, !isClosed else { return }
        abortCall(GRPCStatus(.deadlineExceeded, "deadline exceeded"))
    }

    private func cancelHandler() {
        isCancelled = true
        let handler = self.handler
        self.handler = nil
        handler?.cancelled()
    }

    /// Server shutdown past its grace period: cancel the handler and reset the stream.
    func cancelForShutdown() {
        guard !isClosed else { return }
        if !isFinished {
            isFinished = true
            cancelHandler()
        }
        nghttp2_submit_rst_stream(connection.session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, UInt32(NGHTTP2_CANCEL.rawValue))
        connection.needsFlush()
    }
}
