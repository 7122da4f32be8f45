import Foundation
import ShopModels
import ShopProtoC
import ShopWire

/// Q-values → guardrailed decisions → the `SuggestPricesResponse` and one audit record per SKU.
struct PriceResponseBuilder {
    let model: PriceModel
    let modelVersion: String
    let shadowMode: Bool

    /// The decisions of a batch, in request order.
    struct Decided {
        let sku: PriceRequestDecoding.Sku
        let decisionID: String
        let qValues: [Float]
        let decision: PriceDecision
        let suggestedPrice: Double
    }

    func decide(_ skus: [PriceRequestDecoding.Sku], qValues output: UnsafeRawBufferPointer) throws -> [Decided] {
        let q = output.bindMemory(to: Float.self)
        return try skus.enumerated().map { i, sku in
            let values = Array(q[(i * 5)..<(i * 5 + 5)])
            let decision: PriceDecision
            do {
                decision = try sku.guardrails.decide(qValues: values, currentPrice: sku.state.currentPrice,
                                                     unitCost: sku.state.unitCost)
            } catch let error as PricingInputError {
                throw RequestValidation.invalid("skus[\(i)].\(error.field)", error.reason)
            }
            return Decided(sku: sku, decisionID: UUID().uuidString.lowercased(), qValues: values, decision: decision,
                           suggestedPrice: shadowMode ? sku.state.currentPrice : decision.price)
        }
    }

    func response(_ decided: [Decided], in arena: MessageArena) -> UnsafePointer<Shop__V1__SuggestPricesResponse> {
        let response = arena.make(PriceService.responseType)
        let suggestions = arena.allocate(UnsafeMutablePointer<Shop__V1__PriceSuggestion>?.self, count: decided.count)
        for (i, d) in decided.enumerated() {
            let s = arena.make(Self.suggestionType)
            s.pointee.sku_id = arena.copy(d.sku.id)
            s.pointee.suggested_price = d.suggestedPrice
            s.pointee.model_action = Self.proto(d.decision.modelAction)
            s.pointee.final_action = d.decision.finalAction.map(Self.proto) ?? SHOP__V1__PRICE_ACTION__PRICE_ACTION_UNSPECIFIED
            s.pointee.price_clamped = d.decision.clamped ? 1 : 0
            let values = arena.allocate(UnsafeMutablePointer<Shop__V1__ActionValue>?.self, count: PriceAction.allCases.count)
            for action in PriceAction.allCases {
                let value = arena.make(Self.actionValueType)
                value.pointee.action = Self.proto(action)
                value.pointee.q_value = d.qValues[action.rawValue]
                value.pointee.price = action.price(from: d.sku.state.currentPrice)
                values[action.rawValue] = value
            }
            s.pointee.n_action_values = PriceAction.allCases.count
            s.pointee.action_values = values
            let units = model.expectedDailyUnits(d.sku.state, at: d.suggestedPrice)
            s.pointee.expected_daily_units = units
            s.pointee.expected_daily_profit = (d.suggestedPrice - d.sku.state.unitCost) * units
            let applied = d.decision.guardrailsApplied
            if !applied.isEmpty {
                let rules = arena.allocate(Shop__V1__Guardrail.self, count: applied.count)
                for (k, rule) in applied.enumerated() { rules[k] = Shop__V1__Guardrail(rawValue: UInt32(rule.rawValue)) }
                s.pointee.n_guardrails_applied = applied.count
                s.pointee.guardrails_applied = rules
            }
            s.pointee.decision_id = arena.copy(d.decisionID)
            suggestions[i] = s
        }
        response.pointee.n_suggestions = decided.count
        response.pointee.suggestions = suggestions
        response.pointee.shadow_mode = shadowMode ? 1 : 0
        response.pointee.model_version = arena.copy(modelVersion)
        return UnsafePointer(response)
    }

    func auditRecords(_ decided: [Decided], features: [Float], time: Date) -> [PriceAuditRecord] {
        let timestamp = PriceAuditRecord.timestamp(time)
        return decided.enumerated().map { i, d in
            PriceAuditRecord(decisionID: d.decisionID, time: timestamp, model: PriceService.model, modelVersion: modelVersion,
                             skuID: d.sku.id, state: d.sku.state, guardrails: d.sku.guardrails,
                             features: Array(features[(i * PriceFeatures.count)..<((i + 1) * PriceFeatures.count)]),
                             qValues: d.qValues, decision: d.decision, suggestedPrice: d.suggestedPrice, shadowMode: shadowMode)
        }
    }

    static let suggestionType = ProtoMessageType<Shop__V1__PriceSuggestion>(shop__v1__price_suggestion__init)
    static let actionValueType = ProtoMessageType<Shop__V1__ActionValue>(shop__v1__action_value__init)

    static func proto(_ action: PriceAction) -> Shop__V1__PriceAction {
        Shop__V1__PriceAction(rawValue: UInt32(action.rawValue + 1))
    }
}
