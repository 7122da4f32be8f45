import CMetricsHTTP

/// The HTTP/1.1 endpoint Prometheus scrapes: `GET /metrics` answers what `render` returns
/// (Prometheus text format), on a listener of its own, separate from the gRPC port, served
/// by GNU libmicrohttpd on one internal thread.
///
/// Other paths answer 404, methods other than GET and HEAD 405. Connections are capped and
/// idle ones closed, so a misbehaving scraper cannot hold the process's resources.
public final class MetricsEndpoint: @unchecked Sendable {
    /// Why the endpoint could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The path the metrics are served at.
    public static let path = "/metrics"

    private let render: () -> (body: String, contentType: String)
    private var daemon: OpaquePointer?
    /// The port listened on once started (the chosen one when started with port 0).
    public private(set) var port: UInt16 = 0

    /// An endpoint answering `GET /metrics` with `render()` (called on the endpoint's thread,
    /// once per scrape).
    public init(render: @escaping () -> (body: String, contentType: String)) {
        self.render = render
    }

    deinit { stop() }

    /// Starts listening on `host`:`port` (port 0 picks a free one; see `port`).
    public func start(host: String, port: Int, connectionLimit: UInt32 = 16, idleTimeoutSeconds: UInt32 = 30) throws {
        precondition(daemon == nil, "metrics endpoint started twice")
        guard let port = UInt16(exactly: port) else { throw StartError(description: "port \(port) out of range") }
        var error: UnsafePointer<CChar>?
        daemon = shop_metrics_http_start(host, port, metricsRequestHandler, Unmanaged.passUnretained(self).toOpaque(),
                                         connectionLimit, idleTimeoutSeconds, &error)
        guard let daemon else {
            throw StartError(description: "\(error.map { String(cString: $0) } ?? "cannot start") (\(host):\(port))")
        }
        self.port = shop_metrics_http_port(daemon)
    }

    /// Stops listening and closes open connections (waits for a scrape being answered). Idempotent.
    public func stop() {
        guard let daemon else { return }
        MHD_stop_daemon(daemon)
        self.daemon = nil
    }

    /// Status, body and content type for one request.
    func respond(method: String, path: String) -> (status: UInt32, body: String, contentType: String, allow: Bool) {
        guard method == "GET" || method == "HEAD" else {
            return (405, "method \(method) not allowed; use GET\n", "text/plain; charset=utf-8", true)
        }
        guard path == Self.path else {
            return (404, "not found; metrics are at \(Self.path)\n", "text/plain; charset=utf-8", false)
        }
        let (body, contentType) = render()
        return (200, body, contentType, false)
    }
}

/// libmicrohttpd's access handler: called once with the headers (the request state is set
/// then) and again for each piece of body (discarded) and once more at its end, when the
/// response is queued.
private let metricsRequestHandler: MHD_AccessHandlerCallback = { context, connection, url, method, _, _, uploadSize, requestState in
    guard let context, let connection, let requestState else { return .NO }
    if requestState.pointee == nil {
        requestState.pointee = UnsafeMutableRawPointer(bitPattern: 1)  // headers seen; answer on the next call
        return .YES
    }
    if let uploadSize, uploadSize.pointee != 0 {
        uploadSize.pointee = 0  // a body is never needed
        return .YES
    }
    let endpoint = Unmanaged<MetricsEndpoint>.fromOpaque(context).takeUnretainedValue()
    let answer = endpoint.respond(method: method.map { String(cString: $0) } ?? "", path: url.map { String(cString: $0) } ?? "")
    var body = Array(answer.body.utf8)
    guard let response = body.withUnsafeMutableBytes({
        MHD_create_response_from_buffer($0.count, $0.baseAddress, MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
    }) else { return .NO }
    defer { MHD_destroy_response(response) }
    MHD_add_response_header(response, "Content-Type", answer.contentType)
    if answer.allow { MHD_add_response_header(response, "Allow", "GET, HEAD") }
    return MHD_queue_response(connection, answer.status, response)
}
