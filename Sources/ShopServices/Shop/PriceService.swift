import Foundation
import ShopModels
import ShopProtoC
import ShopWire

/// `shop.v1.PriceService`: a recommended price per SKU from a discrete action set (model `price`,
/// kind `price.dqn`).
///
/// Per call: validate → build one feature row per SKU (``PriceFeatures``) → Q-values from the
/// scheduler → guardrails per SKU (``PriceGuardrails``) → response; every decision gets a UUID
/// and one audit record (``PriceAuditLog``, written off the reactor). Shadow mode (the request's
/// flag, or the model's config.json `architecture.shadow_mode`) returns current prices unchanged
/// and still audits the network's choice.
enum PriceService {
    static let name = "shop.v1.PriceService"
    static let model = "price"
    /// Default server limit on SKUs per request (price_service.proto).
    static let maxSkus = 10_000
    typealias Request = Shop__V1__SuggestPricesRequest
    static let requestType = ProtoMessageType<Request>(shop__v1__suggest_prices_request__init)
    static let responseType = ProtoMessageType<Shop__V1__SuggestPricesResponse>(shop__v1__suggest_prices_response__init)

    static func make(models: any ModelAvailability, options: PriceServiceOptions = PriceServiceOptions()) -> ModelBackedService {
        let audit = options.auditLog
        return ModelBackedService(name: name, model: model, methods: [
            .scheduled("SuggestPrices", request: requestType, response: responseType, version: \.model_version,
                       validate: validate) { request, served, responder in
                let model = try served.model(as: PriceModel.self)
                let skus = PriceRequestDecoding.skus(request)
                let builder = PriceResponseBuilder(model: model, modelVersion: "\(served.version)",
                                                   shadowMode: request.pointee.shadow_mode != 0 || model.shadowModeDefault)
                var features = [Float](repeating: 0, count: skus.count * PriceFeatures.count)
                features.withUnsafeMutableBufferPointer { rows in
                    for (i, sku) in skus.enumerated() {
                        PriceFeatures.build(sku.state, elasticity: model.ownElasticity,
                                            into: rows.baseAddress! + i * PriceFeatures.count)
                    }
                }
                try served.compute(rows: skus.count, responder: responder, fill: { input in
                    features.withUnsafeBytes { input.copyMemory(from: $0) }
                }) { output, arena in
                    let decided = try builder.decide(skus, qValues: output)
                    audit.append(builder.auditRecords(decided, features: features, time: Date()))
                    return builder.response(decided, in: arena)
                }
            },
        ], models: models)
    }

    /// The model-independent rules of price_service.proto.
    static func validate(_ request: UnsafeMutablePointer<Request>) throws {
        typealias V = RequestValidation
        let r = request.pointee
        guard r.n_skus >= 1 else { throw V.invalid("skus", "needs at least one SKU") }
        guard r.n_skus <= maxSkus else { throw V.invalid("skus", "has \(r.n_skus) entries, at most \(maxSkus) allowed") }
        try guardrails(r.default_guardrails, "default_guardrails")
        var ids: Set<String> = []
        for i in 0..<r.n_skus {
            let field = "skus[\(i)]"
            guard let sku = r.skus[i]?.pointee else { throw V.invalid(field, "is missing") }
            let id = try V.string(sku.sku_id, "\(field).sku_id", maxBytes: 256, required: true)
            guard ids.insert(id).inserted else { throw V.invalid("\(field).sku_id", "repeats '\(id)'") }
            try V.finite(sku.current_price, "\(field).current_price", above: 0)
            try V.finite(sku.unit_cost, "\(field).unit_cost", atLeast: 0)
            try V.finite(sku.competitor_price, "\(field).competitor_price", atLeast: 0)
            try V.atLeast(sku.inventory_units, 0, "\(field).inventory_units")
            try V.atLeast(sku.days_to_season_end, 0, "\(field).days_to_season_end")
            guard sku.n_recent_daily_sales <= 90 else {
                throw V.invalid("\(field).recent_daily_sales", "has \(sku.n_recent_daily_sales) values, at most 90 allowed")
            }
            for day in 0..<sku.n_recent_daily_sales {
                try V.finite(sku.recent_daily_sales[day], "\(field).recent_daily_sales[\(day)]", atLeast: 0)
            }
            try guardrails(sku.guardrails, "\(field).guardrails")
        }
        try V.string(r.model_version, "model_version", maxBytes: 256)
        try PriceRequestDecoding.checkFeasible(PriceRequestDecoding.skus(request))
    }

    static func guardrails(_ guardrails: UnsafeMutablePointer<Shop__V1__PriceGuardrails>?, _ field: String) throws {
        typealias V = RequestValidation
        guard let g = guardrails?.pointee else { return }
        if g.min_margin_value_case == SHOP__V1__PRICE_GUARDRAILS__MIN_MARGIN_VALUE_MIN_MARGIN {
            try V.finite(g.min_margin, "\(field).min_margin", atLeast: 0)
        }
        if g.max_change_fraction_value_case == SHOP__V1__PRICE_GUARDRAILS__MAX_CHANGE_FRACTION_VALUE_MAX_CHANGE_FRACTION {
            try V.finite(g.max_change_fraction, "\(field).max_change_fraction", atLeast: 0, atMost: 1)
        }
        let hasFloor = g.floor_price_value_case == SHOP__V1__PRICE_GUARDRAILS__FLOOR_PRICE_VALUE_FLOOR_PRICE
        if hasFloor { try V.finite(g.floor_price, "\(field).floor_price", above: 0) }
        if g.ceiling_price_value_case == SHOP__V1__PRICE_GUARDRAILS__CEILING_PRICE_VALUE_CEILING_PRICE {
            try V.finite(g.ceiling_price, "\(field).ceiling_price", above: 0)
            if hasFloor && g.ceiling_price < g.floor_price {
                throw V.invalid("\(field).ceiling_price", "must be >= floor_price (\(g.floor_price)), got \(g.ceiling_price)")
            }
        }
    }
}
