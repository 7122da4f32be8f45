import ShopModels
import ShopScheduler

/// Times `model.run` directly on this thread (no scheduler) for a batch of `rows`, best of
/// `repeats`: the reference for what batching can gain at all (compute time per row at
/// 200 rows vs at a large batch).
func nanosecondsPerRowAlone(model: Int8MLP, rows: Int, repeats: Int) -> Double {
    let buffers = RowBuffers(rows: rows, inputRowBytes: model.inputRowBytes, outputRowBytes: model.outputRowBytes)
    var random = SplitMix64(seed: 7)
    let input = buffers.inputPointer(as: Float.self)
    for index in 0..<(rows * model.inputRowBytes / 4) { input[index] = random.nextFloat(in: -1...1) }
    let workspace = WorkerWorkspace()
    var best = UInt64.max
    let segment = [BatchSegment(batchRowOffset: 0, requestRowOffset: 0, rowCount: rows, context: nil)]
    for _ in 0..<repeats {
        let start = MonotonicClock.now()
        segment.withUnsafeBufferPointer { segments in
            try! model.run(ModelBatch(rows: rows, input: UnsafeRawBufferPointer(buffers.input), output: buffers.output,
                                      segments: segments, workspace: workspace, workerIndex: 0))
        }
        best = min(best, MonotonicClock.now() - start)
    }
    return Double(best) / Double(rows)
}
