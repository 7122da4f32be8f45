#if canImport(Glibc)
import Glibc
#endif

/// The per-thread state of one compute worker: the chunks it claimed, and grow-only batch
/// buffers so that running a batch allocates nothing once the largest batch has been seen.
final class BatchWorker {
    let index: Int
    /// Chunks of the batch being run (filled under the scheduler's lock).
    var chunks: [ClaimedChunk] = []
    /// Completions to call once the lock is released.
    var completions: [PendingCompletion] = []
    let workspace = WorkerWorkspace()
    private var segments: [BatchSegment] = []
    private var input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
    private var output = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)

    init(index: Int) {
        self.index = index
        chunks.reserveCapacity(64)
        completions.reserveCapacity(64)
        segments.reserveCapacity(64)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    /// Runs the claimed chunks as one batch of `queue`'s model. A single chunk runs in
    /// place on its request's buffers; several are gathered into the worker's input
    /// buffer and the outputs scattered back. Returns the model's error, if any.
    func runClaimedBatch(on queue: ModelQueue, rows: Int) -> (any Error)? {
        let inBytes = queue.inputRowBytes
        let outBytes = queue.outputRowBytes
        segments.removeAll(keepingCapacity: true)
        for chunk in chunks {
            segments.append(BatchSegment(batchRowOffset: chunk.batchRowOffset, requestRowOffset: chunk.requestRowOffset,
                                         rowCount: chunk.rowCount, context: chunk.context))
        }
        let batchInput: UnsafeRawBufferPointer
        let batchOutput: UnsafeMutableRawBufferPointer
        if chunks.count == 1 {
            let chunk = chunks[0]
            batchInput = UnsafeRawBufferPointer(rebasing: chunk.buffers.input[
                (chunk.requestRowOffset * inBytes)..<((chunk.requestRowOffset + rows) * inBytes)])
            batchOutput = UnsafeMutableRawBufferPointer(rebasing: chunk.buffers.output[
                (chunk.requestRowOffset * outBytes)..<((chunk.requestRowOffset + rows) * outBytes)])
        } else {
            ensureCapacity(inputBytes: rows * inBytes, outputBytes: rows * outBytes)
            for chunk in chunks where inBytes > 0 {
                memcpy(input.baseAddress! + chunk.batchRowOffset * inBytes,
                       chunk.buffers.input.baseAddress! + chunk.requestRowOffset * inBytes,
                       chunk.rowCount * inBytes)
            }
            batchInput = UnsafeRawBufferPointer(rebasing: input[0..<(rows * inBytes)])
            batchOutput = UnsafeMutableRawBufferPointer(rebasing: output[0..<(rows * outBytes)])
        }
        var failure: (any Error)?
        segments.withUnsafeBufferPointer { segments in
            do {
                try queue.model.run(ModelBatch(rows: rows, input: batchInput, output: batchOutput, segments: segments,
                                               workspace: workspace, workerIndex: index))
            } catch {
                failure = error
            }
        }
        if chunks.count > 1, failure == nil, outBytes > 0 {
            for chunk in chunks {
                memcpy(chunk.buffers.output.baseAddress! + chunk.requestRowOffset * outBytes,
                       output.baseAddress! + chunk.batchRowOffset * outBytes,
                       chunk.rowCount * outBytes)
            }
        }
        return failure
    }

    private func ensureCapacity(inputBytes: Int, outputBytes: Int) {
        if input.count < inputBytes {
            input.deallocate()
            input = .allocate(byteCount: inputBytes, alignment: 64)
        }
        if output.count < outputBytes {
            output.deallocate()
            output = .allocate(byteCount: outputBytes, alignment: 64)
        }
    }
}
