import Foundation
import ShopScheduler

/// Model kind `dialogue.ngram`: the intent, sentiment and slot models over hashed character n-grams,
/// plus the knowledge base, as one `BatchModel` with one row per user turn.
///
/// Tensors (tools/train/dialogue): `text.embedding` (INT8 rows) → bag mean → `intent.fc1/fc2` and
/// `sentiment.fc1/fc2` (3 label + 3 intensity logits); `slot.embedding` → one bag of
/// ``NgramHasher/slotFeaturesPerCharacter`` ids per character → `slot.fc1/fc2` (BIO tags).
///
/// Input row: `UInt32` count, then up to ``maxCharacters`` normalized code points (`UInt32`).
/// Output row: intent probabilities, sentiment label probabilities, intensity probabilities
/// (`Float`), then one `UInt8` BIO tag per character. ``analysis(of:row:)`` decodes a row.
public final class DialogueModel: ServableModel, BatchModel, @unchecked Sendable {
    /// The `config.kind` of this model.
    public static let kind = "dialogue.ngram"
    /// Characters of one turn the model reads (the API's limit).
    public static let maxCharacters = 2_000
    /// Characters tagged per slot-model pass (bounds scratch memory).
    static let slotChunk = 2_048

    public let architecture: DialogueArchitecture
    public let knowledgeBase: KnowledgeBase
    public let hasher: NgramHasher
    /// The dialogue policy over this version's knowledge base.
    public let engine: DialogueEngine
    let textTable: EmbeddingTable
    let slotTable: EmbeddingTable
    let intentMLP: MLP
    let sentimentMLP: MLP
    let slotMLP: MLP

    public var inputRowBytes: Int { 4 + 4 * Self.maxCharacters }
    public var outputRowBytes: Int { probabilityCount * 4 + (Self.maxCharacters + 3) / 4 * 4 }
    var probabilityCount: Int { architecture.intents.count + 6 }

    /// Builds the model from a version directory (the registry factory).
    public convenience init(context: ModelLoadContext) throws {
        let architecture = try context.architecture(as: DialogueArchitecture.self)
        let kb: KnowledgeBase
        do {
            kb = try KnowledgeBase.load(path: context.sideFilePath(architecture.knowledgeBase))
        } catch {
            throw ModelLoadError(file: context.sideFilePath(architecture.knowledgeBase), .modelRejected("\(error)"))
        }
        try self.init(tensors: context.tensors, architecture: architecture, knowledgeBase: kb)
    }

