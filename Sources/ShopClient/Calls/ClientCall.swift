import CNGHTTP2
import ShopWire

/// One RPC in flight on a `ClientConnection`: the request being sent and the response being
/// assembled. The handle returned by `ClientConnection.start`; `cancel()` may be called from
/// any thread. All other state lives on the connection's event-loop thread.
public final class ClientCall: @unchecked Sendable {
    /// The method called.
    public let method: MethodPath
    let options: CallOptions
    /// The request message as given.
    let request: [UInt8]
    /// The framed, compressed request (made on the loop thread); nil: the uncompressed
    /// framing of `request` is produced while sending, without a copy of its own.
    var compressedBody: [UInt8]?
    /// Bytes of the framed request handed to nghttp2 so far.
    var sendOffset = 0
    let deadline: Deadline?
    /// Held until the call finishes (the caller may hold no other reference), then released.
    /// Strong, not weak: a weak reference would give the delegate a side table and make
    /// every retain and release of it take the runtime's slow path.
    private var delegate: ClientCallDelegate?
    /// Strong: a call handle may outlive every other reference to its connection.
    let connection: ClientConnection

    // Loop-thread state.
    var streamID: Int32 = -1
    /// Position in the connection's open-call list while the stream is open; -1 otherwise.
    var openIndex = -1
    var deadlineTimer: UInt64?
    /// The delegate's `wantsResponseMetadata`, read once.
    private let collectsMetadata: Bool
    private var headers = Metadata()
    private var trailers = Metadata()
    private var headerFields = ResponseFields()
    private var trailerFields = ResponseFields()
    /// Set when the response HEADERS are complete: HTTP 200 with a gRPC content-type.
    private var responseIsGRPC = false
    private var headersComplete = false
    private var reader: GRPCMessageReader?
    private let maxReceiveMessageBytes: Int
    private(set) var isFinished = false

    init(method: MethodPath, request: [UInt8], options: CallOptions, delegate: ClientCallDelegate,
         connection: ClientConnection, maxReceiveMessageBytes: Int) {
        self.method = method
        self.request = request
        self.options = options
        self.delegate = delegate
        self.collectsMetadata = delegate.wantsResponseMetadata
        self.connection = connection
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.deadline = options.timeoutNanoseconds.map { Deadline.after(nanoseconds: $0) }
    }

    /// Cancels the call: the server sees RST_STREAM(CANCEL), the delegate gets CANCELLED.
    /// No effect once the call has finished. Safe from any thread.
    public func cancel() {
        connection.eventLoop.runOnLoop { [self] in
            connection.abort(self, status: GRPCStatus(.cancelled, "cancelled by the client"))
        }
    }

    // MARK: - Request body (called by nghttp2's data source callback)

