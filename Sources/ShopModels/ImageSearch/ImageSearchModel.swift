import ShopScheduler

/// Model kind `image_search.cnn`: a small CNN embeds a 28×28 gray product image (INT8 convolutions
/// and dense layers, L2-normalised output), and an INT8 vector index over the catalogue finds the
/// most similar items, exactly or with IVF lists (tools/train/image_search trains and exports it).
///
/// As a ``BatchModel`` one row is one search: the input row is the model input (784 floats, see
/// ShopImaging's `ModelInputImage`) or, for an embedding query, the embedding in its first
/// `dimension` floats; the request's ``ImageSearchQuery`` context says which, how many matches,
/// the mode and the filter. The CNN runs once over all image rows of a batch, and the searches of
/// the batch run as batched index searches, all on the worker thread. The output row is laid out
/// by ``ImageSearchOutputRow``.
///
/// Immutable after init; safe from any number of worker threads.
public final class ImageSearchModel: ServableModel, BatchModel, @unchecked Sendable {
    /// The `config.kind` of this model kind.
    public static let kind = "image_search.cnn"
    /// Most matches one search returns (image_search_service.proto: limit ≤ 1000).
    public static let maxMatches = 1000

    public let architecture: ImageSearchArchitecture
    /// Catalogue category names by category id.
    public let categories: [String]
    public let index: VectorIndex
    /// Category id of every catalogue row (`<index prefix>.categories`).
    public let itemCategories: TensorView<Int32>
    /// Embedding dimension.
    public let dimension: Int
    /// The mode of a search that does not choose one (config `index.default_mode`).
    public let defaultMode: SearchMode
    /// Lists an IVF search scans when the request does not say (clamped to the lists).
    public let defaultNProbe: Int
    public let outputRow: ImageSearchOutputRow

    private let convolutions: [(conv: Conv2D, pool: MaxPool2D?)]
    private let head: MLP
    private let inputHeight: Int
    private let inputWidth: Int
    private let inputChannels: Int

    /// Loads a version (the model kind's factory). Throws ``ModelLoadError`` naming the file and
    /// the tensor or config field that does not fit.
    public convenience init(context: ModelLoadContext) throws {
        try self.init(tensors: context.tensors, architecture: context.architecture(as: ImageSearchArchitecture.self),
                      configFile: context.configPath)
    }

    /// Builds the model from a mapped file and its architecture.
    public init(tensors: SafetensorsFile, architecture: ImageSearchArchitecture, configFile: String) throws {
        func refuse(_ reason: String) -> ModelLoadError { ModelLoadError(file: configFile, .invalidConfig(reason)) }
        self.architecture = architecture
        let input = architecture.input
        guard input.height >= 1, input.width >= 1, input.channels >= 1 else { throw refuse("architecture.input: empty") }
        inputHeight = input.height
        inputWidth = input.width
        inputChannels = input.channels
        var height = input.height, width = input.width, channels = input.channels
        var convolutions: [(conv: Conv2D, pool: MaxPool2D?)] = []
        for spec in architecture.conv {
            let conv = try Conv2D(tensors: tensors, prefix: spec.prefix, stride: 1, padding: spec.padding, activation: .relu)
            guard conv.inChannels == channels, let size = conv.outputSize(height: height, width: width),
                  spec.pool >= 1 else {
                throw refuse("architecture.conv '\(spec.prefix)' does not fit a \(height)x\(width)x\(channels) input")
            }
            let pool = spec.pool > 1 ? try MaxPool2D(window: spec.pool) : nil
            (height, width) = pool?.outputSize(height: size.height, width: size.width) ?? size
            guard height > 0, width > 0 else { throw refuse("architecture.conv '\(spec.prefix)': pooling leaves nothing") }
            channels = conv.outChannels
            convolutions.append((conv, pool))
        }
        self.convolutions = convolutions
        head = try MLP(tensors: tensors, layers: architecture.mlp.map { ($0.prefix, $0.activation) })
        guard head.inputFeatures == height * width * channels else {
            throw refuse("architecture.mlp takes \(head.inputFeatures) features, the convolutions give \(height * width * channels)")
        }
        dimension = head.outputFeatures
        guard dimension == architecture.embedding_dimension else {
            throw refuse("embedding_dimension \(architecture.embedding_dimension) but the network outputs \(dimension)")
        }
        index = try VectorIndex(tensors: tensors, prefix: architecture.index.prefix)
        guard index.dimension == dimension else {
            throw refuse("the index holds \(index.dimension)-d vectors, the network outputs \(dimension)")
        }
        categories = architecture.index.categories
        itemCategories = try tensors.tensor(architecture.index.prefix + ".categories", as: Int32.self, shape: [index.count])
        for row in 0..<index.count where !(0..<Int32(categories.count)).contains(itemCategories[row]) {
            throw refuse("catalogue row \(row) has category \(itemCategories[row]), outside the \(categories.count) names of index.categories")
        }
        switch architecture.index.default_mode {
        case "exact": defaultMode = .exact
        case "ivf" where index.hasIVF: defaultMode = .ivf(nprobe: max(1, architecture.index.default_nprobe))
        default: throw refuse("index.default_mode '\(architecture.index.default_mode)' (exact, or ivf with IVF lists)")
        }
        defaultNProbe = max(1, architecture.index.default_nprobe)
        outputRow = ImageSearchOutputRow(dimension: dimension, maxMatches: Self.maxMatches)
    }

