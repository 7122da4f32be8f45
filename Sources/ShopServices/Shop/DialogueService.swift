import ShopProtoC
import ShopWire

/// `shop.v1.DialogueService`: one customer-service turn (model `dialogue`).
enum DialogueService {
    static let name = "shop.v1.DialogueService"
    static let model = "dialogue"
    static let maxStateBytes = 16 * 1024
    static let maxTextCharacters = 2_000
    typealias Request = Shop__V1__ConverseRequest
    static let requestType = ProtoMessageType<Request>(shop__v1__converse_request__init)
    static let responseType = ProtoMessageType<Shop__V1__ConverseResponse>(shop__v1__converse_response__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .unary("Converse", request: requestType, response: responseType, validate: validate),
        ], models: models)
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
}

extension String {
    /// The string without leading and trailing whitespace (Unicode-aware, no Foundation).
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
