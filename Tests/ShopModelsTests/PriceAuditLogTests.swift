import Foundation
import XCTest
@testable import ShopModels

/// The audit trail: one parseable JSON line per record, every key present, written by the writer
/// thread to a file.
final class PriceAuditLogTests: XCTestCase {
    private func record(_ id: String, clamped: Bool = false) -> PriceAuditRecord {
        let state = SkuPricingState(currentPrice: 10, unitCost: 6, competitorPrice: 0, inventoryUnits: 40,
                                    daysToSeasonEnd: 12, recentDailySales: [3, 4])
        let decision = PriceDecision(modelAction: .increase10, finalAction: clamped ? nil : .keep, price: 10,
                                     clamped: clamped, guardrailsApplied: [.maxChange, .ceilingPrice])
        return PriceAuditRecord(decisionID: id, time: PriceAuditRecord.timestamp(Date(timeIntervalSince1970: 1_800_000_000.25)), model: "price",
                                modelVersion: "1", skuID: "sku-\(id)", state: state,
                                guardrails: PriceGuardrails(maxChangeFraction: 0.05, ceilingPrice: 10.2),
                                features: [0.5, 0, 1, 0.1, -0.14, 0.7], qValues: [1, 2, 3, 4, 5], decision: decision,
                                suggestedPrice: 10, shadowMode: false)
    }

    func testTimestampMatchesISO8601DateFormatterWithMilliseconds() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SplitMix64(seed: 3)
        let instants = [0, 0.999, 951_782_400.5, 1_800_000_000.25, 4_102_444_799.999]
            + (0..<200).map { _ in Double(random.next() % 4_102_444_800_000) / 1000 }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            XCTAssertEqual(PriceAuditRecord.timestamp(date), formatter.string(from: date), "at \(instant)")
        }
    }

    func testLineFormat() throws {
        let line = try record("a", clamped: true).jsonLine()
        XCTAssertFalse(line.contains(0x0A))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: line) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["decision_id", "time", "model", "model_version", "sku_id", "inputs", "features",
                                          "q_values", "model_action", "final_action", "price_clamped", "final_price",
                                          "suggested_price", "guardrails_applied", "shadow_mode"])
        XCTAssertEqual(object["time"] as? String, "2027-01-15T08:00:00.250Z")
        XCTAssertEqual(object["model_action"] as? String, "INCREASE_10_PERCENT")
        XCTAssertTrue(object["final_action"] is NSNull)
        XCTAssertEqual(object["guardrails_applied"] as? [String], ["MAX_CHANGE", "CEILING_PRICE"])
        XCTAssertEqual((object["q_values"] as? [Double])?.count, 5)
        let inputs = try XCTUnwrap(object["inputs"] as? [String: Any])
        let guardrails = try XCTUnwrap(inputs["guardrails"] as? [String: Any])
        XCTAssertEqual(guardrails["max_change_fraction"] as? Double, 0.05)
        XCTAssertTrue(guardrails["min_margin"] is NSNull)
        XCTAssertEqual(inputs["recent_daily_sales"] as? [Double], [3, 4])
    }

    func testWriterAppendsOneLinePerRecordToTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("audit.jsonl")
        try Data("{\"earlier\":true}\n".utf8).write(to: URL(fileURLWithPath: path))
        let log = try PriceAuditLog(destination: .file(path))
        for batch in 0..<20 {
            log.append((0..<50).map { record("\(batch)-\($0)") })
        }
        log.flush()
        log.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 1000)
        XCTAssertEqual(lines.first, "{\"earlier\":true}")
        var ids = Set<String>()
        for line in lines.dropFirst() {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            ids.insert(try XCTUnwrap(object["decision_id"] as? String))
        }
        XCTAssertEqual(ids.count, 1000)
    }

    func testAFullQueueDropsAndRecordsTheGap() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("audit.jsonl")
        let log = try PriceAuditLog(destination: .file(path), maxPendingRecords: 10)
        log.append((0..<25).map { record("\($0)") })  // one append: 10 fit, 15 are dropped
        log.flush()
        log.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\"dropped_records\":15}\n"), text.prefix(80).description)
        XCTAssertEqual(text.split(separator: "\n").count, 11)
    }

    func testUnopenableFileIsAnError() {
        XCTAssertThrowsError(try PriceAuditLog(destination: .file("/nonexistent-dir/audit.jsonl")))
    }
}
