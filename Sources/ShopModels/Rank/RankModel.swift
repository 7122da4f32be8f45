import ShopKernels
import ShopScheduler

/// Model kind `rank.mmoe`: CTR and CVR of candidates, a multi-task network (MMoE: shared experts,
/// one softmax gate and one tower per task) over DIN target attention of the candidate on the
/// user's behaviour sequence (tools/train/recsys/rank_model.py is the reference).
///
/// One scheduler row per candidate: the input row is the candidate's item row (Int32), the
/// request's ``RankContext`` (behaviour sequence, context) is shared by its rows, the output row is
/// `(ctr, cvr)` as two Float32. Feature row per candidate: `[c, attention(c, seq), mean(seq),
/// c ⊙ attention, genres(c), dense(c), hour one-hot, weekday one-hot]`.
public final class RankModel: ServableModel, BatchModel, @unchecked Sendable {
    /// The `config.kind` of this model kind.
    public static let kind = "rank.mmoe"

    public let architecture: RankArchitecture
    public let catalogue: ItemCatalogue
    let itemTable: EmbeddingTable
    let attention: AttentionPooling
    let experts: QuantizedLinear
    let gates: [QuantizedLinear]
    let towers: [MLP]
    let genres: TensorView<UInt8>
    let dense: TensorView<Float>
    /// Genre set of every item as a bit mask (MMR similarity: the cosine of multi-hot genre vectors).
    let genreMasks: [UInt64]

    public convenience init(context: ModelLoadContext) throws {
        try self.init(tensors: context.tensors, architecture: context.architecture(as: RankArchitecture.self), itemIdsPath: context.sideFilePath("item_ids.txt"))
    }

    public init(tensors: SafetensorsFile, architecture a: RankArchitecture, itemIdsPath: String) throws {
        architecture = a
        catalogue = try ItemCatalogue.load(path: itemIdsPath, expectedCount: a.items)
        itemTable = try EmbeddingTable(tensors: tensors, name: "item_embedding")
        attention = try AttentionPooling(tensors: tensors, layers: [("attention.hidden", .relu), ("attention.out", .none)])
        experts = try QuantizedLinear(tensors: tensors, prefix: "experts", activation: .relu)
        gates = try ["ctr", "cvr"].map { try QuantizedLinear(tensors: tensors, prefix: "gate.\($0)", activation: .none) }
        towers = try ["ctr", "cvr"].map {
            try MLP(tensors: tensors, layers: [("tower.\($0).hidden", .relu), ("tower.\($0).out", .sigmoid)])
        }
        genres = try tensors.tensor("item_genres", as: UInt8.self, shape: [a.items, a.genres])
        dense = try tensors.tensor("item_dense", as: Float.self, shape: [a.items, 2])
        let f = a.featureWidth
        guard itemTable.rows == a.items, itemTable.dimension == a.dimension, attention.dimension == a.dimension,
              experts.inputFeatures == f, experts.outputFeatures == a.experts * a.expertHidden,
              gates.allSatisfy({ $0.inputFeatures == f && $0.outputFeatures == a.experts }),
              towers.allSatisfy({ $0.inputFeatures == a.expertHidden && $0.outputFeatures == 1 }) else {
            throw ModelLoadError(file: tensors.path, .modelRejected("rank tensors disagree with the architecture (feature width \(f))"))
        }
        guard a.genres <= 64 else {
            throw ModelLoadError(file: tensors.path, .modelRejected("\(a.genres) genres; MMR similarity supports at most 64"))
        }
        let multiHot = genres
        genreMasks = (0..<a.items).map { row in
            (0..<a.genres).reduce(UInt64(0)) { mask, g in multiHot[row * a.genres + g] != 0 ? mask | (1 << UInt64(g)) : mask }
        }
    }

    public var inputRowBytes: Int { MemoryLayout<Int32>.stride }
    public var outputRowBytes: Int { 2 * MemoryLayout<Float>.stride }

    /// Cosine similarity of two items' multi-hot genre vectors: |A ∩ B| / √(|A| · |B|) (0 without genres).
    public func genreSimilarity(_ a: Int32, _ b: Int32) -> Float {
        let x = genreMasks[Int(a)], y = genreMasks[Int(b)]
        let product = x.nonzeroBitCount * y.nonzeroBitCount
        return product == 0 ? 0 : Float((x & y).nonzeroBitCount) / Float(product).squareRoot()
    }

    /// Rows computed together in one pass through the layers. A batch runs tile by tile so that
    /// its temporaries (attention features are `rows × sequence length × 4·D` floats) stay in
    /// the core's L2 cache whatever the batch size: per-row cost is then flat from one tile up,
    /// and a worker's scratch stays under a megabyte.
    static let tileRows = 64

    public func run(_ batch: ModelBatch) throws {
        var scratch = LayerScratch(workspace: batch.workspace, region: 0, bytes: scratchBytes(rows: min(batch.rows, Self.tileRows)))
        let candidates = batch.input.bindMemory(to: Int32.self).baseAddress!
        let output = batch.output.bindMemory(to: Float.self).baseAddress!
        var segmentIndex = 0
        var tileStart = 0
        while tileStart < batch.rows {
            let rows = min(Self.tileRows, batch.rows - tileStart)
            while batch.segments[segmentIndex].batchRowOffset + batch.segments[segmentIndex].rowCount <= tileStart {
                segmentIndex += 1
            }
            runTile(rows: rows, candidates: candidates + tileStart, segments: batch.segments[segmentIndex...],
                    firstRow: tileStart, output: output + tileStart * 2, scratch: &scratch)
            tileStart += rows
        }
    }

