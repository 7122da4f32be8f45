import ShopModels
import ShopProtoC
import ShopWire

/// `shop.v1.SuggestPricesRequest` → the model's types: one ``SkuPricingState`` and the guardrails
/// in force per SKU. Assumes the request passed `PriceService.validate` field checks.
enum PriceRequestDecoding {
    /// One SKU of the request, decoded.
    struct Sku {
        let id: String
        let state: SkuPricingState
        let guardrails: PriceGuardrails
        /// Where the guardrails came from, for error messages (`skus[3].guardrails` or `default_guardrails`).
        let guardrailsField: String
    }

    static func guardrails(_ pointer: UnsafeMutablePointer<Shop__V1__PriceGuardrails>?) -> PriceGuardrails {
        guard let g = pointer?.pointee else { return .none }
        return PriceGuardrails(
            minMargin: g.min_margin_value_case == SHOP__V1__PRICE_GUARDRAILS__MIN_MARGIN_VALUE_MIN_MARGIN ? g.min_margin : nil,
            maxChangeFraction: g.max_change_fraction_value_case
                == SHOP__V1__PRICE_GUARDRAILS__MAX_CHANGE_FRACTION_VALUE_MAX_CHANGE_FRACTION ? g.max_change_fraction : nil,
            floorPrice: g.floor_price_value_case == SHOP__V1__PRICE_GUARDRAILS__FLOOR_PRICE_VALUE_FLOOR_PRICE ? g.floor_price : nil,
            ceilingPrice: g.ceiling_price_value_case == SHOP__V1__PRICE_GUARDRAILS__CEILING_PRICE_VALUE_CEILING_PRICE
                ? g.ceiling_price : nil)
    }

    static func skus(_ request: UnsafeMutablePointer<Shop__V1__SuggestPricesRequest>) -> [Sku] {
        let r = request.pointee
        let defaults = guardrails(r.default_guardrails)
        return (0..<r.n_skus).map { i in
            let sku = r.skus[i]!.pointee
            let sales = (0..<sku.n_recent_daily_sales).map { sku.recent_daily_sales[$0] }
            let state = SkuPricingState(currentPrice: sku.current_price, unitCost: sku.unit_cost,
                                        competitorPrice: sku.competitor_price, inventoryUnits: Double(sku.inventory_units),
                                        daysToSeasonEnd: Double(sku.days_to_season_end), recentDailySales: sales)
            let own = sku.guardrails != nil
            return Sku(id: sku.sku_id.map { String(cString: $0) } ?? "", state: state,
                       guardrails: own ? guardrails(sku.guardrails) : defaults,
                       guardrailsField: own ? "skus[\(i)].guardrails" : "default_guardrails")
        }
    }

    /// INVALID_ARGUMENT when a SKU's guardrails leave no feasible price, naming the SKU and field.
    static func checkFeasible(_ skus: [Sku]) throws {
        for (i, sku) in skus.enumerated() {
            do {
                _ = try sku.guardrails.feasibleInterval(currentPrice: sku.state.currentPrice, unitCost: sku.state.unitCost)
            } catch let error as PricingInputError {
                let field = ["current_price", "unit_cost"].contains(error.field) ? "skus[\(i)].\(error.field)"
                    : "\(sku.guardrailsField).\(error.field)"
                throw RequestValidation.invalid(field, "(SKU '\(sku.id)') \(error.reason)")
            }
        }
    }
}
