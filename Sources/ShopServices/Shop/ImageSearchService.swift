import ShopImaging
import ShopModels
import ShopProtoC
import ShopWire

/// `shop.v1.ImageSearchService`: catalogue items that look like a query image (model `image_search`).
enum ImageSearchService {
    static let name = "shop.v1.ImageSearchService"
    static let model = "image_search"
    /// Default server pixel limit (image_search_service.proto: 16 Mpixel).
    static let maxPixels: Int64 = 16 * 1024 * 1024
    typealias Request = Shop__V1__SearchRequest
    static let requestType = ProtoMessageType<Request>(shop__v1__search_request__init)
    static let responseType = ProtoMessageType<Shop__V1__SearchResponse>(shop__v1__search_response__init)

    static func make(models: any ModelAvailability) -> ModelBackedService {
        ModelBackedService(name: name, model: model, methods: [
            .scheduled("Search", request: requestType, response: responseType, version: \.model_version,
                       validate: validate, run: search),
        ], models: models)
    }

    /// Runs one search as one row of a scheduler batch: on the worker, the image is decoded and
    /// preprocessed (or the embedding taken), the CNN embeds it and the index finds the matches;
    /// the answer is built back on the call's thread.
    static func search(_ request: UnsafeMutablePointer<Request>, served: ServedModel,
                       responder: UnaryResponder<Shop__V1__SearchResponse>) throws {
        let model = try served.model(as: ImageSearchModel.self)
        let query = try ImageSearchRequestMapping.query(request.pointee, model: model, maxPixels: Int(maxPixels))
        let version = "\(served.version)"
        let returnEmbedding = request.pointee.return_query_embedding != 0
        try served.compute(rows: 1, context: query, responder: responder, fill: { row in
            ImageSearchRequestMapping.fillInput(request.pointee, model: model, row: row)
        }) { output, arena in
            if let failure = query.inputFailure { throw failure }   // e.g. a corrupt image: INVALID_ARGUMENT
            let response = arena.make(responseType)
            let row = output.baseAddress!
            let hits = model.outputRow.hits(row, count: query.limit).prefix { $0.isHit }
            response.pointee.n_matches = hits.count
            let matches = arena.allocate(UnsafeMutablePointer<Shop__V1__ImageMatch>?.self, count: max(hits.count, 1))
            for (i, hit) in hits.enumerated() {
                let match = arena.make(matchType)
                match.pointee.item_id = arena.copy("\(hit.id)")
                match.pointee.similarity = min(1, max(-1, hit.score))
                match.pointee.category = arena.copy(model.categoryName(row: hit.row))
                matches[i] = match
            }
            response.pointee.matches = matches
            response.pointee.mode = query.mode == .exact ? SHOP__V1__SEARCH_MODE__SEARCH_MODE_EXACT
                                                        : SHOP__V1__SEARCH_MODE__SEARCH_MODE_APPROXIMATE
            if returnEmbedding {
                let embedding = arena.make(embeddingType)
                let values = arena.allocate(Float.self, count: model.dimension)
                let source = model.outputRow.embedding(row)
                for i in 0..<model.dimension { values[i] = source[i] }
                embedding.pointee.n_values = model.dimension
                embedding.pointee.values = values
                response.pointee.query_embedding = embedding
            }
            response.pointee.model_version = arena.copy(version)
            return UnsafePointer(response)
        }
    }

    static let matchType = ProtoMessageType<Shop__V1__ImageMatch>(shop__v1__image_match__init)
    static let embeddingType = ProtoMessageType<Shop__V1__Embedding>(shop__v1__embedding__init)

    /// The model-independent rules of image_search_service.proto (the embedding dimension and
    /// category names depend on the model and are checked once it is loaded).
    static func validate(_ request: UnsafeMutablePointer<Request>) throws {
        typealias V = RequestValidation
        let r = request.pointee
        switch r.query_case {
        case SHOP__V1__SEARCH_REQUEST__QUERY_PNG_IMAGE:
            guard r.png_image.len > 0 else { throw V.invalid("png_image", "is empty") }
        case SHOP__V1__SEARCH_REQUEST__QUERY_JPEG_IMAGE:
            guard r.jpeg_image.len > 0 else { throw V.invalid("jpeg_image", "is empty") }
        case SHOP__V1__SEARCH_REQUEST__QUERY_RAW_IMAGE:
            try rawImage(r.raw_image)
        case SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING:
            try embedding(r.embedding)
        default:
            throw V.invalid("query", "one of png_image, jpeg_image, raw_image or embedding is required")
        }
        try V.range(r.limit, 0...1000, "limit")
        try V.strings(r.categories, count: r.n_categories, "categories", maxCount: 100, nonEmpty: true)
        try V.enumeration(r.mode.rawValue, shop__v1__search_mode__descriptor, "mode")
        try V.atLeast(r.nprobe, 0, "nprobe")
        try V.string(r.model_version, "model_version", maxBytes: 256)
    }

    static func rawImage(_ image: UnsafeMutablePointer<Shop__V1__RawImage>?) throws {
        typealias V = RequestValidation
        guard let image = image?.pointee else { throw V.invalid("raw_image", "is missing") }
        try V.atLeast(image.width, 1, "raw_image.width")
        try V.atLeast(image.height, 1, "raw_image.height")
        guard image.channels == 1 || image.channels == 3 else {
            throw V.invalid("raw_image.channels", "must be 1 (gray) or 3 (RGB), got \(image.channels)")
        }
        let pixels = Int64(image.width) * Int64(image.height)
        guard pixels <= maxPixels else {
            throw V.invalid("raw_image", "\(image.width)x\(image.height) exceeds the pixel limit of \(maxPixels)")
        }
        let expected = pixels * Int64(image.channels)
        guard Int64(image.pixels.len) == expected else {
            throw V.invalid("raw_image.pixels", "has \(image.pixels.len) bytes, width·height·channels = \(expected)")
        }
    }

    static func embedding(_ embedding: UnsafeMutablePointer<Shop__V1__Embedding>?) throws {
        typealias V = RequestValidation
        guard let e = embedding?.pointee, e.n_values > 0 else { throw V.invalid("embedding.values", "is empty") }
        var allZero = true
        for i in 0..<e.n_values {
            try V.finite(e.values[i], "embedding.values[\(i)]")
            if e.values[i] != 0 { allZero = false }
        }
        if allZero { throw V.invalid("embedding.values", "must not be all zero") }
    }
}
