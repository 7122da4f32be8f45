import Logging
import ShopModels
import ShopScheduler
import ShopWire

/// The model version one call is served with, from `ModelServing.resolve`: a lease that keeps
/// the version (its mapped tensors, its scheduler queue) alive until the call is done with it,
/// even if the repository switches to a newer version meanwhile.
///
/// Use it on the call's owning thread (the reactor). `compute` runs rows through the
/// scheduler; the model-specific code before and after (building input rows from the
/// request, the response from output rows) is the service's.
public final class ServedModel: @unchecked Sendable {
    /// The model's name in the repository (e.g. `rank`).
    public let name: String
    /// The version serving this call: echo it in the response's `model_version`.
    public let version: Int
    /// The repository's loaded version (config, tensors, side-file paths).
    public var loaded: LoadedModelVersion { served.loaded }
    /// The model built by its kind's factory; cast with `model(as:)`.
    public var servable: any ServableModel { served.loaded.model }
    /// The version's config.json.
    public var config: ModelConfig { served.loaded.config }
    /// Bytes of one input row of `compute` (0 when the model does not batch).
    public var inputRowBytes: Int { served.batchModel?.inputRowBytes ?? 0 }
    /// Bytes of one output row of `compute` (0 when the model does not batch).
    public var outputRowBytes: Int { served.batchModel?.outputRowBytes ?? 0 }
    /// True when the model runs through the scheduler (`compute` works).
    public var isBatched: Bool { served.handle != nil }

    private let served: ServedVersion
    private let scheduler: BatchScheduler
    private let logger: Logger
    /// This call's computations still in the scheduler, and whether the call cancelled them.
    private let cancellation = Locked<(pending: [ObjectIdentifier: CancellationToken], cancelled: Bool)>(([:], false))

    init(served: ServedVersion, scheduler: BatchScheduler, logger: Logger) {
        self.served = served
        self.scheduler = scheduler
        self.logger = logger
        name = served.loaded.modelName
        version = served.loaded.version
    }

    /// Row buffers waiting for reuse in this version's pool (tests).
    var pooledBufferCount: Int { served.buffers?.pooledCount ?? 0 }

    /// `name@version`, as in the scheduler's queue and metrics names.
    public var queueName: String { ServedVersion.queueName(name, version) }

    /// The model as its concrete type. Throws INTERNAL when the version is another kind (a
    /// repository configured with the wrong kind for this service's model).
    public func model<Model: ServableModel>(as type: Model.Type) throws -> Model {
        guard let model = servable as? Model else {
            throw GRPCStatus(.internal, "model '\(queueName)' is of kind '\(config.kind)', which this service cannot use (expected \(Model.self))")
        }
        return model
    }

    /// Computes `rows` rows on the scheduler.
    ///
    /// - `fill` runs now, on this thread, with the `rows × inputRowBytes` input bytes to
    ///   write; a thrown error ends here (rethrown, nothing is submitted).
    /// - The request carries the call's deadline, its priority from `x-priority` metadata
    ///   (`high` by default; another value throws INVALID_ARGUMENT) and a cancellation token
    ///   that `cancelComputations()` fires (the `ModelMethod.scheduled` helper wires it to
    ///   the stream's cancellation).
    /// - `completion` runs later on the call's owning thread (never inside `compute`), with
    ///   the `rows × outputRowBytes` output bytes, valid only during the completion; or the
    ///   status to finish the call with (see `ComputeStatus`). It does not run when the call
    ///   was cancelled meanwhile (its request memory is gone).
    /// - Throws INTERNAL when the model does not batch (`isBatched` is false).
    public func compute(rows: Int, context: AnyObject? = nil, call: ServerCall,
                        fill: (UnsafeMutableRawBufferPointer) throws -> Void,
                        completion: @escaping (Result<UnsafeRawBufferPointer, GRPCStatus>) -> Void) throws {
        try compute(rows: rows, context: context, call: call, fill: fill, digest: { $0 }, completion: completion)
    }

