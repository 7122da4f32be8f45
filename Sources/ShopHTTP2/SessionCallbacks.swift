import CNGHTTP2

/// The nghttp2 callbacks of every server session. Each is a non-capturing C function that finds
/// its `Connection` through `user_data` and its `HTTP2Stream` through the stream user data, and
/// forwards the event. All run on the connection's reactor thread, inside `mem_recv`/`mem_send`.
enum SessionCallbacks {
    static func make() -> OpaquePointer {
        var pointer: OpaquePointer?
        nghttp2_session_callbacks_new(&pointer)
        let callbacks = pointer!

        // RFC 9113 §5.1.1: a new stream id must exceed every id the client used before.
        // nghttp2 1.52 silently ignores HEADERS that open a stream below the last one; failing
        // the callback makes mem_recv fail, and the connection ends with GOAWAY(PROTOCOL_ERROR).
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks) { session, header, _ in
            guard let session, let header, header.pointee.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return 0 }
            let streamID = header.pointee.stream_id
            guard streamID % 2 == 1, nghttp2_session_find_stream(session, streamID) == nil else { return 0 }
            return streamID <= nghttp2_session_get_last_proc_stream_id(session)
                ? Int32(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) : 0
        }

        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { session, frame, userData in
            guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
                  frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return 0 }
            SessionCallbacks.connection(userData).beginStream(id: frame.pointee.hd.stream_id)
            return 0
        }

        nghttp2_session_callbacks_set_on_header_callback(callbacks) { session, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
                  frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST,
                  let stream = SessionCallbacks.stream(session, frame.pointee.hd.stream_id) else { return 0 }
            let accepted = stream.receiveHeader(name: UnsafeRawBufferPointer(start: name, count: nameLength),
                                                value: UnsafeRawBufferPointer(start: value, count: valueLength))
            return accepted ? 0 : Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }

        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { session, frame, userData in
            guard let frame else { return 0 }
            let header = frame.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            switch Int(header.type) {
            case Int(NGHTTP2_HEADERS.rawValue):
                guard let stream = SessionCallbacks.stream(session, header.stream_id) else { return 0 }
                if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST { stream.headersComplete() }
                if endStream { stream.receiveEnd() }
            case Int(NGHTTP2_DATA.rawValue):
                if endStream, let stream = SessionCallbacks.stream(session, header.stream_id) { stream.receiveEnd() }
            case Int(NGHTTP2_SETTINGS.rawValue):
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 { SessionCallbacks.connection(userData).countSettingsFrame() }
            case Int(NGHTTP2_PING.rawValue):
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 {
                    SessionCallbacks.connection(userData).countPingFrame()
                } else {
                    SessionCallbacks.connection(userData).receivedPingAck()
                }
            default:
                break
            }
            return 0
        }

        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { session, _, streamID, data, length, _ in
            if let stream = SessionCallbacks.stream(session, streamID) {
                stream.receiveData(UnsafeRawBufferPointer(start: data, count: length))
            }
            return 0
        }

        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { session, streamID, errorCode, userData in
            SessionCallbacks.connection(userData).streamClosed(id: streamID, errorCode: errorCode)
            return 0
        }

        return callbacks
    }

    @inline(__always)
    static func connection(_ userData: UnsafeMutableRawPointer?) -> Connection {
        Unmanaged<Connection>.fromOpaque(userData!).takeUnretainedValue()
    }

    @inline(__always)
    static func stream(_ session: OpaquePointer?, _ id: Int32) -> HTTP2Stream? {
        guard let raw = nghttp2_session_get_stream_user_data(session, id) else { return nil }
        return Unmanaged<HTTP2Stream>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The response body source: pulls framed messages from the stream and, at the end,
    /// submits the trailers (EOF without END_STREAM, so grpc-status goes out in HEADERS).
    static let readResponseData: nghttp2_data_source_read_callback = { session, streamID, buffer, length, flags, source, _ in
        guard let raw = source?.pointee.ptr else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
        let stream = Unmanaged<HTTP2Stream>.fromOpaque(raw).takeUnretainedValue()
        return stream.readResponse(into: UnsafeMutableRawBufferPointer(start: buffer, count: length), flags: flags!)
    }
}
