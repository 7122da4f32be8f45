import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// A `CallExecutor` for tests: `execute` queues work that `drain()` runs on the test's thread
/// (the test thread plays the reactor).
final class QueueExecutor: CallExecutor, @unchecked Sendable {
    private var queue: [@Sendable () -> Void] = []
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }

    func execute(_ work: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(&mutex)
        queue.append(work)
        pthread_mutex_unlock(&mutex)
    }

    var inOwningThread: Bool { true }

    /// Runs queued work until none is left.
    func drain() {
        while true {
            pthread_mutex_lock(&mutex)
            let work = queue
            queue.removeAll()
            pthread_mutex_unlock(&mutex)
            if work.isEmpty { return }
            for item in work { item() }
        }
    }
}

/// A `ServerCall` that records what the handler sends: the test side of the call contract.
final class RecordingCall: ServerCall {
    let path: MethodPath
    var requestMetadata = Metadata()
    var deadline: Deadline?
    var requestID = "test-request"
    var peer = "ipv4:127.0.0.1:1"
    let queue = QueueExecutor()
    var executor: any CallExecutor { queue }
    var isCancelled = false

    private(set) var sent: [[UInt8]] = []
    private(set) var status: GRPCStatus?
    private(set) var responseHeaders: [(String, String)] = []

    init(_ service: String, _ method: String) {
        path = MethodPath(service: service, method: method)
    }

    func addResponseHeader(_ name: String, _ value: String) { responseHeaders.append((name, value)) }
    func send(message: [UInt8]) {
        precondition(status == nil, "send after finish")
        sent.append(message)
    }
    func finish(status: GRPCStatus, trailers: Metadata) {
        precondition(self.status == nil, "finished twice")
        self.status = status
    }

    /// Starts a call to `service`, feeds it `messages` and (optionally) the half-close.
    static func run(_ service: GRPCService, _ method: String, messages: [[UInt8]], halfClose: Bool = true)
        -> (RecordingCall, ServerCallHandler)
    {
        let call = RecordingCall(service.serviceName, method)
        guard let handler = service.makeHandler(method: method, call: call) else {
            fatalError("no method \(method)")
        }
        for message in messages { message.withUnsafeBytes { handler.receive(message: $0) } }
        if halfClose { handler.receiveEnd() }
        call.queue.drain()
        return (call, handler)
    }
}
