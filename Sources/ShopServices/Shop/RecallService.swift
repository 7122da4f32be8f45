import ShopModels
import ShopProtoC
import ShopWire

/// `shop.v1.RecallService`: candidate items for a user from several channels (model `recall`,
/// kind `recall.multichannel`). The request is resolved against the catalogue here, the user tower,
/// the channels and the merge run on a compute worker (one scheduler row per call), and the
/// response is built on the call's thread.
enum RecallService {
    static let name = "shop.v1.RecallService"
    static let model = "recall"
    typealias Request = Shop__V1__RecallRequest
    typealias Response = Shop__V1__RecallResponse
    static let requestType = ProtoMessageType<Request>(shop__v1__recall_request__init)
    static let responseType = ProtoMessageType<Response>(shop__v1__recall_response__init)
    static let itemType = ProtoMessageType<Shop__V1__RecalledItem>(shop__v1__recalled_item__init)
    static let summaryType = ProtoMessageType<Shop__V1__ChannelSummary>(shop__v1__channel_summary__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .scheduled("Recall", request: requestType, response: responseType, version: \.model_version,
                       validate: validate) { request, served, responder in
                let recall = try served.model(as: RecallModel.self)
                let plan = recall.plan(query(request.pointee))
                try served.compute(rows: 1, context: plan, responder: responder,
                                   fill: { recall.fill(row: $0, with: plan) }) { _, arena in
                    guard let answer = plan.answer else {
                        throw GRPCStatus(.internal, "model '\(served.queueName)' gave no recall answer")
                    }
                    return response(answer, version: served.version, in: arena)
                }
            },
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

    /// The validated request in model terms.
    static func query(_ r: Request) -> RecallQuery {
        var q = RecallQuery()
        q.userId = r.user_id.map { String(cString: $0) } ?? ""
        q.recentItemIds = strings(r.recent_item_ids, r.n_recent_item_ids)
        q.excludedItemIds = strings(r.excluded_item_ids, r.n_excluded_item_ids)
        q.dislikedItemIds = strings(r.disliked_item_ids, r.n_disliked_item_ids)
        q.limit = r.limit > 0 ? Int(r.limit) : nil
        for i in 0..<r.n_channel_quotas {
            guard let quota = r.channel_quotas[i]?.pointee,
                  let channel = RecallChannelKind(rawValue: Int(quota.channel.rawValue)) else { continue }
            q.quotas[channel] = Int(quota.max_items)
        }
        (q.hourOfDay, q.weekday) = context(r.context)
        return q
    }

    /// (hour 0...23, ISO weekday 0...6) of a request context; nil = unknown.
    static func context(_ context: UnsafeMutablePointer<Shop__V1__RequestContext>?) -> (Int?, Int?) {
        guard let c = context?.pointee else { return (nil, nil) }
        let hour = c.hour_of_day_value_case == SHOP__V1__REQUEST_CONTEXT__HOUR_OF_DAY_VALUE_HOUR_OF_DAY ? Int(c.hour_of_day) : nil
        let weekday = c.weekday.rawValue >= 1 && c.weekday.rawValue <= 7 ? Int(c.weekday.rawValue) - 1 : nil
        return (hour, weekday)
    }

    static func strings(_ values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
        (0..<count).map { values?[$0].map { String(cString: $0) } ?? "" }
    }

    static func response(_ answer: RecallAnswer, version: Int, in arena: MessageArena) -> UnsafePointer<Response> {
        let message = arena.make(responseType)
        let items = arena.allocate(UnsafeMutablePointer<Shop__V1__RecalledItem>?.self, count: max(answer.items.count, 1))
        for (i, item) in answer.items.enumerated() {
            let entry = arena.make(itemType)
            entry.pointee.item_id = arena.copy(item.itemId)
            entry.pointee.score = item.score
            entry.pointee.channel = Shop__V1__RecallChannel(rawValue: UInt32(item.channel.rawValue))
            items[i] = entry
        }
        message.pointee.n_items = answer.items.count
        message.pointee.items = items
        let summaries = arena.allocate(UnsafeMutablePointer<Shop__V1__ChannelSummary>?.self,
                                       count: max(answer.channelSummaries.count, 1))
        for (i, summary) in answer.channelSummaries.enumerated() {
            let entry = arena.make(summaryType)
            entry.pointee.channel = Shop__V1__RecallChannel(rawValue: UInt32(summary.channel.rawValue))
            entry.pointee.quota = Int32(summary.quota)
            entry.pointee.candidate_count = Int32(summary.candidateCount)
            entry.pointee.returned_count = Int32(summary.returnedCount)
            summaries[i] = entry
        }
        message.pointee.n_channel_summaries = answer.channelSummaries.count
        message.pointee.channel_summaries = summaries
        message.pointee.unknown_item_id_count = Int32(answer.unknownItemIdCount)
        message.pointee.cold_start = answer.coldStart ? 1 : 0
        message.pointee.model_version = arena.copy(String(version))
        return UnsafePointer(message)
    }
}
