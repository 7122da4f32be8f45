import CNGHTTP2
import ShopWire

/// One RPC in flight on a `ClientConnection`: the request being sent and the response being
/// assembled. The handle returned by `ClientConnection.start`; `cancel()` may be called from
/// any thread. All other state lives on the connection's event-loop thread.
public final class ClientCall: @unchecked Sendable {
    /// The method called.
    public let method: MethodPath
    let options: CallOptions
    /// The request message as given; framed (and compressed) on the loop thread.
    let request: [UInt8]
    /// The framed request body, sent by nghttp2's data provider.
    var requestBody: [UInt8] = []
    var sendOffset = 0
    let deadline: Deadline?
    private weak var delegate: ClientCallDelegate?
    /// Keeps the delegate alive until the call finishes (the caller may hold no reference).
    private var retainedDelegate: ClientCallDelegate?
    /// Strong: a call handle may outlive every other reference to its connection.
    let connection: ClientConnection

    // Loop-thread state.
    var streamID: Int32 = -1
    var deadlineTimer: UInt64?
    private var headers = Metadata()
    private var trailers = Metadata()
    private var httpStatus = 0
    private var headersComplete = false
    private var responseEncoding: String?
    private var reader: GRPCMessageReader?
    private let maxReceiveMessageBytes: Int
    private(set) var isFinished = false

    init(method: MethodPath, request: [UInt8], options: CallOptions, delegate: ClientCallDelegate,
         connection: ClientConnection, maxReceiveMessageBytes: Int) {
        self.method = method
        self.request = request
        self.options = options
        self.delegate = delegate
        self.retainedDelegate = delegate
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

    // MARK: - Response assembly (called by the connection's nghttp2 callbacks)

    func receiveHeader(name: String, value: String, isTrailer: Bool) {
        if isTrailer {
            if !name.hasPrefix(":") { trailers.add(name, value) }
            return
        }
        switch name {
        case ":status": httpStatus = Int(value) ?? 0
        case "grpc-encoding":
            responseEncoding = value
            headers.add(name, value)
        default: if !name.hasPrefix(":") { headers.add(name, value) }
        }
    }

    /// The response HEADERS frame is complete. With END_STREAM it was a trailers-only
    /// response: its fields are the trailers.
    func receiveHeadersEnd(endStream: Bool) {
        guard !headersComplete else { return }
        headersComplete = true
        if endStream {
            trailers = headers
            headers = Metadata()
            return
        }
        if httpStatus == 200, isGRPCContentType(headers.first("content-type")) {
            delegate?.callReceivedHeaders(headers)
        }
    }

    /// Returns a status when the data cannot be accepted (the connection then resets the stream).
    func receiveData(_ bytes: UnsafeRawBufferPointer) -> GRPCStatus? {
        guard !isFinished else { return nil }
        guard httpStatus == 200, isGRPCContentType(headers.first("content-type")) else {
            return nil  // the status comes from the HTTP status at close; ignore the body
        }
        if reader == nil {
            var encoding = MessageEncoding.identity
            if let name = responseEncoding {
                guard let known = MessageEncoding(header: name) else {
                    return GRPCStatus(.internal, "unsupported response grpc-encoding '\(name)'")
                }
                encoding = known
            }
            reader = GRPCMessageReader(maxMessageSize: maxReceiveMessageBytes, encoding: encoding)
        }
        do {
            try reader!.consume(bytes) { message in
                delegate?.callReceived(message: [UInt8](message))
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
        if let raw = trailers.first("grpc-status") {
            guard let number = Int(raw), let code = GRPCStatus.Code(rawValue: number) else {
                finish(GRPCStatus(.unknown, "invalid grpc-status '\(raw)'"))
                return
            }
            let message = trailers.first("grpc-message").map(PercentEncoding.decode) ?? ""
            if code == .ok && reader?.hasPartialMessage == true {
                finish(GRPCStatus(.internal, "response ended inside a message"))
            } else {
                finish(GRPCStatus(code, message))
            }
            return
        }
        if httpStatus != 200 {
            let code = httpStatus == 0 ? .internal : StatusMapping.status(httpStatus: httpStatus)
            finish(GRPCStatus(code, "HTTP status \(httpStatus) without grpc-status"))
        } else if !isGRPCContentType(headers.first("content-type") ?? trailers.first("content-type")) {
            finish(GRPCStatus(.unknown, "unexpected content-type '\(headers.first("content-type") ?? "")'"))
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
        retainedDelegate = nil
        delegate?.callFinished(status: status, trailers: trailers)
    }

    private func isGRPCContentType(_ value: String?) -> Bool {
        value.map(GRPCContentType.isSupported) ?? false
    }
}
