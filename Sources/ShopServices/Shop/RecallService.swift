import ShopProtoC
import ShopWire

/// `shop.v1.RecallService`: candidate items for a user from several channels (model `recall`).
enum RecallService {
    static let name = "shop.v1.RecallService"
    static let model = "recall"
    typealias Request = Shop__V1__RecallRequest
    static let requestType = ProtoMessageType<Request>(shop__v1__recall_request__init)
    static let responseType = ProtoMessageType<Shop__V1__RecallResponse>(shop__v1__recall_response__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .unary("Recall", request: requestType, response: responseType, validate: validate),
        ], models: models)
    }

    /// The model-independent rules of recall_service.proto.
    static func validate(_ request: UnsafeMutablePointer<Request>) throws {
        typealias V = RequestValidation
        let r = request.pointee
        try V.string(r.user_id, "user_id", maxBytes: 256)
        try V.strings(r.recent_item_ids, count: r.n_recent_item_ids, "recent_item_ids", maxCount: 200)
        try V.strings(r.excluded_item_ids, count: r.n_excluded_item_ids, "excluded_item_ids", maxCount: 10_000)
        try V.strings(r.disliked_item_ids, count: r.n_disliked_item_ids, "disliked_item_ids", maxCount: 1_000)
        try V.range(r.limit, 0...1000, "limit")
        var channels: Set<UInt32> = []
        for i in 0..<r.n_channel_quotas {
            guard let quota = r.channel_quotas[i]?.pointee else { continue }
            let field = "channel_quotas[\(i)]"
            try V.enumeration(quota.channel.rawValue, shop__v1__recall_channel__descriptor, "\(field).channel")
            guard quota.channel != SHOP__V1__RECALL_CHANNEL__RECALL_CHANNEL_UNSPECIFIED else {
                throw V.invalid("\(field).channel", "must name a channel")
            }
            guard channels.insert(quota.channel.rawValue).inserted else {
                throw V.invalid("\(field).channel", "repeats a channel already given a quota")
            }
            try V.range(quota.max_items, 0...1000, "\(field).max_items")
        }
        try V.context(r.context, "context")
        try V.string(r.model_version, "model_version", maxBytes: 256)
    }
}
