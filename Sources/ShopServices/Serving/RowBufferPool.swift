import ShopScheduler

/// Reusable `RowBuffers` of one model version (fixed row sizes), so that steady-state calls
/// do not allocate row memory: a call takes a buffer, the scheduler computes into it, and it
/// comes back once the call's completion has read the output.
///
/// Bounded: at most `maxPooled` buffers are kept, and none larger than `maxPooledBytes`
/// (a rare huge request does not pin its memory for ever). Thread-safe.
final class RowBufferPool: @unchecked Sendable {
    let inputRowBytes: Int
    let outputRowBytes: Int
    private let maxPooled: Int
    private let maxPooledBytes: Int
    private let free = Locked<[RowBuffers]>([])

    init(inputRowBytes: Int, outputRowBytes: Int, maxPooled: Int = 64, maxPooledBytes: Int = 4 << 20) {
        self.inputRowBytes = inputRowBytes
        self.outputRowBytes = outputRowBytes
        self.maxPooled = maxPooled
        self.maxPooledBytes = maxPooledBytes
    }

    /// Buffers holding at least `rows` rows (contents undefined).
    func take(rows: Int) -> RowBuffers {
        let reused = free.withLock { $0.popLast() }
        if let reused {
            reused.reserve(rows: rows)
            return reused
        }
        return RowBuffers(rows: rows, inputRowBytes: inputRowBytes, outputRowBytes: outputRowBytes)
    }

    /// Returns buffers taken from this pool; the caller must not use them afterwards.
    func give(_ buffers: RowBuffers) {
        let bytes = buffers.capacityRows * (inputRowBytes + outputRowBytes)
        guard bytes <= maxPooledBytes else { return }
        free.withLock { pool in
            if pool.count < maxPooled { pool.append(buffers) }
        }
    }

    /// Buffers waiting for reuse (tests).
    var pooledCount: Int { free.withLock { $0.count } }
}
