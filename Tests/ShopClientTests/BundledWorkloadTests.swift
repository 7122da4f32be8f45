import Foundation
import ShopBench
import ShopClient
import XCTest

/// The per-service workloads over the bundled models/ repository: every generated request
/// encodes as its method's request message and decodes back (protobuf-c, with the
/// generated descriptors), and its ids are the served model's own (its side files).
final class BundledWorkloadTests: XCTestCase {
    private let models = PythonTestServer.packageRoot.appendingPathComponent("models")

    /// `count` requests of `workload`, through the wire format and back to proto3 JSON.
    private func decodedRequests(_ workload: String, count: Int = 30) throws -> [[String: Any]] {
        var generator = try Workloads.make(workload, models: models)
        let method = try MethodRegistry.lookup(try XCTUnwrap(type(of: generator).method))
        return try generator.makeRequests(count: count).map { request in
            try method.input.decodeToObject(try method.input.encode(jsonObject: request))
        }
    }

    /// `file` of the newest bundled version of `model` (what the workloads read by default).
    private func sideFile(_ model: String, _ file: String) throws -> Any {
        let versions = try FileManager.default.contentsOfDirectory(atPath: models.appendingPathComponent(model).path)
            .compactMap(Int.init)
        let newest = try XCTUnwrap(versions.max(), "no version of \(model) in \(models.path)")
        let data = try Data(contentsOf: models.appendingPathComponent("\(model)/\(newest)/\(file)"))
        return try JSONSerialization.jsonObject(with: data)
    }

    private func ids(_ model: String, _ file: String) throws -> Set<String> {
        Set(try XCTUnwrap(try sideFile(model, file) as? [String]))
    }

    func testRecallUsesTheRecallModelsUsersAndItems() throws {
        let users = try ids("recall", "users.json"), items = try ids("recall", "items.json")
        for request in try decodedRequests("recall:recent=12,limit=150") {
            XCTAssertTrue(users.contains(try XCTUnwrap(request["userId"] as? String)))
            let recent = try XCTUnwrap(request["recentItemIds"] as? [String])
            XCTAssertEqual(recent.count, 12)
            XCTAssertTrue(items.isSuperset(of: recent))
            XCTAssertEqual(request["limit"] as? Int, 150)
        }
    }

    func testRankSendsDistinctKnownCandidates() throws {
        let users = try ids("rank", "users.json"), items = try ids("rank", "items.json")
        let requests = try decodedRequests("rank:candidates=500,behavior=7", count: 10)
        for request in requests {
            XCTAssertTrue(users.contains(try XCTUnwrap(request["userId"] as? String)))
            let candidates = try XCTUnwrap(request["candidateItemIds"] as? [String])
            XCTAssertEqual(candidates.count, 500)
            XCTAssertEqual(Set(candidates).count, 500, "the service rejects repeated candidates")
            XCTAssertTrue(items.isSuperset(of: candidates))
            XCTAssertEqual((request["behaviorItemIds"] as? [String]).map { items.isSuperset(of: $0) && $0.count == 7 }, true)
        }
        XCTAssertGreaterThan(Set(requests.map { "\($0["userId"]!)" }).count, 1)
    }

    func testPriceSkusAreTheModelsParityStatesUnderPanelBrands() throws {
        let parity = try XCTUnwrap((try sideFile("price", "parity.json") as? [String: Any])?["cases"] as? [[String: Any]])
        let archetypes = try XCTUnwrap((try sideFile("price", "demand.json") as? [String: Any])?["archetypes"] as? [[String: Any]])
        let brands = Set(archetypes.compactMap { $0["brand"] as? String })
        let prices = Set(parity.compactMap { ($0["price"] as? NSNumber)?.doubleValue })
        for request in try decodedRequests("price:skus=25,jitter=0", count: 10) {
            let skus = try XCTUnwrap(request["skus"] as? [[String: Any]])
            XCTAssertEqual(skus.count, 25)
            let skuIDs = skus.compactMap { $0["skuId"] as? String }
            XCTAssertEqual(Set(skuIDs).count, 25, "SKU ids are unique within a request")
            for sku in skus {
                let id = try XCTUnwrap(sku["skuId"] as? String)
                XCTAssertTrue(brands.contains(String(id[..<id.lastIndex(of: "-")!])), id)
                let price = try XCTUnwrap(sku["currentPrice"] as? Double)
                XCTAssertTrue(prices.contains(price), "jitter=0 keeps the parity price \(price)")
                let cost = try XCTUnwrap(sku["unitCost"] as? Double)
                XCTAssertTrue(0 < cost && cost < price, "realistic states only: \(sku)")
                XCTAssertGreaterThan(sku["competitorPrice"] as? Double ?? 0, 0)
                XCTAssertTrue((7...90).contains((sku["recentDailySales"] as? [Any])?.count ?? 0), "\(sku)")
            }
        }
        let jittered = try decodedRequests("price:skus=5", count: 5).flatMap { $0["skus"] as! [[String: Any]] }
        XCTAssertTrue(jittered.contains { !prices.contains($0["currentPrice"] as! Double) }, "default jitter moves prices")
    }

