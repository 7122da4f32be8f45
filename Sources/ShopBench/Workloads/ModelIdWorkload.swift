import Foundation

/// `ids:model=M,file=F,field=X[,count=N,version=V,seed=S]`: the generic generator, for any
/// method: fills request field X with N values (or one value without `count`) drawn from
/// side file F of model M. Other fields come from `--data` (the template).
public struct ModelIdWorkload: WorkloadGenerator {
    public static let name = "ids"
    public static let method: String? = nil
    public static let usage = "ids:model=M,file=F,field=X[,count=N]  any side file of any model"
    private var sampler: SideFileSampler

    public init(parameters: WorkloadParameters, models: URL) throws {
        guard let model = parameters.string("model"), let file = parameters.string("file"),
              let field = parameters.string("field") else {
            throw WorkloadError("workload ids needs model=, file= and field= (\(Self.usage))")
        }
        let count = try parameters.string("count").map { _ in try parameters.int("count", default: 1, range: 1...100_000) }
        let files = try ModelSideFiles(models: models, model: model, version: parameters.string("version"))
        sampler = try SideFileSampler(files: files, draws: [FieldDraw(field: field, file: file, count: count)],
                                      seed: UInt64(try parameters.int("seed", default: 1)))
    }

    public mutating func makeRequests(count: Int) throws -> [[String: Any]] {
        sampler.makeRequests(count: count)
    }
}
