import Foundation
import ShopScheduler
import XCTest
@testable import ShopModels

/// The committed price model against the fixtures its training run exported (parity.json): the
/// Swift feature builder reproduces the Python vectors, the INT8 network the Python INT8 Q-values.
final class PriceParityTests: XCTestCase {
    private struct Fixtures: Decodable {
        struct Case: Decodable {
            let price: Double
            let unit_cost: Double
            let competitor_price: Double
            let inventory_units: Double
            let days_to_season_end: Double
            let recent_daily_sales: [Double]
            let features: [Float]
            let q_int8: [Float]
            let q_fp32: [Float]
        }
        let feature_version: Int
        let elasticity: Double
        let cases: [Case]
    }

    private static let directory = packageRoot() + "/models/price/1"

    private func load() throws -> (PriceModel, Fixtures) {
        let registry = ModelKindRegistry()
        registry.register(kind: PriceModel.kind) { try PriceModel(context: $0) }
        let loaded = try LoadedModelVersion.load(modelName: "price", version: 1, directory: Self.directory, registry: registry)
        let model = try XCTUnwrap(loaded.model(as: PriceModel.self))
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/parity.json"))
        return (model, try JSONDecoder().decode(Fixtures.self, from: data))
    }

    private func state(_ c: Fixtures.Case) -> SkuPricingState {
        SkuPricingState(currentPrice: c.price, unitCost: c.unit_cost, competitorPrice: c.competitor_price,
                        inventoryUnits: c.inventory_units, daysToSeasonEnd: c.days_to_season_end,
                        recentDailySales: c.recent_daily_sales)
    }

    func testFeaturesMatchThePythonDefinition() throws {
        let (model, fixtures) = try load()
        XCTAssertEqual(fixtures.feature_version, PriceFeatures.version)
        XCTAssertEqual(model.ownElasticity, fixtures.elasticity)
        XCTAssertGreaterThanOrEqual(fixtures.cases.count, 10)
        for (index, c) in fixtures.cases.enumerated() {
            let features = model.features(state(c))
            for (f, (swift, python)) in zip(features, c.features).enumerated() {
                XCTAssertEqual(swift, python, accuracy: 2e-7 * max(1, abs(python)),
                               "case \(index) feature \(PriceFeatures.names[f])")
            }
        }
    }

    func testQValuesMatchThePythonInt8Arithmetic() throws {
        let (model, fixtures) = try load()
        let q = model.qValues(features: fixtures.cases.map(\.features))
        for (index, (swift, c)) in zip(q, fixtures.cases).enumerated() {
            let scale = max(1, c.q_int8.map(abs).max() ?? 1)
            for a in 0..<5 {
                XCTAssertEqual(swift[a], c.q_int8[a], accuracy: 1e-3 * scale, "case \(index) action \(a)")
                // INT8 stays near FP32 too (judges the tolerance above): within 1-3% on ordinary SKUs;
                // per-row activation quantization costs up to ~8% on the extreme edge case of a zero
                // unit cost (log price/cost = 4.6 dominates the row's scale).
                XCTAssertEqual(swift[a], c.q_fp32[a], accuracy: 0.10 * scale, "case \(index) action \(a) vs FP32")
            }
            let sorted = c.q_int8.sorted(by: >)
            if sorted[0] - sorted[1] > 2e-3 * scale {
                XCTAssertEqual(PriceAction.argmax(swift), PriceAction.argmax(c.q_int8), "case \(index) argmax")
            }
        }
    }

    func testSchedulerBatchGivesTheSameRowsAsSingleRows() throws {
        let (model, fixtures) = try load()
        let rows = fixtures.cases.map(\.features)
        let input = rows.flatMap { $0 }
        var output = [Float](repeating: .nan, count: rows.count * 5)
        let workspace = WorkerWorkspace()
        let segments = [BatchSegment(batchRowOffset: 0, requestRowOffset: 0, rowCount: rows.count, context: nil)]
        try input.withUnsafeBytes { inputBytes in
            try output.withUnsafeMutableBytes { outputBytes in
                try segments.withUnsafeBufferPointer { segmentBuffer in
                    try model.run(ModelBatch(rows: rows.count, input: inputBytes, output: outputBytes,
                                             segments: segmentBuffer, workspace: workspace, workerIndex: 0))
                }
            }
        }
        for (index, row) in rows.enumerated() {
            XCTAssertEqual(Array(output[(index * 5)..<(index * 5 + 5)]), model.qValues(features: [row])[0], "row \(index)")
        }
    }

    func testExpectedUnitsFollowTheDemandCurve() throws {
        let (model, _) = try load()
        let sku = SkuPricingState(currentPrice: 10, unitCost: 6, competitorPrice: 10, inventoryUnits: 1000,
                                  daysToSeasonEnd: 30, recentDailySales: [10, 10, 10, 10])
        XCTAssertEqual(model.expectedDailyUnits(sku, at: 10), 10, accuracy: 1e-9)
        XCTAssertGreaterThan(model.expectedDailyUnits(sku, at: 9), 10)
        XCTAssertLessThan(model.expectedDailyUnits(sku, at: 11), 10)
        var scarce = sku
        scarce.inventoryUnits = 3
        XCTAssertEqual(model.expectedDailyUnits(scarce, at: 9), 3)
        scarce.recentDailySales = []
        XCTAssertEqual(model.expectedDailyUnits(scarce, at: 9), 0)
    }
}