    /// Scratch bytes of one tile of `rows` rows.
    private func scratchBytes(rows: Int) -> Int {
        let a = architecture, d = a.dimension, length = a.sequenceLength
        return LayerScratch.size(floats: rows * d) * 3 + LayerScratch.size(floats: rows * length * d)
            + LayerScratch.size(bytes: rows * 4) + LayerScratch.size(floats: rows * a.featureWidth)
            + LayerScratch.size(floats: rows * a.experts * a.expertHidden) + LayerScratch.size(floats: rows * (a.experts + a.expertHidden + 1))
            + LayerScratch.size(floats: length * d)
            + attention.scratchBytes(rows: rows, maxLength: length) + towers[0].scratchBytes(rows: rows) + 16 * LayerScratch.alignment
    }

    /// Computes batch rows `firstRow ..< firstRow + rows` (candidates and outputs already offset to
    /// the tile); `segments` starts with the segment holding `firstRow`.
    private func runTile(rows: Int, candidates: UnsafePointer<Int32>, segments: Slice<UnsafeBufferPointer<BatchSegment>>,
                         firstRow: Int, output: UnsafeMutablePointer<Float>, scratch: inout LayerScratch) {
        let a = architecture, d = a.dimension, length = a.sequenceLength, f = a.featureWidth
        let hidden = a.expertHidden
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        let queries = scratch.floats(rows * d), pooled = scratch.floats(rows * d), mean = scratch.floats(rows * d)
        let keys = scratch.floats(rows * length * d)
        let lengths = scratch.buffer(of: Int32.self, count: rows)
        let x = scratch.floats(rows * f)
        let expertOut = scratch.floats(rows * a.experts * hidden)
        let gate = scratch.floats(rows * a.experts), mixed = scratch.floats(rows * hidden), probability = scratch.floats(rows)
        let sequenceRows = scratch.floats(length * d)
        for segment in segments {
            let first = max(segment.batchRowOffset, firstRow) - firstRow
            let end = min(segment.batchRowOffset + segment.rowCount, firstRow + rows) - firstRow
            if first >= rows { break }
            let context = segment.context as? RankContext
            let sequence = (context?.sequence ?? []).prefix(length)
            for (i, row) in sequence.enumerated() { _ = itemTable.lookup(Int(row), into: sequenceRows + i * d) }
            for r in first..<end {
                _ = itemTable.lookup(Int(candidates[r]), into: queries + r * d)
                (keys + r * length * d).update(from: sequenceRows, count: sequence.count * d)
                lengths[r] = Int32(sequence.count)
                fillSideFeatures(x + r * f + 4 * d, item: candidates[r], context: context)
            }
        }
        attention.forward(queries: queries, keys: keys, lengths: lengths, maxLength: length, rows: rows,
                          output: pooled, scratch: &scratch)
        AttentionPooling.meanPool(keys: keys, lengths: lengths, maxLength: length, rows: rows, dimension: d, output: mean)
        for r in 0..<rows {
            let row = x + r * f, q = queries + r * d, p = pooled + r * d
            row.update(from: q, count: d)
            (row + d).update(from: p, count: d)
            (row + 2 * d).update(from: mean + r * d, count: d)
            for j in 0..<d { row[3 * d + j] = q[j] * p[j] }
        }
        experts.forward(x, rows: rows, output: expertOut, scratch: &scratch)
        for task in 0..<2 {
            gates[task].forward(x, rows: rows, output: gate, scratch: &scratch)
            _ = shop_softmax_rows_f32(rows, a.experts, gate, a.experts, gate, a.experts)
            for r in 0..<rows {
                let m = mixed + r * hidden
                m.update(repeating: 0, count: hidden)
                for k in 0..<a.experts {
                    let w = gate[r * a.experts + k], e = expertOut + (r * a.experts + k) * hidden
                    for j in 0..<hidden { m[j] += w * e[j] }
                }
            }
            towers[task].forward(mixed, rows: rows, output: probability, scratch: &scratch)
            for r in 0..<rows { output[r * 2 + task] = probability[r] }
        }
    }

    /// `[genres(c), dense(c), hour one-hot, weekday one-hot]` of one candidate.
    private func fillSideFeatures(_ out: UnsafeMutablePointer<Float>, item: Int32, context: RankContext?) {
        let a = architecture
        let valid = item >= 0 && Int(item) < a.items
        for g in 0..<a.genres { out[g] = valid ? Float(genres[Int(item) * a.genres + g]) : 0 }
        out[a.genres] = valid ? dense[Int(item) * 2] : 0
        out[a.genres + 1] = valid ? dense[Int(item) * 2 + 1] : 0
        let hours = out + a.genres + 2
        hours.update(repeating: 0, count: a.hourBuckets + 1 + a.weekdays + 1)
        hours[context?.hourBucket ?? a.hourBuckets] = 1
        hours[a.hourBuckets + 1 + (context?.weekday ?? a.weekdays)] = 1
    }
}