    /// Copies the next bytes of the framed request (5-byte prefix + message) into `buffer`;
    /// returns how many and whether the body is complete.
    func readBody(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> (count: Int, done: Bool) {
        if let body = compressedBody {
            let count = min(capacity, body.count - sendOffset)
            if count > 0 {
                body.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + sendOffset, count: count) }
            }
            sendOffset += count
            return (count, sendOffset == body.count)
        }
        let total = GRPCFrame.headerSize + request.count
        var written = 0
        while sendOffset < GRPCFrame.headerSize && written < capacity {
            let length = UInt32(truncatingIfNeeded: request.count)
            buffer[written] = sendOffset == 0 ? 0 : UInt8(truncatingIfNeeded: length >> (8 * UInt32(4 - sendOffset)))
            sendOffset += 1
            written += 1
        }
        let count = min(capacity - written, total - sendOffset)
        if count > 0 {
            request.withUnsafeBufferPointer {
                (buffer + written).update(from: $0.baseAddress! + (sendOffset - GRPCFrame.headerSize), count: count)
            }
            sendOffset += count
            written += count
        }
        return (written, sendOffset == total)
    }

    // MARK: - Response assembly (called by the connection's nghttp2 callbacks)

    func receiveHeader(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, isTrailer: Bool) {
        if isTrailer {
            trailerFields.add(name: name, value: value)
        } else {
            headerFields.add(name: name, value: value)
        }
        guard collectsMetadata, name.first != UInt8(ascii: ":") else { return }
        let pair = (ResponseFields.text(name), ResponseFields.text(value))
        if isTrailer { trailers.add(pair.0, pair.1) } else { headers.add(pair.0, pair.1) }
    }

    /// The response HEADERS frame is complete. With END_STREAM it was a trailers-only
    /// response: its fields are the trailers.
    func receiveHeadersEnd(endStream: Bool) {
        guard !headersComplete else { return }
        headersComplete = true
        if endStream {
            trailers = headers
            headers = Metadata()
            trailerFields = headerFields
            trailerFields.httpStatus = nil
            headerFields = ResponseFields(httpStatus: headerFields.httpStatus)
            return
        }
        responseIsGRPC = headerFields.httpStatus == 200 && headerFields.isGRPCContentType
        if responseIsGRPC && collectsMetadata {
            delegate?.callReceivedHeaders(headers)
        }
    }

    /// Returns a status when the data cannot be accepted (the connection then resets the stream).
    func receiveData(_ bytes: UnsafeRawBufferPointer) -> GRPCStatus? {
        guard !isFinished else { return nil }
        guard responseIsGRPC else {
            return nil  // the status comes from the HTTP status at close; ignore the body
        }
        if reader == nil {
            var encoding = MessageEncoding.identity
            if let name = headerFields.grpcEncoding {
                guard let known = (name == "gzip" ? .gzip : name == "identity" ? .identity : MessageEncoding(header: name)) else {
                    return GRPCStatus(.internal, "unsupported response grpc-encoding '\(name)'")
                }
                encoding = known
            }
            reader = GRPCMessageReader(maxMessageSize: maxReceiveMessageBytes, encoding: encoding)
        }
        do {
            try reader!.consume(bytes) { message in
                delegate?.callReceived(messageBytes: message)
            }
        } catch let status as GRPCStatus {
            return status
        } catch {
            return GRPCStatus(.internal, "cannot decode response: \(error)")
        }
        return nil
    }

    /// The stream closed; derive the final status.
    func streamClosed(errorCode: UInt32) {
        guard !isFinished else { return }
        if errorCode != NGHTTP2_NO_ERROR.rawValue {
            finish(StatusMapping.status(rstStreamErrorCode: errorCode))
            return
        }
        if let raw = trailerFields.grpcStatus {
            guard let number = Int(raw), let code = GRPCStatus.Code(rawValue: number) else {
                finish(GRPCStatus(.unknown, "invalid grpc-status '\(raw)'"))
                return
            }
            let message = trailerFields.grpcMessage.map(PercentEncoding.decode) ?? ""
            if code == .ok && reader?.hasPartialMessage == true {
                finish(GRPCStatus(.internal, "response ended inside a message"))
            } else {
                finish(GRPCStatus(code, message))
            }
            return
        }
        let httpStatus = headerFields.httpStatus ?? 0
        if httpStatus != 200 {
            let code = httpStatus == 0 ? .internal : StatusMapping.status(httpStatus: httpStatus)
            finish(GRPCStatus(code, "HTTP status \(httpStatus) without grpc-status"))
        } else if !(headerFields.contentType == .absent ? trailerFields : headerFields).isGRPCContentType {
            finish(GRPCStatus(.unknown, "unexpected content-type '\(headerFields.contentTypeText)'"))
        } else {
            finish(GRPCStatus(.internal, "stream ended without grpc-status"))
        }
    }

    /// Ends the call exactly once and releases the delegate.
    func finish(_ status: GRPCStatus) {
        guard !isFinished else { return }
        isFinished = true
        if let timer = deadlineTimer { connection.eventLoop.cancelTimer(timer) }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.callFinished(status: status, trailers: trailers)
    }
}
