/// A model the scheduler can run on a batch of rows. ShopModels' models conform to this (in
/// the service layer or in ShopModels itself; ShopScheduler knows nothing about models).
///
/// Rows are fixed-size byte records: `inputRowBytes` in, `outputRowBytes` out. `run` is
/// called on a compute worker thread, possibly on several workers at once (one batch each),
/// so it must be thread-safe; per-call scratch memory comes from `batch.workspace`.
public protocol BatchModel: AnyObject, Sendable {
    /// Bytes of one input row.
    var inputRowBytes: Int { get }
    /// Bytes of one output row.
    var outputRowBytes: Int { get }
    /// Computes `batch.rows` output rows from as many input rows. Throwing fails every
    /// request in the batch with `ComputeOutcome.failed`.
    func run(_ batch: ModelBatch) throws
}

/// One batch handed to `BatchModel.run`: contiguous input and output rows, and which
/// request contributed which rows.
public struct ModelBatch {
    /// Rows in this batch.
    public let rows: Int
    /// `rows × inputRowBytes` bytes, read-only.
    public let input: UnsafeRawBufferPointer
    /// `rows × outputRowBytes` bytes, to be written.
    public let output: UnsafeMutableRawBufferPointer
    /// The requests (or chunks of requests) in batch order.
    public let segments: UnsafeBufferPointer<BatchSegment>
    /// Grow-only scratch memory owned by the worker running this batch.
    public let workspace: WorkerWorkspace
    /// Index of the worker running this batch (0..<workerCount).
    public let workerIndex: Int

    /// A batch; the scheduler builds these, models' own tests may too.
    public init(rows: Int, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer,
                segments: UnsafeBufferPointer<BatchSegment>, workspace: WorkerWorkspace, workerIndex: Int) {
        self.rows = rows
        self.input = input
        self.output = output
        self.segments = segments
        self.workspace = workspace
        self.workerIndex = workerIndex
    }
}

/// Rows of one request inside a batch.
public struct BatchSegment {
    /// First row of this segment in the batch.
    public let batchRowOffset: Int
    /// First row of this segment within its request (non-zero for later chunks of a split
    /// request).
    public let requestRowOffset: Int
    /// Rows in this segment.
    public let rowCount: Int
    /// The request's `context` (per-request data shared by all its rows, e.g. a user's
    /// behaviour sequence for Rank), or nil.
    public let context: AnyObject?

    public init(batchRowOffset: Int, requestRowOffset: Int, rowCount: Int, context: AnyObject?) {
        self.batchRowOffset = batchRowOffset
        self.requestRowOffset = requestRowOffset
        self.rowCount = rowCount
        self.context = context
    }
}

/// Scratch memory of one compute worker: numbered regions that only grow, so a model's
/// intermediate activations cost no allocation once the largest batch has been seen.
public final class WorkerWorkspace {
    private var regions: [UnsafeMutableRawBufferPointer] = []

    /// An empty workspace (each worker owns one; models' own tests may make their own).
    public init() {}

    deinit {
        for region in regions { region.deallocate() }
    }

    /// Region `index` with at least `bytes` bytes, 64-byte aligned. Contents are undefined
    /// and are lost when the region grows.
    public func region(_ index: Int, bytes: Int) -> UnsafeMutableRawPointer {
        while regions.count <= index {
            regions.append(.allocate(byteCount: 64, alignment: 64))
        }
        if regions[index].count < bytes {
            regions[index].deallocate()
            regions[index] = .allocate(byteCount: bytes, alignment: 64)
        }
        return regions[index].baseAddress!
    }
}
