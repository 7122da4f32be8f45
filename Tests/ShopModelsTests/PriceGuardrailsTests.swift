import XCTest
@testable import ShopModels

/// PriceGuardrails: table-driven decisions, error cases, rounding.
final class PriceGuardrailsTests: XCTestCase {
    private typealias Rule = PriceGuardrails.Rule

    /// Q-values whose argmax is `best`, then descending by distance from it.
    private func q(best: PriceAction) -> [Float] {
        PriceAction.allCases.map { Float(10 - abs($0.rawValue - best.rawValue)) }
    }

    func testDecisionTable() throws {
        struct Row {
            let name: String
            let guardrails: PriceGuardrails
            let price: Double, cost: Double
            let qValues: [Float]
            let final: PriceAction?
            let suggested: Double
            let applied: [Rule]
        }
        let up10 = q(best: .increase10), down10 = q(best: .decrease10)
        let rows = [
            Row(name: "no rules: the network stands", guardrails: .none, price: 10, cost: 5, qValues: up10,
                final: .increase10, suggested: 11, applied: []),
            Row(name: "max change 5% turns +10% into +5%", guardrails: .init(maxChangeFraction: 0.05), price: 10, cost: 5,
                qValues: up10, final: .increase5, suggested: 10.5, applied: [.maxChange]),
            Row(name: "ceiling binds", guardrails: .init(ceilingPrice: 10.2), price: 10, cost: 5, qValues: up10,
                final: .keep, suggested: 10, applied: [.ceilingPrice]),
            Row(name: "floor binds on a cut", guardrails: .init(floorPrice: 9.6), price: 10, cost: 5, qValues: down10,
                final: .keep, suggested: 10, applied: [.floorPrice]),
            Row(name: "margin floor binds on a cut", guardrails: .init(minMargin: 0.9), price: 10, cost: 5, qValues: down10,
                final: .decrease5, suggested: 9.5, applied: [.minMargin]),
            Row(name: "two rules break the model's choice", guardrails: .init(minMargin: 0.9, floorPrice: 9.5),
                price: 10, cost: 5, qValues: down10, final: .decrease5, suggested: 9.5, applied: [.minMargin, .floorPrice]),
            Row(name: "rules that do not bind are not named", guardrails: .init(minMargin: 0.1, maxChangeFraction: 0.2,
                floorPrice: 1, ceilingPrice: 100), price: 10, cost: 5, qValues: up10, final: .increase10, suggested: 11, applied: []),
            Row(name: "current price below the floor: clamped up", guardrails: .init(floorPrice: 12), price: 10, cost: 5,
                qValues: up10, final: nil, suggested: 12, applied: [.floorPrice]),
            Row(name: "current price above the ceiling: clamped down", guardrails: .init(ceilingPrice: 8), price: 10, cost: 5,
                qValues: down10, final: nil, suggested: 8, applied: [.ceilingPrice]),
            Row(name: "below cost with max change: best allowed raise", guardrails: .init(minMargin: 0, maxChangeFraction: 0.1),
                price: 10, cost: 10.4, qValues: down10, final: .increase5, suggested: 10.5, applied: [.minMargin]),
            Row(name: "zero change allowed: keep", guardrails: .init(maxChangeFraction: 0), price: 10, cost: 5,
                qValues: up10, final: .keep, suggested: 10, applied: [.maxChange]),
            Row(name: "price exactly on the ceiling is allowed", guardrails: .init(ceilingPrice: 11), price: 10, cost: 5,
                qValues: up10, final: .increase10, suggested: 11, applied: []),
        ]
        for row in rows {
            let decision = try row.guardrails.decide(qValues: row.qValues, currentPrice: row.price, unitCost: row.cost)
            XCTAssertEqual(decision.modelAction, PriceAction.argmax(row.qValues), row.name)
            XCTAssertEqual(decision.finalAction, row.final, row.name)
            XCTAssertEqual(decision.clamped, row.final == nil, row.name)
            XCTAssertEqual(decision.price, row.suggested, accuracy: 1e-9, row.name)
            XCTAssertEqual(decision.guardrailsApplied, row.applied, row.name)
            XCTAssertTrue(row.guardrails.violations(of: decision.price, currentPrice: row.price, unitCost: row.cost).isEmpty,
                          "\(row.name): final price breaks a rule")
        }
    }

    func testTheBestAllowedActionFollowsQValueOrder() throws {
        // Best is +10% (blocked), second best is −10% (allowed): −10% wins over keep.
        let values: [Float] = [9, 1, 2, 3, 10]
        let decision = try PriceGuardrails(ceilingPrice: 10.4).decide(qValues: values, currentPrice: 10, unitCost: 1)
        XCTAssertEqual(decision.modelAction, .increase10)
        XCTAssertEqual(decision.finalAction, .decrease10)
        XCTAssertEqual(decision.price, 9)
        XCTAssertEqual(decision.guardrailsApplied, [.ceilingPrice])
    }

    func testImpossibleGuardrailsAreErrorsNamingTheField() {
        let cases: [(PriceGuardrails, Double, Double, String)] = [
            (.init(floorPrice: 10, ceilingPrice: 9), 10, 5, "ceiling_price"),
            (.init(minMargin: 1, ceilingPrice: 9), 10, 5, "ceiling_price"),
            (.init(minMargin: -0.1), 10, 5, "min_margin"),
            (.init(maxChangeFraction: 1.5), 10, 5, "max_change_fraction"),
            (.init(floorPrice: .nan), 10, 5, "floor_price"),
            (.init(ceilingPrice: 0), 10, 5, "ceiling_price"),
            (.init(minMargin: 0.5, maxChangeFraction: 0.1), 10, 9, "max_change_fraction"),
            (.none, 10, -1, "unit_cost"),
            (.none, .nan, 1, "current_price"),
            (.none, 0, 1, "current_price"),
        ]
        for (guardrails, price, cost, field) in cases {
            XCTAssertThrowsError(try guardrails.decide(qValues: q(best: .keep), currentPrice: price, unitCost: cost),
                                 "\(guardrails) at \(price)/\(cost)") { error in
                XCTAssertEqual((error as? PricingInputError)?.field, field, "\(guardrails) at \(price)/\(cost): \(error)")
            }
        }
    }

    func testPricesAreRoundedToCentsInsideTheInterval() throws {
        XCTAssertEqual(PriceGuardrails.roundToCents(10.456, within: 0...100), 10.46)
        XCTAssertEqual(PriceGuardrails.roundToCents(10.004, within: 10.001...11), 10.01)
        XCTAssertEqual(PriceGuardrails.roundToCents(10.996, within: 10...10.999), 10.99)
        XCTAssertEqual(PriceGuardrails.roundToCents(10.0042, within: 10.0041...10.0049), 10.0042)
        let decision = try PriceGuardrails.none.decide(qValues: q(best: .increase5), currentPrice: 12.99, unitCost: 1)
        XCTAssertEqual(decision.price, 13.64)
    }
}
