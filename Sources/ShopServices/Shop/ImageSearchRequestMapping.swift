import ShopImaging
import ShopModels
import ShopProtoC
import ShopWire

/// The model-dependent half of an ImageSearch request: the search options (limit, mode, category
/// filter) and the model input row (a decoded, preprocessed image, or the query embedding).
/// Everything a client got wrong is INVALID_ARGUMENT naming the field.
enum ImageSearchRequestMapping {
    typealias Request = Shop__V1__SearchRequest

    /// Limit (0 = 10), mode (unspecified = the model's default; approximate without IVF lists runs
    /// exact) and the category filter (unknown names are refused).
    static func query(_ r: Request, model: ImageSearchModel) throws -> ImageSearchQuery {
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
        let source: ImageSearchQuery.Source = r.query_case == SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING ? .embedding : .image
        return ImageSearchQuery(source: source, limit: limit, mode: mode, filter: filter)
    }

    /// Writes the input row: the model input of the decoded image, or the embedding.
    static func fillInput(_ r: Request, model: ImageSearchModel, row: UnsafeMutableRawBufferPointer, maxPixels: Int) throws {
        let floats = row.bindMemory(to: Float.self)
        let limits = ImageLimits(maxPixels: maxPixels)
        let image: PixelImage
        do {
            switch r.query_case {
            case SHOP__V1__SEARCH_REQUEST__QUERY_EMBEDDING:
                let e = r.embedding.pointee
                guard e.n_values == model.dimension else {
                    throw RequestValidation.invalid("embedding.values", "has \(e.n_values) values, the model's embedding dimension is \(model.dimension)")
                }
                for i in 0..<model.dimension { floats[i] = e.values[i] }
                return
            case SHOP__V1__SEARCH_REQUEST__QUERY_PNG_IMAGE:
                image = try PNGDecoder.decode(UnsafeRawBufferPointer(start: r.png_image.data, count: r.png_image.len), limits: limits)
            case SHOP__V1__SEARCH_REQUEST__QUERY_JPEG_IMAGE:
                image = try JPEGDecoder.decode(UnsafeRawBufferPointer(start: r.jpeg_image.data, count: r.jpeg_image.len), limits: limits)
            default:
                let raw = r.raw_image.pointee
                image = try PixelImage(width: Int(raw.width), height: Int(raw.height), channels: Int(raw.channels),
                                       bytes: UnsafeRawBufferPointer(start: raw.pixels.data, count: raw.pixels.len), limits: limits)
            }
        } catch let error as ImageError {
            throw RequestValidation.invalid(field(r), error.description)
        }
        guard model.inputFloats == ModelInputImage.count else {
            throw GRPCStatus(.internal, "the model input (\(model.inputFloats) floats) is not the \(ModelInputImage.size)x\(ModelInputImage.size) gray image ShopImaging prepares")
        }
        ModelInputImage.write(image, to: UnsafeMutableBufferPointer(rebasing: floats[0..<ModelInputImage.count]))
    }

    private static func field(_ r: Request) -> String {
        switch r.query_case {
        case SHOP__V1__SEARCH_REQUEST__QUERY_PNG_IMAGE: return "png_image"
        case SHOP__V1__SEARCH_REQUEST__QUERY_JPEG_IMAGE: return "jpeg_image"
        default: return "raw_image"
        }
    }
}
