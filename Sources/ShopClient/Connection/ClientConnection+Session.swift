import CNGHTTP2
import ShopWire

/// The nghttp2 client session of a connection: creation, request submission and the
/// callbacks that turn frames into call events. nghttp2 1.52 API (mem_recv/data_provider).
extension ClientConnection {
    func startSession() {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            closeConnection(GRPCStatus(.internal, "nghttp2_session_callbacks_new failed"))
            return
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, onFrameNotSent)

        var newSession: OpaquePointer?
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_client_new(&newSession, callbacks, userData) == 0, let newSession else {
            closeConnection(GRPCStatus(.internal, "nghttp2_session_client_new failed"))
            return
        }
        session = newSession
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(configuration.initialStreamWindow)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: 64 * 1024),
        ]
        _ = nghttp2_submit_settings(newSession, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        _ = nghttp2_session_set_local_window_size(newSession, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, configuration.connectionWindow)

        if let timer = connectTimer { eventLoop.cancelTimer(timer) }
        connectTimer = nil
        state = .ready
        setWriteInterest(false)
        scheduleFlush()
    }

    /// Hands every waiting call to nghttp2 (which itself queues beyond the server's
    /// SETTINGS_MAX_CONCURRENT_STREAMS).
    func submitWaitingCalls() {
        guard let session, case .ready = state, !waitingCalls.isEmpty else { return }
        let calls = waitingCalls
        waitingCalls.removeAll(keepingCapacity: true)
        for call in calls where !call.isFinished {
            submit(call, session: session)
        }
    }

    private func submit(_ call: ClientCall, session: OpaquePointer) {
        var timeout: String?
        if let deadline = call.deadline {
            let remaining = deadline.remainingNanoseconds
            guard remaining > 0 else {
                call.finish(GRPCStatus(.deadlineExceeded, "deadline exceeded before the call was sent"))
                return
            }
            timeout = GRPCTimeout.format(nanoseconds: remaining)
        }
        let block = headerBlock(for: call)
        if let problem = block.problem {
            call.finish(GRPCStatus(.internal, problem))
            return
        }
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(call).toOpaque()
        provider.read_callback = readRequestBody
        let streamID = block.withFields(timeout: timeout) { fields, count in
            nghttp2_submit_request(session, nil, fields, count, &provider, Unmanaged.passUnretained(call).toOpaque())
        }
        guard streamID > 0 else {
            call.finish(GRPCStatus(.unavailable, "cannot start a stream: \(String(cString: nghttp2_strerror(streamID)))"))
            return
        }
        call.streamID = streamID
        call.openIndex = openCalls.count
        openCalls.append(call)
    }

    /// The prepared header fields for `call`: the last block when it matches, else a new one.
    private func headerBlock(for call: ClientCall) -> RequestHeaderBlock {
        if let block = headerBlock, block.matches(call.method, call.options) { return block }
        let block = RequestHeaderBlock(method: call.method, options: call.options, scheme: tlsContext == nil ? "http" : "https",
                                       authority: configuration.target.authority, userAgent: configuration.userAgent)
        headerBlock = block
        return block
    }

    /// Takes `call` out of the open-call list; false when it was not in it.
    @discardableResult
    func removeOpenCall(_ call: ClientCall) -> Bool {
        let index = call.openIndex
        guard index >= 0, index < openCalls.count, openCalls[index] === call else { return false }
        let last = openCalls.removeLast()
        if index < openCalls.count {
            openCalls[index] = last
            last.openIndex = index
        }
        call.openIndex = -1
        return true
    }

    /// The open call of `streamID` (through the stream's user data), or nil.
    func openCall(streamID: Int32) -> ClientCall? {
        guard let session, let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        let call = Unmanaged<ClientCall>.fromOpaque(pointer).takeUnretainedValue()
        return call.openIndex >= 0 ? call : nil
    }

    fileprivate static func connection(_ userData: UnsafeMutableRawPointer?) -> ClientConnection {
        Unmanaged<ClientConnection>.fromOpaque(userData!).takeUnretainedValue()
    }
}

// MARK: - nghttp2 callbacks (non-capturing; the connection comes back through user_data)

private let readRequestBody: nghttp2_data_source_read_callback = { _, _, buffer, length, flags, source, _ in
    let call = Unmanaged<ClientCall>.fromOpaque(source!.pointee.ptr).takeUnretainedValue()
    let (count, done) = call.readBody(into: buffer!, capacity: length)
    if done { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
    return count
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    let category = frame!.pointee.headers.cat
    guard category == NGHTTP2_HCAT_RESPONSE || category == NGHTTP2_HCAT_HEADERS,
          let call = ClientConnection.connection(userData).openCall(streamID: frame!.pointee.hd.stream_id) else { return 0 }
    call.receiveHeader(name: UnsafeBufferPointer(start: name, count: nameLength),
                       value: UnsafeBufferPointer(start: value, count: valueLength),
                       isTrailer: category == NGHTTP2_HCAT_HEADERS)
    return 0
}

private let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
    let header = frame!.pointee.hd
    if header.type == UInt8(NGHTTP2_HEADERS.rawValue), frame!.pointee.headers.cat == NGHTTP2_HCAT_RESPONSE,
       let call = ClientConnection.connection(userData).openCall(streamID: header.stream_id) {
        call.receiveHeadersEnd(endStream: header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0)
    }
    return 0
}

private let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
    let connection = ClientConnection.connection(userData)
    guard let call = connection.openCall(streamID: streamID) else { return 0 }
    if let failure = call.receiveData(UnsafeRawBufferPointer(start: data, count: length)) {
        connection.abort(call, status: failure)
    }
    return 0
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
    let connection = ClientConnection.connection(userData)
    guard let call = connection.openCall(streamID: streamID) else { return 0 }
    connection.removeOpenCall(call)
    call.streamClosed(errorCode: errorCode)
    return 0
}

private let onFrameNotSent: nghttp2_on_frame_not_send_callback = { _, frame, errorCode, userData in
    let connection = ClientConnection.connection(userData)
    let header = frame!.pointee.hd
    if header.type == UInt8(NGHTTP2_HEADERS.rawValue), let call = connection.openCall(streamID: header.stream_id) {
        connection.removeOpenCall(call)
        // nghttp2 closes the stream next: it must not find a pointer to a released call.
        nghttp2_session_set_stream_user_data(connection.session, header.stream_id, nil)
        call.finish(GRPCStatus(.unavailable, "request not sent: \(String(cString: nghttp2_strerror(errorCode)))"))
    }
    return 0
}