    /// Floats of one model-input image.
    public var inputFloats: Int { inputHeight * inputWidth * inputChannels }
    public var inputRowBytes: Int { max(inputFloats, dimension) * MemoryLayout<Float>.stride }
    public var outputRowBytes: Int { outputRow.bytes }

    /// The category name of catalogue row `row` (a ``SearchHit/row``).
    public func categoryName(row: Int32) -> String {
        categories[Int(itemCategories[Int(row)])]
    }

    /// The category id of `name`, or nil.
    public func categoryID(_ name: String) -> Int32? {
        categories.firstIndex(of: name).map { Int32($0) }
    }

    // MARK: - Embedding

    /// Scratch bytes ``embed(_:rows:inputStride:output:scratch:)`` needs for `rows` images.
    public func embeddingScratchBytes(rows: Int) -> Int {
        var height = inputHeight, width = inputWidth
        var largest = 0, convScratch = 0
        for (conv, pool) in convolutions {
            let size = conv.outputSize(height: height, width: width)!
            largest = max(largest, rows * size.height * size.width * conv.outChannels)
            convScratch = max(convScratch, conv.scratchBytes(batch: rows, height: height, width: width))
            (height, width) = pool?.outputSize(height: size.height, width: size.width) ?? size
        }
        return 2 * LayerScratch.size(floats: largest) + max(convScratch, head.scratchBytes(rows: rows))
    }

    /// L2-normalised embeddings of `rows` model-input images (`inputStride` floats apart) into
    /// `output` (`rows × dimension`).
    public func embed(_ input: UnsafePointer<Float>, rows: Int, inputStride: Int,
                      output: UnsafeMutablePointer<Float>, scratch: inout LayerScratch) throws {
        guard rows > 0 else { return }
        let mark = scratch.mark
        defer { scratch.reset(to: mark) }
        var largest = 0, height = inputHeight, width = inputWidth
        for (conv, pool) in convolutions {
            let size = conv.outputSize(height: height, width: width)!
            largest = max(largest, rows * size.height * size.width * conv.outChannels)
            (height, width) = pool?.outputSize(height: size.height, width: size.width) ?? size
        }
        let convolved = scratch.floats(largest)
        let pooled = scratch.floats(largest)
        // Dense copy of the images when the rows are padded (embedding-sized rows, or a wider row).
        var source = input
        if inputStride != inputFloats {
            for r in 0..<rows { (pooled + r * inputFloats).update(from: input + r * inputStride, count: inputFloats) }
            source = UnsafePointer(pooled)
        }
        height = inputHeight
        width = inputWidth
        for (conv, pool) in convolutions {
            try conv.forward(source, batch: rows, height: height, width: width, output: convolved, scratch: &scratch)
            let size = conv.outputSize(height: height, width: width)!
            if let pool {
                pool.forward(convolved, batch: rows, height: size.height, width: size.width, channels: conv.outChannels,
                             output: pooled)
                (height, width) = pool.outputSize(height: size.height, width: size.width)
                source = UnsafePointer(pooled)
            } else {
                pooled.update(from: convolved, count: rows * size.height * size.width * conv.outChannels)
                (height, width) = size
                source = UnsafePointer(pooled)
            }
        }
        head.forward(source, rows: rows, output: output, scratch: &scratch)
        l2Normalize(output, rows: rows, dim: dimension)
    }

    /// Embeddings of model-input images `[n, 784]` (tests and tools; serving goes through `run`).
    public func embed(images: [Float]) throws -> [Float] {
        let rows = images.count / inputFloats
        precondition(rows * inputFloats == images.count, "images must be whole \(inputFloats)-float rows")
        var out = [Float](repeating: 0, count: rows * dimension)
        try LayerScratch.withAllocated(bytes: embeddingScratchBytes(rows: rows)) { scratch in
            try images.withUnsafeBufferPointer { i in
                try out.withUnsafeMutableBufferPointer { o in
                    try embed(i.baseAddress!, rows: rows, inputStride: inputFloats, output: o.baseAddress!, scratch: &scratch)
                }
            }
        }
        return out
    }

    // MARK: - BatchModel

