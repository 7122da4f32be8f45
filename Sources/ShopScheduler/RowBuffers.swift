/// The input and output rows of one request: `capacityRows × inputRowBytes` bytes of input
/// and `capacityRows × outputRowBytes` bytes of output, 64-byte aligned.
///
/// The caller fills `input` before submitting and reads `output` in the completion. The
/// scheduler keeps a reference until the completion runs, so the memory outlives the
/// compute; the caller must not touch either buffer in between. Buffers are reusable
/// (`reserve(rows:)` only grows), so a service can pool them per connection.
public final class RowBuffers: @unchecked Sendable {
    public let inputRowBytes: Int
    public let outputRowBytes: Int
    public private(set) var capacityRows: Int
    public private(set) var input: UnsafeMutableRawBufferPointer
    public private(set) var output: UnsafeMutableRawBufferPointer

    public init(rows: Int, inputRowBytes: Int, outputRowBytes: Int) {
        precondition(rows >= 0 && inputRowBytes >= 0 && outputRowBytes >= 0)
        self.inputRowBytes = inputRowBytes
        self.outputRowBytes = outputRowBytes
        self.capacityRows = rows
        input = Self.allocate(bytes: rows * inputRowBytes)
        output = Self.allocate(bytes: rows * outputRowBytes)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    /// Grows the buffers to hold at least `rows` rows (contents are not kept).
    public func reserve(rows: Int) {
        guard rows > capacityRows else { return }
        input.deallocate()
        output.deallocate()
        input = Self.allocate(bytes: rows * inputRowBytes)
        output = Self.allocate(bytes: rows * outputRowBytes)
        capacityRows = rows
    }

    /// The input viewed as `T` values (e.g. `Float` features, `Int8` quantized rows).
    public func inputPointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        input.baseAddress!.assumingMemoryBound(to: T.self)
    }

    /// The output viewed as `T` values.
    public func outputPointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        output.baseAddress!.assumingMemoryBound(to: T.self)
    }

    private static func allocate(bytes: Int) -> UnsafeMutableRawBufferPointer {
        // Never zero bytes, so baseAddress is always non-nil.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes])
    }
}
