import Foundation
import Logging
import ShopModels
import ShopProtoC
import ShopWire

/// `shop.v1.DialogueService`: one customer-service turn (model `dialogue`, kind `dialogue.ngram`).
///
/// Per call: open the request's signed state (``StateSealer``; tampered / foreign / expired → a
/// fresh conversation, reason logged), run the intent, slot and sentiment models through the
/// scheduler (one row per turn), apply the ``DialogueEngine`` policy, sign the new state.
/// The state key comes from `SHOPSERVE_DIALOGUE_KEY` (replicas that continue each other's
/// conversations share it; without it a random per-process key is used and logged) and the
/// longest pause between turns from `SHOPSERVE_DIALOGUE_STATE_MAX_AGE` (seconds, default 3600).
enum DialogueService {
    static let name = "shop.v1.DialogueService"
    static let model = "dialogue"
    static let maxStateBytes = 16 * 1024
    static let maxTextCharacters = 2_000
    static let defaultMaxAge = 3_600
    typealias Request = Shop__V1__ConverseRequest
    typealias Response = Shop__V1__ConverseResponse
    static let requestType = ProtoMessageType<Request>(shop__v1__converse_request__init)
    static let responseType = ProtoMessageType<Response>(shop__v1__converse_response__init)
    static let logger = Logger(label: "shopserve.dialogue")

    static func make(models: any ModelAvailability) -> ModelBackedService {
        let sealer = makeSealer(environment: ProcessInfo.processInfo.environment)
        return ModelBackedService(name: name, model: model, methods: [
            .scheduled("Converse", request: requestType, response: responseType, version: \.model_version,
                       validate: validate) { request, served, responder in
                try converse(request, served: served, models: models, sealer: sealer, responder: responder)
            },
        ], models: models)
    }

    /// The state sealer from the environment (key and maximum age).
    static func makeSealer(environment: [String: String]) -> StateSealer {
        let maxAge = environment["SHOPSERVE_DIALOGUE_STATE_MAX_AGE"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? defaultMaxAge
        if let key = StateSealer.keyFromEnvironment(environment) {
            return StateSealer(key: key, maxAge: maxAge)
        }
        logger.notice("SHOPSERVE_DIALOGUE_KEY is not set: dialogue states are signed with a random per-process key (other replicas cannot continue these conversations)")
        return StateSealer(key: StateSealer.randomKey(), maxAge: maxAge)
    }

    /// The model-independent rules of dialogue_service.proto.
    static func validate(_ request: UnsafeMutablePointer<Request>) throws {
        typealias V = RequestValidation
        let r = request.pointee
        try V.bytes(r.state, "state", maxBytes: maxStateBytes)
        let text = try V.string(r.text, "text").trimmingWhitespace()
        guard !text.isEmpty else { throw V.invalid("text", "is required (non-blank)") }
        guard text.count <= maxTextCharacters else {
            throw V.invalid("text", "has \(text.count) characters, at most \(maxTextCharacters) allowed")
        }
        try V.string(r.user_id, "user_id", maxBytes: 256)
        try V.string(r.language_code, "language_code", maxBytes: 64)
        try V.enumeration(r.channel.rawValue, shop__v1__contact_channel__descriptor, "channel")
        try V.string(r.model_version, "model_version", maxBytes: 256)
    }

    private static func converse(_ request: UnsafeMutablePointer<Request>, served pinned: ServedModel, models: any ModelAvailability,
                                 sealer: StateSealer, responder: UnaryResponder<Response>) throws {
        let r = request.pointee
        let text = r.text.map { String(cString: $0) } ?? ""
        let userID = r.user_id.map { String(cString: $0) } ?? ""
        let languageCode = r.language_code.map { String(cString: $0) } ?? ""
        let stateBytes = r.state.data.map { Array(UnsafeBufferPointer(start: $0, count: r.state.len)) } ?? []
        let now = Int(Date().timeIntervalSince1970)

        var state = ConversationState()
        var status = SHOP__V1__STATE_STATUS__STATE_STATUS_NEW
        switch sealer.open(stateBytes, userID: userID, now: now) {
        case .new: break
        case .continued(let previous):
            state = previous
            status = SHOP__V1__STATE_STATUS__STATE_STATUS_CONTINUED
        case .invalid(let reason):
            status = SHOP__V1__STATE_STATUS__STATE_STATUS_RESET_INVALID
            logger.warning("dialogue state refused, new conversation: \(reason)", metadata: ["request-id": "\(responder.call.requestID)"])
        case .expired(let age):
            status = SHOP__V1__STATE_STATUS__STATE_STATUS_RESET_EXPIRED
            logger.info("dialogue state expired after \(age) s (max \(sealer.maxAge) s), new conversation",
                        metadata: ["request-id": "\(responder.call.requestID)"])
        }
        // Without a pin, keep the version that served the previous turn while it is loaded.
        var served = pinned
        let pin = r.model_version.map { String(cString: $0) } ?? ""
        if pin.isEmpty, state.modelVersion > 0, state.modelVersion != pinned.version,
           let previous = try? models.resolve(model: model, pinnedVersion: String(state.modelVersion)) {
            served = previous
            served.cancelComputations(whenCancelled: responder.stream)
        }
        let dialogue = try served.model(as: DialogueModel.self)
        let version = served.version
        let conversation = state
        try served.compute(rows: 1, responder: responder, fill: { dialogue.fillRow(text, into: $0) }) { output, arena in
            let analysis = dialogue.analysis(of: text, row: output)
            let language = DialogueLanguage.from(code: languageCode)
                ?? DialogueLanguage.detect(text, fallback: DialogueLanguage(rawValue: conversation.language))
            var reply = dialogue.engine.respond(to: text, analysis: analysis, language: language, state: conversation)
            reply.state.modelVersion = version
            let sealed = sealer.seal(reply.state, userID: userID, now: now)
            let turns = reply.action == .close ? conversation.turnCount + 1 : reply.state.turnCount
            return DialogueResponseBuilder.build(reply, analysis: analysis, sealed: sealed, status: status, turns: turns,
                                                 version: version, arena: arena)
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace (Unicode-aware, no Foundation).
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