    /// `compute` with a `digest` step that runs on the compute worker that finished the rows,
    /// before the hop back to the owning thread: per-call post-processing that grows with the
    /// request (sorting, re-ranking) belongs there, off the reactor. `digest` gets the output
    /// rows (valid only during it and during `completion`), must not touch the call or its
    /// arena, and runs only for a computation that succeeded; `completion` then runs on the
    /// owning thread with its result.
    public func compute<Digest>(rows: Int, context: AnyObject? = nil, call: ServerCall,
                                fill: (UnsafeMutableRawBufferPointer) throws -> Void,
                                digest: @escaping (UnsafeRawBufferPointer) -> Digest,
                                completion: @escaping (Result<Digest, GRPCStatus>) -> Void) throws {
        guard let handle = served.handle, let pool = served.buffers else {
            throw GRPCStatus(.internal, "model '\(queueName)' (kind '\(config.kind)') does not run batches")
        }
        guard rows >= 0 else { throw GRPCStatus(.internal, "model '\(queueName)': negative row count \(rows)") }
        let priorityText = call.requestMetadata.first("x-priority")
        guard let priority = RequestPriority(metadataValue: priorityText) else {
            throw GRPCStatus(.invalidArgument, "x-priority must be 'high' or 'low', got '\(priorityText ?? "")'")
        }
        let buffers = pool.take(rows: rows)
        do {
            try fill(UnsafeMutableRawBufferPointer(rebasing: buffers.input[0..<(rows * pool.inputRowBytes)]))
        } catch {
            pool.give(buffers)
            throw error
        }
        let executor = call.executor
        let deliver = Delivery(call: call, served: self, buffers: buffers, pool: pool, rows: rows, digest: digest,
                               completion: completion)
        let token = CancellationToken()
        let alreadyCancelled = cancellation.withLock { state in
            if !state.cancelled && rows > 0 { state.pending[ObjectIdentifier(token)] = token }
            return state.cancelled
        }
        if rows == 0 || alreadyCancelled {
            executor.execute { deliver.run(rows == 0 ? .ok : .cancelled) }
            return
        }
        deliver.token = token
        let deadline = call.deadline.map { MonotonicDeadline(uptimeNanoseconds: $0.uptimeNanoseconds) } ?? .never
        let request = ComputeRequest(rows: rows, buffers: buffers, deadline: deadline, priority: priority,
                                     cancellation: token, context: context) { outcome in
            deliver.digestOutput(after: outcome)   // on the worker
            executor.execute { deliver.run(outcome) }
        }
        scheduler.submit(request, to: handle)
    }

    /// Cancels every computation of this call still in the scheduler (their completions do
    /// not run when the call itself was cancelled) and refuses later ones. Any thread.
    public func cancelComputations() {
        let tokens = cancellation.withLock { state in
            state.cancelled = true
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for token in tokens { token.cancel() }
    }

    /// A computation ended: forget its token.
    private func finished(_ token: CancellationToken) {
        _ = cancellation.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(token)) }
    }

    /// Wires `stream`'s cancellation (client reset, deadline, connection lost) to
    /// `cancelComputations()`, keeping any hook already installed. Owning thread.
    public func cancelComputations<Response>(whenCancelled stream: ResponseStream<Response>) {
        let previous = stream.onCancel
        stream.onCancel = { [self] in
            cancelComputations()
            previous?()
        }
    }

    /// One computation's way back: the digest on the worker, then on the owning thread return
    /// the buffers to the pool after the completion has read them, and map the outcome to a status.
    private final class Delivery<Digest>: @unchecked Sendable {
        let call: ServerCall
        let served: ServedModel
        let buffers: RowBuffers
        let pool: RowBufferPool
        let rows: Int
        let digest: (UnsafeRawBufferPointer) -> Digest
        let completion: (Result<Digest, GRPCStatus>) -> Void
        var token: CancellationToken?
        /// Written by `digestOutput` on the worker before the hop that runs `run`.
        private var digested: Digest?

        init(call: ServerCall, served: ServedModel, buffers: RowBuffers, pool: RowBufferPool, rows: Int,
             digest: @escaping (UnsafeRawBufferPointer) -> Digest,
             completion: @escaping (Result<Digest, GRPCStatus>) -> Void) {
            self.call = call
            self.served = served
            self.buffers = buffers
            self.pool = pool
            self.rows = rows
            self.digest = digest
            self.completion = completion
        }

        private var output: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: buffers.output[0..<(rows * pool.outputRowBytes)])
        }

        func digestOutput(after outcome: ComputeOutcome) {
            if case .ok = outcome { digested = digest(output) }
        }

        func run(_ outcome: ComputeOutcome) {
            if let token { served.finished(token) }
            defer { pool.give(buffers) }
            guard !call.isCancelled else { return }
            if let status = ComputeStatus.status(for: outcome, model: served.queueName, rows: rows) {
                if case .failed = outcome {
                    served.logger.error("\(status.message)", metadata: ["request-id": "\(call.requestID)"])
                }
                completion(.failure(status))
            } else {
                completion(.success(digested ?? digest(output)))
            }
        }
    }
}