    public func run(_ batch: ModelBatch) throws {
        let rows = batch.rows
        guard rows > 0 else { return }
        let rowFloats = inputRowBytes / MemoryLayout<Float>.stride
        let input = batch.input.baseAddress!.assumingMemoryBound(to: Float.self)
        let queries = (0..<batch.segments.count).map { batch.segments[$0].context as? ImageSearchQuery }
        guard !queries.contains(where: { $0 == nil }) else {
            throw LayerError("image_search: a request without an ImageSearchQuery context")
        }
        let embeddingBytes = LayerScratch.size(floats: rows * dimension)
        var scratch = LayerScratch(workspace: batch.workspace, region: 0,
                                   bytes: embeddingBytes * 2 + LayerScratch.size(floats: rows * inputFloats)
                                       + embeddingScratchBytes(rows: rows)
                                       + LayerScratch.size(bytes: rows * Self.maxMatches * MemoryLayout<SearchHit>.stride))
        let embeddings = scratch.floats(rows * dimension)
        if queries.contains(where: { $0!.source == .image }) {
            let images = prepareImages(queries.map { $0! }, batch: batch, scratch: &scratch)
            try embed(images, rows: rows, inputStride: inputFloats, output: embeddings, scratch: &scratch)
        }
        for (s, query) in queries.enumerated() where query!.source == .embedding {
            let segment = batch.segments[s]
            for r in segment.batchRowOffset..<(segment.batchRowOffset + segment.rowCount) {
                (embeddings + r * dimension).update(from: input + r * rowFloats, count: dimension)
                l2Normalize(embeddings + r * dimension, rows: 1, dim: dimension)
            }
        }
        let output = batch.output.baseAddress!
        for r in 0..<rows {
            (output + r * outputRowBytes).assumingMemoryBound(to: Float.self).update(from: embeddings + r * dimension,
                                                                                     count: dimension)
        }
        try searchGroups(queries.map { $0! }, batch: batch, embeddings: embeddings, scratch: &scratch)
    }

    /// The model inputs of the batch's rows: copied from the input rows, or written by the query's
    /// `prepareInput` (decoding on this worker thread). A row whose preparation fails is recorded
    /// in its query's `inputFailure` and runs as a blank image (its answer is discarded).
    private func prepareImages(_ queries: [ImageSearchQuery], batch: ModelBatch,
                               scratch: inout LayerScratch) -> UnsafeMutablePointer<Float> {
        let images = scratch.floats(batch.rows * inputFloats)
        let rowFloats = inputRowBytes / MemoryLayout<Float>.stride
        let input = batch.input.baseAddress!.assumingMemoryBound(to: Float.self)
        for (s, query) in queries.enumerated() {
            let segment = batch.segments[s]
            for r in segment.batchRowOffset..<(segment.batchRowOffset + segment.rowCount) {
                let row = UnsafeMutableBufferPointer(start: images + r * inputFloats, count: inputFloats)
                guard query.source == .image, let prepare = query.prepareInput else {
                    row.baseAddress!.update(from: input + r * rowFloats, count: inputFloats)
                    continue
                }
                do {
                    try prepare(row)
                } catch {
                    query.inputFailure = error
                    row.update(repeating: 0)
                }
            }
        }
        return images
    }

    /// Runs one batched index search per group of segments that share mode and filter.
    private func searchGroups(_ queries: [ImageSearchQuery], batch: ModelBatch, embeddings: UnsafeMutablePointer<Float>,
                              scratch: inout LayerScratch) throws {
        var done = [Bool](repeating: false, count: queries.count)
        let gathered = scratch.floats(batch.rows * dimension)
        let hits = scratch.buffer(of: SearchHit.self, count: batch.rows * Self.maxMatches)
        for first in queries.indices where !done[first] {
            let members = queries.indices.filter {
                !done[$0] && queries[$0].mode == queries[first].mode && queries[$0].filter == queries[first].filter
            }
            var rowsOfGroup: [Int] = []
            for s in members {
                done[s] = true
                let segment = batch.segments[s]
                rowsOfGroup += Array(segment.batchRowOffset..<(segment.batchRowOffset + segment.rowCount))
            }
            let k = members.map { min(queries[$0].limit, Self.maxMatches) }.max() ?? 0
            for (i, r) in rowsOfGroup.enumerated() {
                (gathered + i * dimension).update(from: embeddings + r * dimension, count: dimension)
            }
            try index.search(queries: gathered, count: rowsOfGroup.count, k: k, mode: queries[first].mode,
                             filter: queries[first].filter, results: hits, scratch: batch.workspace)
            var i = 0
            for s in members {
                let segment = batch.segments[s]
                let limit = min(queries[s].limit, Self.maxMatches)
                for r in segment.batchRowOffset..<(segment.batchRowOffset + segment.rowCount) {
                    let destination = (batch.output.baseAddress! + r * outputRowBytes + outputRow.hitsOffset)
                        .assumingMemoryBound(to: SearchHit.self)
                    destination.update(from: hits + i * k, count: limit)
                    i += 1
                }
            }
        }
    }
}
