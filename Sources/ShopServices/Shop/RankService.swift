import ShopModels
import ShopProtoC
import ShopWire

#if canImport(Glibc)
import Glibc
#endif

/// `shop.v1.RankService`: CTR/CVR scores and order for candidates (model `rank`, kind
/// `rank.mmoe`). Known candidates become scheduler rows (batched with concurrent calls), the
/// behaviour sequence and context travel as the request's ``RankContext``; scores are combined,
/// ordered, optionally MMR re-ranked and unknown candidates placed on the call's thread.
enum RankService {
    static let name = "shop.v1.RankService"
    static let model = "rank"
    /// Default server limit on candidates per request (rank_service.proto).
    static let maxCandidates = 2_000
    typealias Request = Shop__V1__RankRequest
    typealias Response = Shop__V1__RankResponse
    static let requestType = ProtoMessageType<Request>(shop__v1__rank_request__init)
    static let responseType = ProtoMessageType<Response>(shop__v1__rank_response__init)
    static let itemType = ProtoMessageType<Shop__V1__RankedItem>(shop__v1__ranked_item__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .scheduled("Rank", request: requestType, response: responseType, version: \.model_version,
                       validate: validate, run: run),
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
            try V.finite(weights.ctr_exponent, "score_weights.ctr_exponent", atLeast: 0, atMost: 10)
            try V.finite(weights.cvr_exponent, "score_weights.cvr_exponent", atLeast: 0, atMost: 10)
            guard weights.ctr_exponent > 0 || weights.cvr_exponent > 0 else {
                throw V.invalid("score_weights", "ctr_exponent and cvr_exponent must not both be 0")
            }
        }
        if let diversity = r.diversity?.pointee {
            try V.finite(diversity.mmr_lambda, "diversity.mmr_lambda", atLeast: 0, atMost: 1)
            try V.atLeast(diversity.top_n, 0, "diversity.top_n")
        }
        try V.enumeration(r.unknown_candidate_policy.rawValue, shop__v1__unknown_candidate_policy__descriptor,
                          "unknown_candidate_policy")
        try V.string(r.model_version, "model_version", maxBytes: 256)
    }

    static func run(_ request: UnsafeMutablePointer<Request>, _ served: ServedModel,
                    _ responder: UnaryResponder<Response>) throws {
        let rank = try served.model(as: RankModel.self)
        let r = request.pointee
        let candidates = RecallService.strings(r.candidate_item_ids, r.n_candidate_item_ids)
        guard candidates.count <= rank.architecture.maxCandidates else {
            throw RequestValidation.invalid("candidate_item_ids", "has \(candidates.count) entries, the model takes at most \(rank.architecture.maxCandidates)")
        }
        let rows = candidates.map { rank.catalogue.row(of: $0) }
        let known = rows.indices.filter { rows[$0] != nil }
        let sequence = RecallService.strings(r.behavior_item_ids, r.n_behavior_item_ids)
            .compactMap { rank.catalogue.row(of: $0) }.prefix(rank.architecture.sequenceLength)
        let (hour, weekday) = RecallService.context(r.context)
        let context = RankContext(sequence: Array(sequence), hourBucket: hour.map { $0 / (24 / rank.architecture.hourBuckets) },
                                  weekday: weekday)
        let weights = r.score_weights.map { ($0.pointee.ctr_exponent, $0.pointee.cvr_exponent) } ?? (1, 1)
        let diversity = r.diversity.map { (lambda: $0.pointee.mmr_lambda, topN: Int($0.pointee.top_n)) }
        let dropUnknown = r.unknown_candidate_policy == SHOP__V1__UNKNOWN_CANDIDATE_POLICY__UNKNOWN_CANDIDATE_POLICY_DROP
        try served.compute(rows: known.count, context: context, responder: responder, fill: { input in
            let ids = input.bindMemory(to: Int32.self)
            for (i, index) in known.enumerated() { ids[i] = rows[index]! }
        }) { output, arena in
            let values = output.bindMemory(to: Float.self)
            var scored = RankedCandidates(count: candidates.count)
            for (i, index) in known.enumerated() {
                let ctr = values[2 * i], cvr = values[2 * i + 1]
                scored.set(index, ctr: ctr, cvr: cvr, score: powf(ctr, weights.0) * powf(cvr, weights.1))
            }
            var order = known.sorted { scored.score[$0] != scored.score[$1] ? scored.score[$0] > scored.score[$1] : $0 < $1 }
            if let diversity {
                let topN = diversity.topN == 0 ? order.count : diversity.topN
                order = DiversityReranking.mmr(order: order, scores: scored.score, lambda: diversity.lambda, topN: topN) {
                    rank.genreSimilarity(rows[$0]!, rows[$1]!)
                }
            }
            if !dropUnknown { order += candidates.indices.filter { rows[$0] == nil } }
            return response(order: order, candidates: candidates, scored: scored, knownRows: rows,
                            unknownCount: candidates.count - known.count, version: served.version, in: arena)
        }
    }

    /// Scores by request index (0 for unknown candidates).
    struct RankedCandidates {
        var ctr: [Float], cvr: [Float], score: [Float]
        init(count: Int) {
            ctr = Array(repeating: 0, count: count)
            cvr = ctr
            score = ctr
        }
        mutating func set(_ index: Int, ctr: Float, cvr: Float, score: Float) {
            self.ctr[index] = ctr
            self.cvr[index] = cvr
            self.score[index] = score
        }
    }

    static func response(order: [Int], candidates: [String], scored: RankedCandidates, knownRows: [Int32?],
                         unknownCount: Int, version: Int, in arena: MessageArena) -> UnsafePointer<Response> {
        let message = arena.make(responseType)
        let items = arena.allocate(UnsafeMutablePointer<Shop__V1__RankedItem>?.self, count: max(order.count, 1))
        for (position, index) in order.enumerated() {
            let entry = arena.make(itemType)
            entry.pointee.item_id = arena.copy(candidates[index])
            entry.pointee.request_index = Int32(index)
            entry.pointee.ctr = scored.ctr[index]
            entry.pointee.cvr = scored.cvr[index]
            entry.pointee.score = scored.score[index]
            entry.pointee.position = Int32(position)
            entry.pointee.known = knownRows[index] != nil ? 1 : 0
            items[position] = entry
        }
        message.pointee.n_items = order.count
        message.pointee.items = items
        message.pointee.unknown_candidate_count = Int32(unknownCount)
        message.pointee.model_version = arena.copy(String(version))
        return UnsafePointer(message)
    }
}
