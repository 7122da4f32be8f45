import Foundation
import ShopProtoC
import ShopScheduler
@testable import ShopServices
import ShopWire
import Testing

/// `ModelMethod.scheduled`: a service method in a few lines — decode, validate, resolve the
/// pinned version, compute, respond with `model_version` — driven through a test call.
@Suite struct ServingMethodTests {
    typealias Request = Shop__V1__RankRequest
    typealias Response = Shop__V1__RankResponse
    static let requestType = ProtoMessageType<Request>(shop__v1__rank_request__init)
    static let responseType = ProtoMessageType<Response>(shop__v1__rank_response__init)
    let arena = MessageArena()

    /// A service whose one method scales each candidate's id (a number) by the model and
    /// answers the products as the response's `unknown_candidate_count` sum (enough to check
    /// the rows went through the model) and the version in `model_version`.
    func makeService(_ models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: "test.ScaleService", model: "scale", methods: [
            .scheduled("Scale", request: Self.requestType, response: Self.responseType, version: \.model_version,
                       validate: { request in
                           guard request.pointee.n_candidate_item_ids > 0 else {
                               throw GRPCStatus(.invalidArgument, "candidate_item_ids is empty")
                           }
                       }) { request, served, responder in
                let ids = (0..<request.pointee.n_candidate_item_ids).map {
                    Float(String(cString: request.pointee.candidate_item_ids[$0]!)) ?? 0
                }
                try served.compute(rows: ids.count, responder: responder, fill: fill(ids)) { output, arena in
                    let response = arena.make(Self.responseType)
                    response.pointee.unknown_candidate_count = Int32(output.bindMemory(to: Float.self).reduce(0, +))
                    response.pointee.model_version = arena.copy(String(served.version))
                    return UnsafePointer(response)
                }
            },
        ], models: models)
    }

    func request(_ ids: [String], version: String = "") -> [UInt8] {
        let r = arena.make(Self.requestType)
        let storage = arena.allocate(UnsafeMutablePointer<CChar>?.self, count: ids.count)
        for (i, id) in ids.enumerated() { storage[i] = arena.copy(id) }
        (r.pointee.n_candidate_item_ids, r.pointee.candidate_item_ids) = (ids.count, storage)
        r.pointee.model_version = arena.copy(version)
        return Self.requestType.encode(r)
    }

    func response(_ call: RecordingCall) throws -> Response {
        try Self.responseType.decode(try #require(call.sent.first), in: arena).pointee
    }

    @Test func answersFromTheModelAndEchoesTheVersion() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(4, scale: [3])
        let service = makeService(try fixture.start())
        let (call, _) = RecordingCall.run(service, "Scale", messages: [request(["1", "2", "5"])])
        #expect(eventually(call) { call.status != nil })
        #expect(call.status?.code == .ok)
        let answer = try response(call)
        #expect(answer.unknown_candidate_count == 24)
        #expect(String(cString: answer.model_version) == "4")
    }

    @Test func statusesBeforeTheModelRuns() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(4, scale: [3])
        let service = makeService(try fixture.start())
        let cases: [([UInt8], GRPCStatus.Code, String)] = [
            (request([]), .invalidArgument, "candidate_item_ids is empty"),
            (request(["1"], version: "5"), .notFound, "model 'scale' version 5 is not served (served: 4)"),
            (request(["1"], version: "x"), .invalidArgument, "model_version must be empty or a version number, got 'x'"),
        ]
        for (bytes, code, message) in cases {
            let (call, _) = RecordingCall.run(service, "Scale", messages: [bytes])
            #expect(call.status?.code == code)
            #expect(call.status?.message == message)
        }
        let unloaded = makeService(NoModelsLoaded())
        let (call, _) = RecordingCall.run(unloaded, "Scale", messages: [request(["1"])])
        #expect(call.status == GRPCStatus(.unavailable, "model 'scale' is not loaded"))
    }

    @Test func cancelledCallLeavesTheQueueAndIsNeverAnswered() throws {
        let fixture = try ServingFixture()
        try fixture.writeVersion(1, scale: [1])
        let serving = try fixture.start()
        let service = makeService(serving)
        fixture.gate.close()
        let (running, _) = RecordingCall.run(service, "Scale", messages: [request(["1"])])
        #expect(eventually { fixture.gate.batchesEntered == 1 })
        let (queued, handler) = RecordingCall.run(service, "Scale", messages: [request(["2"])])
        #expect(serving.scheduler.metricsSnapshot().first?.queuedRequests == 1)
        queued.isCancelled = true
        handler.cancelled()
        #expect(serving.scheduler.metricsSnapshot().first?.queuedRequests == 0)
        #expect(serving.scheduler.metricsSnapshot().first?.completions[.cancelled] == 1)
        fixture.gate.release()
        #expect(eventually(running) { running.status != nil })
        queued.queue.drain()
        #expect(queued.status == nil && queued.sent.isEmpty)
        #expect(fixture.gate.rowsSeen == [1])
    }
}
