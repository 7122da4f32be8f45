import ShopModels
import ShopScheduler

/// Times `model.run` directly on this thread (no scheduler) for one batch of `rows` rows made
/// of requests of `rowsPerRequest` rows each (their own contexts, as the scheduler would
/// merge them), best of `repeats`: the reference for what batching can gain at all (compute
/// time per row at one request vs at a large batch).
func nanosecondsPerRowAlone(workload: BenchWorkload, rows: Int, rowsPerRequest: Int, repeats: Int) -> Double {
    let model = workload.model
    let buffers = RowBuffers(rows: rows, inputRowBytes: model.inputRowBytes, outputRowBytes: model.outputRowBytes)
    var random = SplitMix64(seed: 7)
    var segments: [BatchSegment] = []
    var offset = 0
    while offset < rows {
        let count = min(rowsPerRequest, rows - offset)
        let request = RowBuffers(rows: count, inputRowBytes: model.inputRowBytes, outputRowBytes: model.outputRowBytes)
        let context = workload.fillRequest(count, request, &random)
        (buffers.input.baseAddress! + offset * model.inputRowBytes).copyMemory(
            from: request.input.baseAddress!, byteCount: count * model.inputRowBytes)
        segments.append(BatchSegment(batchRowOffset: offset, requestRowOffset: 0, rowCount: count, context: context))
        offset += count
    }
    let workspace = WorkerWorkspace()
    var best = UInt64.max
    for _ in 0..<repeats {
        let start = MonotonicClock.now()
        segments.withUnsafeBufferPointer { segments in
            try! model.run(ModelBatch(rows: rows, input: UnsafeRawBufferPointer(buffers.input), output: buffers.output,
                                      segments: segments, workspace: workspace, workerIndex: 0))
        }
        best = min(best, MonotonicClock.now() - start)
    }
    return Double(best) / Double(rows)
}
