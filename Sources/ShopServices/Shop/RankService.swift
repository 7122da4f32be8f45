import ShopProtoC
import ShopWire

/// `shop.v1.RankService`: CTR/CVR scores and order for candidates (model `rank`).
enum RankService {
    static let name = "shop.v1.RankService"
    static let model = "rank"
    /// Default server limit on candidates per request (rank_service.proto).
    static let maxCandidates = 2_000
    typealias Request = Shop__V1__RankRequest
    static let requestType = ProtoMessageType<Request>(shop__v1__rank_request__init)
    static let responseType = ProtoMessageType<Shop__V1__RankResponse>(shop__v1__rank_response__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .unary("Rank", request: requestType, response: responseType, validate: validate),
        ], models: models)
    }

    /// The model-independent rules of rank_service.proto.
    static func validate(_ request: UnsafeMutablePointer<Request>) throws {
        typealias V = RequestValidation
        let r = request.pointee
        try V.string(r.user_id, "user_id", maxBytes: 256)
        try V.strings(r.behavior_item_ids, count: r.n_behavior_item_ids, "behavior_item_ids", maxCount: 1_000)
        try V.strings(r.candidate_item_ids, count: r.n_candidate_item_ids, "candidate_item_ids",
                      maxCount: maxCandidates, minCount: 1, unique: true)
        try V.context(r.context, "context")
        if let weights = r.score_weights?.pointee {
            try V.finite(weights.ctr_exponent, "score_weights.ctr_exponent")
            try V.finite(weights.cvr_exponent, "score_weights.cvr_exponent")
        }
        if let diversity = r.diversity?.pointee {
            try V.finite(diversity.mmr_lambda, "diversity.mmr_lambda", atLeast: 0, atMost: 1)
            try V.atLeast(diversity.top_n, 0, "diversity.top_n")
        }
        try V.enumeration(r.unknown_candidate_policy.rawValue, shop__v1__unknown_candidate_policy__descriptor,
                          "unknown_candidate_policy")
        try V.string(r.model_version, "model_version", maxBytes: 256)
    }
}
