import Foundation
import ShopWire

/// Records what handlers observed, so tests can check cancellation reached the handler.
final class CallEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled: [String] = []

    func recordCancelled(_ requestID: String) {
        lock.lock(); cancelled.append(requestID); lock.unlock()
    }

    var cancelledCount: Int {
        lock.lock(); defer { lock.unlock() }
        return cancelled.count
    }

    /// Polls (bounded) until `condition` holds.
    func wait(timeout: TimeInterval = 5, until condition: (CallEvents) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition(self) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition(self)
    }
}

/// `test.Echo`, a service that exercises the transport:
/// - `Echo`: answers every request message with the same bytes; copies request header
///   `echo-me` into response header `echoed` and trailer `echoed-trailer`.
/// - `Slow`: answers after the number of milliseconds in the (ASCII) request, from another
///   thread through the call's executor, like a compute worker would.
/// - `Fail`: request `CODE:message` → that status, with the message.
/// - `Big`: request is an ASCII byte count → a response of that many bytes.
final class TestEchoService: GRPCService {
    let serviceName = "test.Echo"
    let methodNames = ["Echo", "Slow", "Fail", "Big"]
    let events: CallEvents

    init(events: CallEvents) { self.events = events }

    func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        switch method {
        case "Echo", "Slow", "Fail", "Big": return TestHandler(method: method, call: call, events: events)
        default: return nil
        }
    }
}

private struct UncheckedBox<T>: @unchecked Sendable { let value: T }

private final class TestHandler: ServerCallHandler {
    let method: String
    let call: ServerCall
    let events: CallEvents
    var lastRequest: [UInt8] = []
    var echoed = 0

    init(method: String, call: ServerCall, events: CallEvents) {
        self.method = method
        self.call = call
        self.events = events
        if let value = call.requestMetadata.first("echo-me") { call.addResponseHeader("echoed", value) }
    }

    func receive(message: UnsafeRawBufferPointer) {
        lastRequest = Array(message)
        if method == "Echo" {
            call.send(message: lastRequest)
            echoed += 1
        }
    }

    func receiveEnd() {
        let text = String(decoding: lastRequest, as: UTF8.self)
        switch method {
        case "Echo":
            var trailers = Metadata()
            if let value = call.requestMetadata.first("echo-me") { trailers.add("echoed-trailer", value) }
            call.finish(status: .ok, trailers: trailers)
        case "Fail":
            let parts = text.split(separator: ":", maxSplits: 1)
            let code = GRPCStatus.Code(rawValue: Int(parts.first ?? "") ?? 2) ?? .unknown
            call.finish(GRPCStatus(code, parts.count > 1 ? String(parts[1]) : ""))
        case "Big":
            call.send(message: [UInt8](repeating: 0x5A, count: Int(text) ?? 0))
            call.finish(.ok)
        case "Slow":
            let milliseconds = Int(text) ?? 100
            let box = UncheckedBox(value: call)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                box.value.executor.execute {
                    box.value.send(message: Array("done".utf8))
                    box.value.finish(.ok)
                }
            }
        default:
            call.finish(GRPCStatus(.internal, "unexpected method"))
        }
    }

    func cancelled() {
        events.recordCancelled(call.requestID)
    }
}
