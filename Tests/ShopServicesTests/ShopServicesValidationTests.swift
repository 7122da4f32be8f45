import ShopProtoC
@testable import ShopServices
import ShopWire
import Testing

/// The shop services before models land: decode, validate, then UNAVAILABLE / UNIMPLEMENTED.
@Suite struct ShopServicesValidationTests {
    let arena = MessageArena()

    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let storage = arena.allocate(UnsafeMutablePointer<CChar>?.self, count: values.count)
        for (i, value) in values.enumerated() { storage[i] = arena.copy(value) }
        return storage
    }

    func status(_ service: GRPCService, _ method: String, _ bytes: [UInt8]) -> GRPCStatus? {
        RecordingCall.run(service, method, messages: [bytes]).0.status
    }

    func services(loaded: Set<String> = []) -> [String: ModelBackedService] {
        let models = ModelAvailabilityClosure { loaded.contains($0) }
        return Dictionary(uniqueKeysWithValues: ShopServiceCatalog.makeServices(models: models).map { ($0.serviceName, $0) })
    }

    // Minimal valid requests.

    func rankRequest(_ candidates: [String] = ["1", "2"]) -> UnsafeMutablePointer<Shop__V1__RankRequest> {
        let r = arena.make(RankService.requestType)
        r.pointee.n_candidate_item_ids = candidates.count
        r.pointee.candidate_item_ids = strings(candidates)
        return r
    }

    func priceRequest() -> UnsafeMutablePointer<Shop__V1__SuggestPricesRequest> {
        let sku = arena.make(ProtoMessageType<Shop__V1__SkuState>(shop__v1__sku_state__init))
        sku.pointee.sku_id = arena.copy("sku-1")
        sku.pointee.current_price = 9.99
        let r = arena.make(PriceService.requestType)
        let list = arena.allocate(UnsafeMutablePointer<Shop__V1__SkuState>?.self, count: 1)
        list[0] = sku
        (r.pointee.n_skus, r.pointee.skus) = (1, list)
        return r
    }

    func searchRequest(values: [Float] = [0.5, 0.25]) -> UnsafeMutablePointer<Shop__V1__SearchRequest> {
        let e = arena.make(ProtoMessageType<Shop__V1__Embedding>(shop__v1__embedding__init))
        let storage = arena.allocate(Float.self, count: values.count)
        for (i, v) in values.enumerated() { storage[i] = v }
        (e.pointee.n_values, e.pointee.values) = (values.count, storage)
        let r = arena.make(ImageSearchService.requestType)
        r.pointee.query_case = SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING
        r.pointee.embedding = e
        return r
    }

    func converseRequest(_ text: String = "where is my order?") -> UnsafeMutablePointer<Shop__V1__ConverseRequest> {
        let r = arena.make(DialogueService.requestType)
        r.pointee.text = arena.copy(text)
        return r
    }

    func validRequests() -> [(String, String, [UInt8])] {
        [
            (RecallService.name, "Recall", RecallService.requestType.encode(arena.make(RecallService.requestType))),
            (RankService.name, "Rank", RankService.requestType.encode(rankRequest())),
            (PriceService.name, "SuggestPrices", PriceService.requestType.encode(priceRequest())),
            (ImageSearchService.name, "Search", ImageSearchService.requestType.encode(searchRequest())),
            (DialogueService.name, "Converse", DialogueService.requestType.encode(converseRequest())),
        ]
    }

    @Test func validRequestsAreUnavailableWithoutTheirModel() {
        let all = services()
        for (service, method, bytes) in validRequests() {
            let status = status(all[service]!, method, bytes)
            #expect(status?.code == .unavailable, "\(service)")
            #expect(status?.message == "model '\(all[service]!.modelName)' is not loaded")
        }
    }

    @Test func validRequestsAreUnimplementedWithTheirModelLoaded() {
        let all = services(loaded: ["recall", "rank", "price", "image_search", "dialogue"])
        // Recall and Rank answer through their models (ModelMethod.scheduled): Tests/IntegrationTests/test_recall_rank.py.
        let served = [RecallService.name, RankService.name]
        for (service, method, bytes) in validRequests() where !served.contains(service) {
            let status = status(all[service]!, method, bytes)
            #expect(status?.code == .unimplemented, "\(service)")
            // Unary methods say "not implemented yet"; scheduled ones (resolve without a ModelServing) "no inference path".
            #expect(status?.message.contains("not implemented yet") == true || status?.message.contains("no inference path") == true)
        }
    }

    @Test func malformedAndEmptyRequests() {
        let all = services()
        for (service, method, _) in validRequests() {
            let malformed = status(all[service]!, method, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
            #expect(malformed?.code == .invalidArgument, "\(service)")
            #expect(malformed?.message.hasPrefix("malformed shop.v1.") == true)
            let empty = status(all[service]!, method, [])
            // Everything in a RecallRequest is optional; the others need their main input.
            #expect(empty?.code == (service == RecallService.name ? .unavailable : .invalidArgument), "\(service): \(String(describing: empty))")
        }
    }

    @Test func fieldRulesNameTheField() throws {
        func expectInvalid(_ validate: () throws -> Void, _ fieldPrefix: String) {
            do {
                try validate()
                Issue.record("accepted; expected INVALID_ARGUMENT on \(fieldPrefix)")
            } catch let status as GRPCStatus {
                #expect(status.code == .invalidArgument)
                #expect(status.message.hasPrefix(fieldPrefix), "\(status.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        expectInvalid({ try RankService.validate(self.rankRequest(["a", "b", "a"])) }, "candidate_item_ids[2]")
        expectInvalid({ try RankService.validate(self.rankRequest([])) }, "candidate_item_ids")
        expectInvalid({
            let r = self.rankRequest()
            let d = self.arena.make(ProtoMessageType<Shop__V1__DiversityOptions>(shop__v1__diversity_options__init))
            d.pointee.mmr_lambda = .nan
            r.pointee.diversity = d
            try RankService.validate(r)
        }, "diversity.mmr_lambda")
        expectInvalid({
            let r = self.rankRequest()
            r.pointee.unknown_candidate_policy = Shop__V1__UnknownCandidatePolicy(rawValue: 77)
            try RankService.validate(r)
        }, "unknown_candidate_policy")
        expectInvalid({
            let r = self.rankRequest()
            r.pointee.user_id = self.arena.copy(String(repeating: "u", count: 257))
            try RankService.validate(r)
        }, "user_id")
        expectInvalid({
            let r = self.rankRequest()
            let bad = self.arena.allocate(CChar.self, count: 3)
            (bad[0], bad[1], bad[2]) = (CChar(bitPattern: 0xC3), CChar(bitPattern: 0x28), 0)  // invalid UTF-8
            r.pointee.user_id = bad
            try RankService.validate(r)
        }, "user_id")
        expectInvalid({
            let r = self.priceRequest()
            r.pointee.skus[0]!.pointee.current_price = 0
            try PriceService.validate(r)
        }, "skus[0].current_price")
        expectInvalid({
            let r = self.priceRequest()
            let g = self.arena.make(ProtoMessageType<Shop__V1__PriceGuardrails>(shop__v1__price_guardrails__init))
            g.pointee.floor_price_value_case = SHOP__V1__PRICE_GUARDRAILS__FLOOR_PRICE_VALUE_FLOOR_PRICE
            g.pointee.floor_price = 10
            g.pointee.ceiling_price_value_case = SHOP__V1__PRICE_GUARDRAILS__CEILING_PRICE_VALUE_CEILING_PRICE
            g.pointee.ceiling_price = 5
            r.pointee.skus[0]!.pointee.guardrails = g
            try PriceService.validate(r)
        }, "skus[0].guardrails.ceiling_price")
        expectInvalid({ try ImageSearchService.validate(self.searchRequest(values: [0, 0])) }, "embedding.values")
        expectInvalid({ try ImageSearchService.validate(self.searchRequest(values: [1, .infinity])) }, "embedding.values[1]")
        expectInvalid({
            let image = self.arena.make(ProtoMessageType<Shop__V1__RawImage>(shop__v1__raw_image__init))
            (image.pointee.width, image.pointee.height, image.pointee.channels) = (4, 4, 3)
            image.pointee.pixels = self.arena.copy(bytes: [UInt8](repeating: 0, count: 47))
            let r = self.arena.make(ImageSearchService.requestType)
            r.pointee.query_case = SHOP__V1__SEARCH_REQUEST__QUERY_RAW_IMAGE
            r.pointee.raw_image = image
            try ImageSearchService.validate(r)
        }, "raw_image.pixels")
        expectInvalid({ try DialogueService.validate(self.converseRequest(" \n\t ")) }, "text")
        expectInvalid({ try DialogueService.validate(self.converseRequest(String(repeating: "好", count: 2001))) }, "text")
        try DialogueService.validate(converseRequest("  " + String(repeating: "好", count: 2000) + "  "))
        expectInvalid({
            let r = self.arena.make(RecallService.requestType)
            let quotas = self.arena.allocate(UnsafeMutablePointer<Shop__V1__ChannelQuota>?.self, count: 2)
            for i in 0..<2 {
                let q = self.arena.make(ProtoMessageType<Shop__V1__ChannelQuota>(shop__v1__channel_quota__init))
                q.pointee.channel = SHOP__V1__RECALL_CHANNEL__RECALL_CHANNEL_HOT
                quotas[i] = q
            }
            (r.pointee.n_channel_quotas, r.pointee.channel_quotas) = (2, quotas)
            try RecallService.validate(r)
        }, "channel_quotas[1].channel")
        expectInvalid({
            let r = self.arena.make(RecallService.requestType)
            let c = self.arena.make(ProtoMessageType<Shop__V1__RequestContext>(shop__v1__request_context__init))
            c.pointee.hour_of_day_value_case = SHOP__V1__REQUEST_CONTEXT__HOUR_OF_DAY_VALUE_HOUR_OF_DAY
            c.pointee.hour_of_day = 24
            r.pointee.context = c
            try RecallService.validate(r)
        }, "context.hour_of_day")
    }

    @Test func healthFollowsModelAvailability() {
        let set = makeShopServices(models: ModelAvailabilityClosure { $0 == "rank" })
        #expect(set.health.registry.status(of: RankService.name) == .serving)
        #expect(set.health.registry.status(of: PriceService.name) == .notServing)
        #expect(set.serviceNames.contains(DialogueService.name))
    }
}
