import Foundation
import ShopBench
import ShopClient
import ShopWire
import XCTest

/// The report renderers over a real run (against the in-process counting server).
final class BenchReportTests: XCTestCase {
    private static var cached: BenchReport?

    private func report() throws -> BenchReport {
        if let cached = Self.cached { return cached }
        let server = try BenchTestServer(failEvery: 10, failCode: .unavailable)
        defer { server.stop() }
        var runs: [BenchResult] = []
        for concurrency in [1, 4] {
            let plan = BenchPlan(connection: ConnectionConfiguration(target: try Target(parsing: server.target)),
                                 method: MethodPath(service: "test.Bench", method: "Count"), requests: RequestPool(single: []),
                                 stop: .total(200), concurrency: concurrency, connections: 2, threads: 2)
            runs.append(try BenchRunner(plan: plan).run())
        }
        let settings = BenchReport.Settings(method: "test.Bench/Count", target: server.target, tls: false, openLoop: false,
                                            targetRate: nil, durationSeconds: nil, totalCalls: 200, warmupSeconds: 0,
                                            timeoutSeconds: nil, connections: 2, threads: 2, requestSource: "data",
                                            distinctRequests: 1)
        let report = BenchReport(settings: settings, runs: runs, startedAt: Date())
        Self.cached = report
        return report
    }

    func testTableShowsTheSweepSideBySide() throws {
        let table = try report().table()
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[1].contains("c=1") && lines[1].contains("c=4"), table)
        XCTAssertTrue(lines.contains { $0.hasPrefix("calls ") && $0.hasSuffix(" 200  200") || $0.range(of: #"^calls\s+200\s+200$"#, options: .regularExpression) != nil }, table)
        XCTAssertTrue(lines.contains { $0.range(of: #"^status UNAVAILABLE\s+20\s+20$"#, options: .regularExpression) != nil }, table)
        XCTAssertTrue(table.contains("first UNAVAILABLE: planned failure"), table)
    }

    func testJSONCarriesCountsAndLatencies() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try report().json().utf8)) as! [String: Any]
        XCTAssertEqual(object["schema"] as? String, "shopctl-bench/v1")
        let runs = try XCTUnwrap(object["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["calls"] as? Int }, [200, 200])
        XCTAssertEqual(runs[0]["status_counts"] as? [String: Int], ["OK": 180, "UNAVAILABLE": 20])
        let latency = try XCTUnwrap(runs[0]["latency_ms"] as? [String: Double])
        XCTAssertEqual(Set(latency.keys), ["min", "mean", "p50", "p90", "p99", "p99.9", "max"])
        XCTAssertLessThanOrEqual(latency["min"]!, latency["p50"]!)
        XCTAssertLessThanOrEqual(latency["p99"]!, latency["max"]!)
    }

    func testCSVRowsMatchTheHeader() throws {
        let lines = try report().csv().split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        for row in lines.dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(cells.count, header.count)
            let values = Dictionary(uniqueKeysWithValues: zip(header.map(String.init), cells.map(String.init)))
            XCTAssertEqual(values["calls"], "200")
            XCTAssertEqual(values["status_UNAVAILABLE"], "20")
        }
    }

    func testHDRFileAndHTMLAreComplete() throws {
        let report = try report()
        let hdr = report.hdrPercentileDistribution(of: report.runs[0])
        XCTAssertTrue(hdr.contains("1/(1-Percentile)"), hdr)
        XCTAssertTrue(hdr.contains("#[Mean"), hdr)
        let html = report.html()
        XCTAssertTrue(html.contains("<svg") && html.contains("id=\"latency-distribution\""))
        XCTAssertTrue(html.contains("id=\"latency-over-time-1\""))
        XCTAssertFalse(html.contains("http://") && html.contains("<script src"), "self-contained")
        XCTAssertTrue(html.contains("<script type=\"application/json\" id=\"bench-data\">"))
    }
}
