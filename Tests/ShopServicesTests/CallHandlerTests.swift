import ShopProtoC
import ShopServices
import ShopWire
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The call handlers' contract, on a small service built from `MethodDefinition`s.
@Suite struct CallHandlerTests {
    typealias Request = Grpc__Health__V1__HealthCheckRequest
    typealias Response = Grpc__Health__V1__HealthCheckResponse
    static let requestType = ProtoMessageType<Request>(grpc__health__v1__health_check_request__init)
    static let responseType = ProtoMessageType<Response>(grpc__health__v1__health_check_response__init)

    static func respond(_ status: UInt32) -> (MessageArena) -> UnsafePointer<Response> {
        { arena in
            let message = arena.make(responseType)
            message.pointee.status = Grpc__Health__V1__HealthCheckResponse__ServingStatus(rawValue: status)
            return UnsafePointer(message)
        }
    }

    /// Holds the responder of a call answered later (from another thread).
    final class Pending: @unchecked Sendable { var responder: UnaryResponder<Response>?; var stream: ResponseStream<Response>? }

    func makeService(_ pending: Pending) -> ServiceDefinition {
        ServiceDefinition(name: "test.Echo", methods: [
            .unary("Later", request: Self.requestType, response: Self.responseType) { _, responder in
                pending.responder = responder
            },
            .unary("Fails", request: Self.requestType, response: Self.responseType) { request, _ in
                throw GRPCStatus(.failedPrecondition, "no: \(String(cString: request.pointee.service))")
            },
            .unary("Throws", request: Self.requestType, response: Self.responseType) { _, _ in
                struct Oops: Error {}
                throw Oops()
            },
            .serverStreaming("Count", request: Self.requestType, response: Self.responseType) { request, stream in
                let n = UInt32(String(cString: request.pointee.service)) ?? 0
                for i in 0..<n { stream.send(Self.respond(i)) }
                stream.finish()
            },
            .serverStreaming("Forever", request: Self.requestType, response: Self.responseType) { _, stream in
                pending.stream = stream
                stream.onCancel = { pending.stream = nil }
            },
        ])
    }

    func request(_ service: String) -> [UInt8] {
        let arena = MessageArena()
        let message = arena.make(Self.requestType)
        message.pointee.service = arena.copy(service)
        return Self.requestType.encode(message)
    }

    @Test func aResultComputedOnAnotherThreadComesBackThroughTheExecutor() throws {
        let pending = Pending()
        let (call, _) = RecordingCall.run(makeService(pending), "Later", messages: [request("")])
        let responder = try #require(pending.responder)
        var worker = pthread_t()
        let box = Unmanaged.passRetained(pending)
        pthread_create(&worker, nil, { raw in
            let pending = Unmanaged<Pending>.fromOpaque(raw!).takeRetainedValue()
            let responder = pending.responder!
            responder.call.executor.execute { responder.respond(CallHandlerTests.respond(1)) }
            return nil
        }, box.toOpaque())
        pthread_join(worker, nil)
        #expect(call.status == nil, "nothing is sent until the owning thread runs the work")
        call.queue.drain()
        #expect(call.status == .ok)
        #expect(call.sent == [[0x08, 0x01]])
        responder.respond(Self.respond(2))  // a second answer is ignored
        #expect(call.sent.count == 1)
    }

    @Test func aLateResultAfterCancellationIsIgnored() throws {
        let pending = Pending()
        let (call, handler) = RecordingCall.run(makeService(pending), "Later", messages: [request("")])
        handler.cancelled()
        var built = false
        pending.responder?.respond { arena in built = true; return Self.respond(1)(arena) }
        #expect(!built)
        #expect(call.sent.isEmpty)
        #expect(call.status == nil)
    }

    @Test func thrownErrorsBecomeStatuses() {
        let service = makeService(Pending())
        let (fails, _) = RecordingCall.run(service, "Fails", messages: [request("x")])
        #expect(fails.status == GRPCStatus(.failedPrecondition, "no: x"))
        let (throwsOther, _) = RecordingCall.run(service, "Throws", messages: [request("")])
        #expect(throwsOther.status?.code == .unknown)
    }

    @Test func serverStreamingSendsEachResponseThenTheStatus() {
        let (call, _) = RecordingCall.run(makeService(Pending()), "Count", messages: [request("3")])
        #expect(call.sent == [[], [0x08, 0x01], [0x08, 0x02]])
        #expect(call.status == .ok)
    }

    @Test func serverStreamingNeedsExactlyOneRequest() {
        let service = makeService(Pending())
        let (none, _) = RecordingCall.run(service, "Count", messages: [])
        #expect(none.status?.code == .internal)
        let (two, _) = RecordingCall.run(service, "Count", messages: [request("1"), request("1")])
        #expect(two.status?.code == .internal)
        #expect(two.sent.isEmpty)
    }

    @Test func theMethodRunsOnlyAfterTheHalfClose() {
        let pending = Pending()
        let (call, handler) = RecordingCall.run(makeService(pending), "Count", messages: [request("2")], halfClose: false)
        #expect(call.sent.isEmpty && call.status == nil)
        handler.receiveEnd()
        #expect(call.sent.count == 2 && call.status == .ok)
    }

    @Test func cancellingAStreamRunsItsHookOnceAndStopsSends() throws {
        let pending = Pending()
        let (call, handler) = RecordingCall.run(makeService(pending), "Forever", messages: [request("")])
        let stream = try #require(pending.stream)
        stream.send(Self.respond(1))
        handler.cancelled()
        #expect(pending.stream == nil)
        handler.cancelled()
        stream.send(Self.respond(2))
        stream.finish()
        #expect(call.sent.count == 1)
        #expect(call.status == nil)
    }
}