    func testImageSearchSendsTheModelsTestImagesInTheAskedFormatAndMode() throws {
        let queries = try XCTUnwrap(try sideFile("image_search", "queries.json") as? [[String: String]])
        let png = Set(queries.compactMap { $0["png_image"] }), jpeg = Set(queries.compactMap { $0["jpeg_image"] })
        for request in try decodedRequests("image_search:format=png,mode=exact,limit=5") {
            let image = try XCTUnwrap(request["pngImage"] as? String)
            XCTAssertTrue(png.contains(image))
            XCTAssertEqual(Array(try XCTUnwrap(Data(base64Encoded: image)).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            XCTAssertEqual(request["mode"] as? String, "SEARCH_MODE_EXACT")
            XCTAssertEqual(request["limit"] as? Int, 5)
        }
        for request in try decodedRequests("image_search:format=jpeg,mode=ivf,nprobe=3") {
            let image = try XCTUnwrap(request["jpegImage"] as? String)
            XCTAssertTrue(jpeg.contains(image))
            XCTAssertEqual(Array(try XCTUnwrap(Data(base64Encoded: image)).prefix(2)), [0xFF, 0xD8])
            XCTAssertEqual(request["mode"] as? String, "SEARCH_MODE_APPROXIMATE")
            XCTAssertEqual(request["nprobe"] as? Int, 3)
        }
        let mixed = try decodedRequests("image_search", count: 100)
        XCTAssertTrue(mixed.contains { $0["pngImage"] != nil } && mixed.contains { $0["jpegImage"] != nil })
        XCTAssertTrue(mixed.allSatisfy { $0["mode"] == nil }, "mode=default leaves the choice to the server")
    }

    func testDialogueTurnsNameTheKnowledgeBaseInTheAskedLocale() throws {
        let knowledge = try XCTUnwrap(try sideFile("dialogue", "knowledge_base.json") as? [String: Any])
        let products = try XCTUnwrap(knowledge["products"] as? [[String: Any]])
        let orders = try XCTUnwrap(knowledge["orders"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        for locale in ["en", "zh-CN"] {
            let names = products.compactMap { ($0["names"] as? [String: String])?[locale] }
            let requests = try decodedRequests("dialogue:locale=\(locale)", count: 200)
            for request in requests {
                XCTAssertEqual(request["languageCode"] as? String, locale)
                let text = try XCTUnwrap(request["text"] as? String)
                XCTAssertFalse(text.contains("{") || text.contains("  "), text)
                let hasCJK = text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
                XCTAssertEqual(hasCJK, locale == "zh-CN", text)
            }
            let texts = requests.map { $0["text"] as! String }
            XCTAssertTrue(texts.contains { text in names.contains { text.contains($0) } }, "products come from the knowledge base")
            XCTAssertTrue(texts.contains { text in orders.contains { text.contains($0) } }, "order numbers too")
            XCTAssertGreaterThan(Set(texts).count, 50, "turns vary")
        }
        let both = Set(try decodedRequests("dialogue", count: 50).map { $0["languageCode"] as! String })
        XCTAssertEqual(both, ["en", "zh-CN"])
    }

    func testBadOptionsAreClearErrors() {
        for (workload, message) in [("image_search:format=gif", "format=gif"), ("image_search:mode=fast", "mode=fast"),
                                    ("image_search:nprobe=2", "needs mode=ivf"), ("dialogue:locale=fr", "locale=fr"),
                                    ("price:skus=0", "skus=0"), ("rank:candidates=5000", "candidates=5000"),
                                    ("recall:recent=500", "recent=500")] {
            XCTAssertThrowsError(try Workloads.make(workload, models: models), workload) { error in
                XCTAssertTrue("\(error)".contains(message), "\(workload): \(error)")
            }
        }
    }
}
