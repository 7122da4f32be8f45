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
        var fields: [(String, String)] = [
            (":method", "POST"),
            (":scheme", tlsContext == nil ? "http" : "https"),
            (":path", call.method.description),
            (":authority", configuration.target.authority),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            ("user-agent", configuration.userAgent),
            ("grpc-accept-encoding", MessageEncoding.acceptEncodingHeader),
        ]
        if call.options.compressRequest { fields.append(("grpc-encoding", "gzip")) }
        if let deadline = call.deadline {
            let remaining = deadline.remainingNanoseconds
            guard remaining > 0 else {
                call.finish(GRPCStatus(.deadlineExceeded, "deadline exceeded before the call was sent"))
                return
            }
            fields.append(("grpc-timeout", GRPCTimeout.format(nanoseconds: remaining)))
        }
        for (name, value) in call.options.metadata {
            if let problem = MetadataValidation.problem(name: name, value: value) {
                call.finish(GRPCStatus(.internal, problem))
                return
            }
            fields.append((name, value))
        }

        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(call).toOpaque()
        provider.read_callback = readRequestBody
        var storage: [UInt8] = []
        for (name, value) in fields {
            storage.append(contentsOf: name.utf8)
            storage.append(contentsOf: value.utf8)
        }
        let streamID: Int32 = storage.withUnsafeMutableBufferPointer { buffer in
            var nva: [nghttp2_nv] = []
            nva.reserveCapacity(fields.count)
            var offset = 0
            for (name, value) in fields {
                let nameLength = name.utf8.count, valueLength = value.utf8.count
                let base = buffer.baseAddress! + offset
                nva.append(nghttp2_nv(name: base, value: base + nameLength, namelen: nameLength,
                                      valuelen: valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                offset += nameLength + valueLength
            }
            return nghttp2_submit_request(session, nil, nva, nva.count, &provider, nil)
        }
        guard streamID > 0 else {
            call.finish(GRPCStatus(.unavailable, "cannot start a stream: \(String(cString: nghttp2_strerror(streamID)))"))
            return
        }
        call.streamID = streamID
        streams[streamID] = call
    }

    fileprivate static func connection(_ userData: UnsafeMutableRawPointer?) -> ClientConnection {
        Unmanaged<ClientConnection>.fromOpaque(userData!).takeUnretainedValue()
    }
}

// MARK: - nghttp2 callbacks (non-capturing; the connection comes back through user_data)

private let readRequestBody: nghttp2_data_source_read_callback = { _, _, buffer, length, flags, source, _ in
    let call = Unmanaged<ClientCall>.fromOpaque(source!.pointee.ptr).takeUnretainedValue()
    let count = min(length, call.requestBody.count - call.sendOffset)
    if count > 0 {
        call.requestBody.withUnsafeBytes { body in
            buffer!.update(from: body.baseAddress!.assumingMemoryBound(to: UInt8.self) + call.sendOffset, count: count)
        }
    }
    call.sendOffset += count
    if call.sendOffset == call.requestBody.count {
        flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
    }
    return count
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    let connection = ClientConnection.connection(userData)
    let streamID = frame!.pointee.hd.stream_id
    guard let call = connection.streams[streamID] else { return 0 }
    let category = frame!.pointee.headers.cat
    guard category == NGHTTP2_HCAT_RESPONSE || category == NGHTTP2_HCAT_HEADERS else { return 0 }
    let nameText = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
    let valueText = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
    call.receiveHeader(name: nameText, value: valueText, isTrailer: category == NGHTTP2_HCAT_HEADERS)
    return 0
}

private let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
    let connection = ClientConnection.connection(userData)
    let header = frame!.pointee.hd
    if header.type == UInt8(NGHTTP2_HEADERS.rawValue), frame!.pointee.headers.cat == NGHTTP2_HCAT_RESPONSE,
       let call = connection.streams[header.stream_id] {
        call.receiveHeadersEnd(endStream: header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0)
    }
    return 0
}

private let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
    let connection = ClientConnection.connection(userData)
    guard let call = connection.streams[streamID] else { return 0 }
    if let failure = call.receiveData(UnsafeRawBufferPointer(start: data, count: length)) {
        connection.abort(call, status: failure)
    }
    return 0
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
    let connection = ClientConnection.connection(userData)
    connection.streams.removeValue(forKey: streamID)?.streamClosed(errorCode: errorCode)
    return 0
}

private let onFrameNotSent: nghttp2_on_frame_not_send_callback = { _, frame, errorCode, userData in
    let connection = ClientConnection.connection(userData)
    let header = frame!.pointee.hd
    if header.type == UInt8(NGHTTP2_HEADERS.rawValue), let call = connection.streams.removeValue(forKey: header.stream_id) {
        call.finish(GRPCStatus(.unavailable, "request not sent: \(String(cString: nghttp2_strerror(errorCode)))"))
    }
    return 0
}
