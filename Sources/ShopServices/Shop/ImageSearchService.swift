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
            .unary("Search", request: requestType, response: responseType, validate: validate),
        ], models: models)
    }

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
