import Foundation

/// `image_search[:format=any,mode=default,limit=N,nprobe=N]`: ImageSearchService/Search with
/// a real held-out test image drawn from the image_search model's `queries.json` (objects
/// holding `png_image` or `jpeg_image`, base64, merged into the request). `format` keeps
/// only PNG or only JPEG queries; `mode` asks for the exact scan or the IVF index
/// (`SEARCH_MODE_APPROXIMATE`, with `nprobe` lists probed; 0: the model's default).
public struct ImageSearchWorkload: WorkloadGenerator {
    public static let name = "image_search"
    public static let method: String? = "shop.v1.ImageSearchService/Search"
    public static let usage = "image_search[:format=png|jpeg,mode=exact|ivf,limit=10,nprobe=N]  test images"

    /// The request field of each `format=` choice.
    static let formatFields = ["png": "png_image", "jpeg": "jpeg_image"]
    /// The `SearchMode` of each `mode=` choice.
    static let modes = ["exact": "SEARCH_MODE_EXACT", "ivf": "SEARCH_MODE_APPROXIMATE"]

    private let queries: [[String: Any]]
    private let fixed: [String: Any]
    private var random: SeededRandom

    public init(parameters: WorkloadParameters, models: URL) throws {
        let format = parameters.string("format", default: "any")
        let mode = parameters.string("mode", default: "default")
        let limit = try parameters.int("limit", default: 10, range: 1...1000)
        let nprobe = try parameters.int("nprobe", default: 0, range: 0...65_536)
        guard format == "any" || Self.formatFields[format] != nil else {
            throw WorkloadError("image_search format=\(format): expected png, jpeg or any")
        }
        guard mode == "default" || Self.modes[mode] != nil else {
            throw WorkloadError("image_search mode=\(mode): expected exact, ivf or default")
        }
        guard nprobe == 0 || mode == "ivf" else { throw WorkloadError("image_search nprobe= needs mode=ivf") }
        random = SeededRandom(seed: UInt64(try parameters.int("seed", default: 1)))
        let files = try ModelSideFiles(models: models, model: "image_search", version: parameters.string("version"))
        let all = try files.values("queries.json").compactMap { $0 as? [String: Any] }
        let wanted = format == "any" ? Set(Self.formatFields.values) : [Self.formatFields[format]!]
        queries = all.filter { query in query.keys.contains(where: wanted.contains) }
        guard !queries.isEmpty else {
            throw WorkloadError("\(files.directory.path)/queries.json has no \(format == "any" ? "" : format + " ")image queries")
        }
        var fixed: [String: Any] = ["limit": limit]
        if let name = Self.modes[mode] { fixed["mode"] = name }
        if nprobe > 0 { fixed["nprobe"] = nprobe }
        self.fixed = fixed
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] {
        (0..<count).map { _ in fixed.merging(queries.randomElement(using: &random)!) { _, query in query } }
    }
}