    public init(tensors: SafetensorsFile, architecture: DialogueArchitecture, knowledgeBase: KnowledgeBase) throws {
        self.architecture = architecture
        self.knowledgeBase = knowledgeBase
        engine = DialogueEngine(knowledgeBase: knowledgeBase)
        let features = architecture.features
        func reject(_ message: String) -> ModelLoadError { ModelLoadError(file: tensors.path, .modelRejected(message)) }
        func powerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }
        guard powerOfTwo(features.textBuckets), powerOfTwo(features.slotBuckets),
              features.slotFeaturesPerChar == NgramHasher.slotFeaturesPerCharacter else {
            throw reject("unsupported feature configuration \(features)")
        }
        guard architecture.sentiments == ["negative", "neutral", "positive"],
              architecture.intensities == ["low", "medium", "high"], architecture.slotTags.first == "O",
              architecture.slotTags.count <= 255 else {
            throw reject("unsupported label sets")
        }
        hasher = NgramHasher(textBuckets: features.textBuckets, slotBuckets: features.slotBuckets)
        textTable = try EmbeddingTable(tensors: tensors, name: "text.embedding")
        slotTable = try EmbeddingTable(tensors: tensors, name: "slot.embedding")
        intentMLP = try MLP(tensors: tensors, layers: [("intent.fc1", .relu), ("intent.fc2", .none)])
        sentimentMLP = try MLP(tensors: tensors, layers: [("sentiment.fc1", .relu), ("sentiment.fc2", .none)])
        slotMLP = try MLP(tensors: tensors, layers: [("slot.fc1", .relu), ("slot.fc2", .none)])
        guard textTable.rows == features.textBuckets, slotTable.rows == features.slotBuckets,
              intentMLP.inputFeatures == textTable.dimension, sentimentMLP.inputFeatures == textTable.dimension,
              slotMLP.inputFeatures == slotTable.dimension, intentMLP.outputFeatures == architecture.intents.count,
              sentimentMLP.outputFeatures == 6, slotMLP.outputFeatures == architecture.slotTags.count else {
            throw reject("tensor shapes do not match the architecture (buckets, widths or label counts)")
        }
    }

    /// Writes one turn's input row (the text is normalized here, on the calling thread).
    public func fillRow(_ text: String, into row: UnsafeMutableRawBufferPointer) {
        let scalars = TextNormalizer.normalize(text).prefix(Self.maxCharacters)
        row.storeBytes(of: UInt32(scalars.count), as: UInt32.self)
        for (i, scalar) in scalars.enumerated() {
            row.storeBytes(of: scalar.value, toByteOffset: 4 + 4 * i, as: UInt32.self)
        }
    }

    public func run(_ batch: ModelBatch) throws {
        let rows = batch.rows
        guard rows > 0 else { return }
        var texts: [[Unicode.Scalar]] = []
        texts.reserveCapacity(rows)
        for r in 0..<rows {
            let base = batch.input.baseAddress! + r * inputRowBytes
            let count = min(Int(base.loadUnaligned(as: UInt32.self)), Self.maxCharacters)
            texts.append((0..<count).map { Unicode.Scalar(base.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)) ?? " " })
        }
        try runTextModels(texts, batch: batch)
        try runSlotTagger(texts, batch: batch)
    }

    private func runTextModels(_ texts: [[Unicode.Scalar]], batch: ModelBatch) throws {
        let rows = texts.count
        var ids: [Int32] = [], all: [Int32] = [], lengths: [Int32] = []
        for text in texts {
            hasher.textFeatures(text, into: &ids)
            all += ids
            lengths.append(Int32(ids.count))
        }
        let dim = textTable.dimension, intents = architecture.intents.count
        let bytes = LayerScratch.size(floats: rows * dim) + LayerScratch.size(floats: rows * (intents + 6))
            + textTable.bagScratchBytes(ids: all.count, bags: rows)
            + max(intentMLP.scratchBytes(rows: rows), sentimentMLP.scratchBytes(rows: rows))
        var scratch = LayerScratch(workspace: batch.workspace, region: 0, bytes: bytes)
        let pooled = scratch.floats(rows * dim)
        let logits = scratch.floats(rows * (intents + 6))
        all.withUnsafeBufferPointer { idPointer in
            lengths.withUnsafeBufferPointer { lengthPointer in
                _ = textTable.bag(ids: idPointer.baseAddress ?? UnsafePointer(bitPattern: 8)!, lengths: lengthPointer.baseAddress!,
                                  bags: rows, mode: .mean, output: pooled, scratch: &scratch)
            }
        }
        intentMLP.forward(pooled, rows: rows, inputStride: dim, output: logits, outputStride: intents + 6, scratch: &scratch)
        sentimentMLP.forward(pooled, rows: rows, inputStride: dim, output: logits + intents, outputStride: intents + 6, scratch: &scratch)
        for r in 0..<rows {
            let out = (batch.output.baseAddress! + r * outputRowBytes).assumingMemoryBound(to: Float.self)
            let row = logits + r * (intents + 6)
            Self.softmax(row, count: intents, into: out)
            Self.softmax(row + intents, count: 3, into: out + intents)
            Self.softmax(row + intents + 3, count: 3, into: out + intents + 3)
        }
    }

    private func runSlotTagger(_ texts: [[Unicode.Scalar]], batch: ModelBatch) throws {
        // Characters of all rows, in chunks of at most slotChunk characters per pass.
        var ids: [Int32] = [], chunkIDs: [Int32] = []
        var pending: [(row: Int, char: Int)] = []
        let perChar = NgramHasher.slotFeaturesPerCharacter
        let tagCount = architecture.slotTags.count, dim = slotTable.dimension
        let tagOffset = probabilityCount * 4
        func flush() {
            let n = pending.count
            guard n > 0 else { return }
            let lengths = [Int32](repeating: Int32(perChar), count: n)
            let bytes = LayerScratch.size(floats: n * dim) + LayerScratch.size(floats: n * tagCount)
                + slotTable.bagScratchBytes(ids: chunkIDs.count, bags: n) + slotMLP.scratchBytes(rows: n)
            var scratch = LayerScratch(workspace: batch.workspace, region: 1, bytes: bytes)
            let pooled = scratch.floats(n * dim), logits = scratch.floats(n * tagCount)
            chunkIDs.withUnsafeBufferPointer { idPointer in
                lengths.withUnsafeBufferPointer { lengthPointer in
                    _ = slotTable.bag(ids: idPointer.baseAddress!, lengths: lengthPointer.baseAddress!, bags: n, mode: .mean,
                                      output: pooled, scratch: &scratch)
                }
            }
            slotMLP.forward(pooled, rows: n, output: logits, scratch: &scratch)
            for (k, position) in pending.enumerated() {
                let row = logits + k * tagCount
                var best = 0
                for t in 1..<tagCount where row[t] > row[best] { best = t }
                batch.output.storeBytes(of: UInt8(best), toByteOffset: position.row * outputRowBytes + tagOffset + position.char, as: UInt8.self)
            }
            pending.removeAll(keepingCapacity: true)
            chunkIDs.removeAll(keepingCapacity: true)
        }
        for (r, text) in texts.enumerated() {
            hasher.slotFeatures(text, into: &ids)
            for c in 0..<text.count {
                if pending.count == Self.slotChunk { flush() }
                pending.append((r, c))
                chunkIDs += ids[(c * perChar)..<((c + 1) * perChar)]
            }
        }
        flush()
    }

    static func softmax(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        var maximum = -Float.infinity
        for i in 0..<count { maximum = max(maximum, input[i]) }
        var sum: Float = 0
        for i in 0..<count {
            output[i] = expf(input[i] - maximum)
            sum += output[i]
        }
        for i in 0..<count { output[i] /= sum }
    }
}
