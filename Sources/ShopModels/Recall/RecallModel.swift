import ShopScheduler

/// Model kind `recall.multichannel`: multi-channel candidate generation (docs: tools/train/recsys).
///
/// Channels: embedding (two-tower user vector → INT8 ``VectorIndex``), item-to-item (co-occurrence
/// neighbours of the stored history), hot, real-time (neighbours of the request's recent items) and
/// cold start (context-shaped popularity). The scheduler runs one row per request: the row is the
/// behaviour sequence (`sequenceLength` item rows, `-1` padded) and the request's ``RecallPlan`` is
/// its context; `run` computes the user tower for the whole batch (two INT8 embedding bags + INT8
/// MLP), then each request's channels and merge, and stores the answer in the plan. The output row
/// is the L2-normalised user vector.
public final class RecallModel: ServableModel, BatchModel, @unchecked Sendable {
    /// The `config.kind` of this model kind.
    public static let kind = "recall.multichannel"

    public let architecture: RecallArchitecture
    public let catalogue: ItemCatalogue
    let userTable: EmbeddingTable
    let userTower: MLP
    let index: VectorIndex
    let neighbours: NeighbourTable
    let popularity: PopularityTables
    let users: UserHistories

    /// Loads a version directory (the model kind's factory).
    public convenience init(context: ModelLoadContext) throws {
        try self.init(tensors: context.tensors, architecture: context.architecture(as: RecallArchitecture.self),
                      itemIdsPath: context.sideFilePath("item_ids.txt"), userIdsPath: context.sideFilePath("user_ids.txt"))
    }

    public init(tensors: SafetensorsFile, architecture: RecallArchitecture, itemIdsPath: String, userIdsPath: String) throws {
        self.architecture = architecture
        let items = architecture.items
        catalogue = try ItemCatalogue.load(path: itemIdsPath, expectedCount: items)
        userTable = try EmbeddingTable(tensors: tensors, name: "user.item_embedding")
        userTower = try MLP(tensors: tensors, layers: [("user.hidden", .relu), ("user.out", .none)])
        index = try VectorIndex(tensors: tensors, prefix: architecture.indexPrefix)
        neighbours = try NeighbourTable(tensors: tensors, prefix: "i2i", items: items)
        popularity = try PopularityTables(tensors: tensors, items: items)
        users = try UserHistories(tensors: tensors, userIdsPath: userIdsPath, items: items)
        let d = architecture.dimension
        guard userTable.rows == items, userTable.dimension == d, userTower.inputFeatures == 2 * d,
              userTower.outputFeatures == d, index.count == items, index.dimension == d,
              architecture.shortLength >= 1, architecture.shortLength <= architecture.sequenceLength else {
            throw ModelLoadError(file: tensors.path, .modelRejected(
                "recall tensors disagree with the architecture (items \(items), dimension \(d)): table \(userTable.rows)×\(userTable.dimension), "
                + "tower \(userTower.inputFeatures)→\(userTower.outputFeatures), index \(index.count)×\(index.dimension)"))
        }
    }

    public var inputRowBytes: Int { architecture.sequenceLength * MemoryLayout<Int32>.stride }
    public var outputRowBytes: Int { architecture.dimension * MemoryLayout<Float>.stride }

    /// Writes a plan's sequence as one input row (`-1` padded).
    public func fill(row: UnsafeMutableRawBufferPointer, with plan: RecallPlan) {
        let ids = row.bindMemory(to: Int32.self)
        for i in 0..<architecture.sequenceLength { ids[i] = i < plan.sequence.count ? plan.sequence[i] : -1 }
    }

    public func run(_ batch: ModelBatch) throws {
        let rows = batch.rows, length = architecture.sequenceLength, short = architecture.shortLength
        let d = architecture.dimension
        let bytes = LayerScratch.size(bytes: rows * (length + short + 2) * 4) + LayerScratch.size(floats: rows * 2 * d)
            + userTable.bagScratchBytes(ids: rows * length, bags: rows) + userTower.scratchBytes(rows: rows) + 4 * LayerScratch.alignment
        var scratch = LayerScratch(workspace: batch.workspace, region: 0, bytes: bytes)
        let longIds = scratch.buffer(of: Int32.self, count: rows * length)
        let shortIds = scratch.buffer(of: Int32.self, count: rows * short)
        let longLengths = scratch.buffer(of: Int32.self, count: rows)
        let shortLengths = scratch.buffer(of: Int32.self, count: rows)
        let features = scratch.floats(rows * 2 * d)
        let input = batch.input.bindMemory(to: Int32.self)
        var longCount = 0, shortCount = 0
        for r in 0..<rows {
            var valid = 0
            while valid < length && input[r * length + valid] >= 0 { valid += 1 }
            for i in 0..<valid { longIds[longCount + i] = input[r * length + i] }
            for i in 0..<min(valid, short) { shortIds[shortCount + i] = input[r * length + i] }
            longLengths[r] = Int32(valid)
            shortLengths[r] = Int32(min(valid, short))
            longCount += valid
            shortCount += min(valid, short)
        }
        userTable.bag(ids: longIds, lengths: longLengths, bags: rows, mode: .mean, output: features,
                      outputStride: 2 * d, scratch: &scratch)
        userTable.bag(ids: shortIds, lengths: shortLengths, bags: rows, mode: .mean, output: features + d,
                      outputStride: 2 * d, scratch: &scratch)
        let vectors = batch.output.bindMemory(to: Float.self).baseAddress!
        userTower.forward(features, rows: rows, output: vectors, scratch: &scratch)
        l2Normalize(vectors, rows: rows, dim: d)
        for segment in batch.segments {
            guard let plan = segment.context as? RecallPlan else { continue }
            for r in 0..<segment.rowCount {
                plan.answer = try answer(plan, vector: vectors + (segment.batchRowOffset + r) * d, workspace: batch.workspace)
            }
        }
    }
}
