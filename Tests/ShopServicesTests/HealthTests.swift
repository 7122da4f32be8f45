import ShopProtoC
import ShopServices
import ShopWire
import Testing

@Suite struct HealthTests {
    let requestType = ProtoMessageType<Grpc__Health__V1__HealthCheckRequest>(grpc__health__v1__health_check_request__init)
    let responseType = ProtoMessageType<Grpc__Health__V1__HealthCheckResponse>(grpc__health__v1__health_check_response__init)

    func request(_ service: String) -> [UInt8] {
        let arena = MessageArena()
        let message = arena.make(requestType)
        message.pointee.service = arena.copy(service)
        return requestType.encode(message)
    }

    func statuses(_ call: RecordingCall) throws -> [ServingStatus] {
        let arena = MessageArena()
        return try call.sent.map { ServingStatus(rawValue: Int(try responseType.decode($0, in: arena).pointee.status.rawValue))! }
    }

    // MARK: State machine

    @Test func registryTracksStatusesAndDrainingOverridesThem() {
        let registry = HealthStatusRegistry()
        #expect(registry.status(of: "") == .serving)
        #expect(registry.status(of: "shop.v1.RankService") == nil)
        registry.setNotServing("shop.v1.RankService")
        #expect(registry.status(of: "shop.v1.RankService") == .notServing)
        registry.setServing("shop.v1.RankService")
        #expect(registry.status(of: "shop.v1.RankService") == .serving)
        registry.beginDraining()
        #expect(registry.isDraining)
        #expect(registry.status(of: "") == .notServing)
        #expect(registry.status(of: "shop.v1.RankService") == .notServing)
        registry.setServing("shop.v1.RankService")
        #expect(registry.status(of: "shop.v1.RankService") == .notServing)
        #expect(registry.status(of: "never.Set") == nil)
    }

    // MARK: Check

    @Test func checkAnswersTheStatusOrNotFound() throws {
        let health = HealthService()
        health.setNotServing("shop.v1.PriceService")
        let (overall, _) = RecordingCall.run(health, "Check", messages: [request("")])
        #expect(overall.status == .ok)
        #expect(try statuses(overall) == [.serving])

        let (price, _) = RecordingCall.run(health, "Check", messages: [request("shop.v1.PriceService")])
        #expect(try statuses(price) == [.notServing])

        let (unknown, _) = RecordingCall.run(health, "Check", messages: [request("no.such.Service")])
        #expect(unknown.status?.code == .notFound)
        #expect(unknown.sent.isEmpty)
    }

    @Test func unaryCardinalityAndMalformedRequestsGetClearStatuses() {
        let health = HealthService()
        let (none, _) = RecordingCall.run(health, "Check", messages: [])
        #expect(none.status?.code == .internal)
        let (two, _) = RecordingCall.run(health, "Check", messages: [request(""), request("")])
        #expect(two.status?.code == .internal)
        #expect(two.sent.isEmpty)
        let (malformed, _) = RecordingCall.run(health, "Check", messages: [[0x0A, 0x05, 0x41]])
        #expect(malformed.status == GRPCStatus(.invalidArgument, "malformed grpc.health.v1.HealthCheckRequest"))
        #expect(health.makeHandler(method: "Nope", call: RecordingCall(HealthService.name, "Nope")) == nil)
    }

    // MARK: Watch

    @Test func watchStreamsChangesWithoutRepeats() throws {
        let health = HealthService()
        health.setServing("svc")
        let (call, _) = RecordingCall.run(health, "Watch", messages: [request("svc")])
        #expect(try statuses(call) == [.serving])
        health.setNotServing("svc")
        health.setNotServing("svc")
        call.queue.drain()
        health.setServing("svc")
        call.queue.drain()
        #expect(try statuses(call) == [.serving, .notServing, .serving])
        #expect(call.status == nil)
    }

    @Test func watchOfAnUnknownServiceStaysOpenUntilItAppears() throws {
        let health = HealthService()
        let (call, _) = RecordingCall.run(health, "Watch", messages: [request("later")])
        #expect(try statuses(call) == [.serviceUnknown])
        #expect(call.status == nil)
        health.setServing("later")
        call.queue.drain()
        #expect(try statuses(call) == [.serviceUnknown, .serving])
    }

    @Test func drainingTellsWatchersNotServingThenEndsTheirCalls() throws {
        let health = HealthService()
        let (call, _) = RecordingCall.run(health, "Watch", messages: [request("")])
        #expect(health.registry.watcherCount == 1)
        health.beginDraining()
        call.queue.drain()
        #expect(try statuses(call) == [.serving, .notServing])
        #expect(call.status?.code == .unavailable)
        #expect(health.registry.watcherCount == 0)

        // A watch that starts while draining gets NOT_SERVING and ends at once.
        let (late, _) = RecordingCall.run(health, "Watch", messages: [request("")])
        #expect(try statuses(late) == [.notServing])
        #expect(late.status?.code == .unavailable)
    }

    @Test func cancellingAWatchUnregistersIt() {
        let health = HealthService()
        let (call, handler) = RecordingCall.run(health, "Watch", messages: [request("")])
        #expect(health.registry.watcherCount == 1)
        handler.cancelled()
        #expect(health.registry.watcherCount == 0)
        health.setNotServing("")
        call.queue.drain()
        #expect(call.sent.count == 1)
        #expect(call.status == nil)
    }
}
