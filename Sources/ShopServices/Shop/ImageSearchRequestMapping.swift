import ShopImaging
import ShopModels
import ShopProtoC
import ShopWire

/// The model-dependent half of an ImageSearch request: the search options (limit, mode, category
/// filter), the query embedding, or the decoding of the image into the model input (on the worker).
/// Everything a client got wrong is INVALID_ARGUMENT naming the field.
enum ImageSearchRequestMapping {
    typealias Request = Shop__V1__SearchRequest

    /// Limit (0 = 10), mode (unspecified = the model's default; approximate without IVF lists runs
    /// exact) and the category filter (unknown names are refused).
    static func query(_ r: Request, model: ImageSearchModel, maxPixels: Int) throws -> ImageSearchQuery {
        let limit = r.limit == 0 ? 10 : Int(r.limit)
        var mode = model.defaultMode
        switch r.mode {
        case SHOP__V1__SEARCH_MODE__SEARCH_MODE_EXACT:
            mode = .exact
        case SHOP__V1__SEARCH_MODE__SEARCH_MODE_APPROXIMATE where model.index.hasIVF:
            mode = .ivf(nprobe: r.nprobe == 0 ? model.defaultNProbe : min(Int(r.nprobe), model.index.listCount))
        case SHOP__V1__SEARCH_MODE__SEARCH_MODE_APPROXIMATE:
            mode = .exact
        default:
            break
        }
        var filter: SearchFilter?
        if r.n_categories > 0 {
            var allowed = Set<Int32>()
            for i in 0..<r.n_categories {
                let name = String(cString: r.categories[i]!)
                guard let id = model.categoryID(name) else {
                    throw RequestValidation.invalid("categories[\(i)]", "unknown category '\(name)' (known: \(model.categories.joined(separator: ", ")))")
                }
                allowed.insert(id)
            }
            filter = SearchFilter(allowedCategories: allowed)
        }
        if r.query_case == SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING {
            let count = r.embedding.pointee.n_values
            guard count == model.dimension else {
                throw RequestValidation.invalid("embedding.values", "has \(count) values, the model's embedding dimension is \(model.dimension)")
            }
            return ImageSearchQuery(source: .embedding, limit: limit, mode: mode, filter: filter)
        }
        return ImageSearchQuery(source: .image, limit: limit, mode: mode, filter: filter,
                                prepareInput: try imagePreparation(r, model: model, maxPixels: maxPixels))
    }

    /// The work that turns the request's image into the model input, run later on the worker
    /// thread (decoding a large image must not stall the call's network thread). The image bytes
    /// are copied now: the request may be gone by the time the batch runs. Raw pixels are
    /// validated now; a PNG or JPEG is checked by its decoder (header limits first) on the worker.
    static func imagePreparation(_ r: Request, model: ImageSearchModel, maxPixels: Int) throws
        -> @Sendable (UnsafeMutableBufferPointer<Float>) throws -> Void {
        guard model.inputFloats == ModelInputImage.count else {
            throw GRPCStatus(.internal, "the model input (\(model.inputFloats) floats) is not the \(ModelInputImage.size)x\(ModelInputImage.size) gray image ShopImaging prepares")
        }
        let limits = ImageLimits(maxPixels: maxPixels)
        let field = field(r)
        let decode: @Sendable () throws -> PixelImage
        switch r.query_case {
        case SHOP__V1__SEARCH_REQUEST__QUERY_PNG_IMAGE:
            let bytes = [UInt8](UnsafeRawBufferPointer(start: r.png_image.data, count: r.png_image.len))
            decode = { try bytes.withUnsafeBytes { try PNGDecoder.decode($0, limits: limits) } }
        case SHOP__V1__SEARCH_REQUEST__QUERY_JPEG_IMAGE:
            let bytes = [UInt8](UnsafeRawBufferPointer(start: r.jpeg_image.data, count: r.jpeg_image.len))
            decode = { try bytes.withUnsafeBytes { try JPEGDecoder.decode($0, limits: limits) } }
        default:
            let raw = r.raw_image.pointee
            let image: PixelImage
            do {
                image = try PixelImage(width: Int(raw.width), height: Int(raw.height), channels: Int(raw.channels),
                                       bytes: UnsafeRawBufferPointer(start: raw.pixels.data, count: raw.pixels.len), limits: limits)
            } catch let error as ImageError {
                throw RequestValidation.invalid(field, error.description)
            }
            decode = { image }
        }
        return { output in
            let image: PixelImage
            do {
                image = try decode()
            } catch let error as ImageError {
                throw RequestValidation.invalid(field, error.description)
            }
            ModelInputImage.write(image, to: output)
        }
    }

    /// Writes the input row of an embedding query (image queries are prepared on the worker).
    static func fillInput(_ r: Request, model: ImageSearchModel, row: UnsafeMutableRawBufferPointer) {
        guard r.query_case == SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING else { return }
        let floats = row.bindMemory(to: Float.self)
        for i in 0..<model.dimension { floats[i] = r.embedding.pointee.values[i] }
    }

    private static func field(_ r: Request) -> String {
        switch r.query_case {
        case SHOP__V1__SEARCH_REQUEST__QUERY_PNG_IMAGE: return "png_image"
        case SHOP__V1__SEARCH_REQUEST__QUERY_JPEG_IMAGE: return "jpeg_image"
        default: return "raw_image"
        }
    }
}
