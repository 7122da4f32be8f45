import ShopScheduler

/// A bump allocator over caller-provided memory, for a layer's temporaries during one forward pass.
///
/// A batch forward allocates nothing in steady state: the caller carves one region (typically from
/// the worker's ``WorkerWorkspace``, sized with the layers' `scratchBytes(...)`) and passes it down.
/// Every allocation is 64-byte aligned and padded to a multiple of 64 bytes, so the size of `n`
/// allocations is the sum of ``LayerScratch/size(bytes:)`` of each — which is how the layers compute
/// their `scratchBytes`. Layers give back what they took before returning (``mark`` /
/// ``reset(to:)``), so one scratch serves a whole chain of layers.
///
/// Running out of space is a programming error (the caller sized the region with the layer's own
/// `scratchBytes`) and stops the process with a message, like an out-of-bounds array index.
public struct LayerScratch {
    /// Alignment (and size granularity) of every allocation.
    public static let alignment = 64

    /// The start of the memory (64-byte aligned: the first allocation is aligned up if it is not).
    public let base: UnsafeMutableRawPointer
    /// The number of bytes at `base`.
    public let capacity: Int
    /// Bytes handed out so far (including alignment padding).
    public private(set) var used: Int = 0

    /// A scratch over `bytes` bytes at `base`; the caller keeps the memory alive while it is used.
    public init(_ base: UnsafeMutableRawPointer, bytes: Int) {
        precondition(bytes >= 0, "negative scratch size")
        self.base = base
        capacity = bytes
    }

    /// A scratch over region `region` of a worker's workspace, grown to at least `bytes` bytes.
    /// (The region's contents are not preserved; do not hold two scratches over one region.)
    public init(workspace: WorkerWorkspace, region: Int, bytes: Int) {
        let size = bytes + Self.alignment  // room to align the base if ever needed
        self.init(workspace.region(region, bytes: size), bytes: size)
    }

    /// The bytes an allocation of `count` bytes takes (rounded up to the alignment).
    @inline(__always)
    public static func size(bytes count: Int) -> Int {
        (count + alignment - 1) / alignment * alignment
    }

    /// The bytes an allocation of `count` floats takes.
    @inline(__always)
    public static func size(floats count: Int) -> Int { size(bytes: count * MemoryLayout<Float>.stride) }

    /// Bytes still free (an upper bound for one allocation).
    public var remaining: Int { capacity - used }

    /// `count` bytes aligned to `alignment` (a power of two up to 64).
    public mutating func bytes(_ count: Int, alignment: Int = LayerScratch.alignment) -> UnsafeMutableRawPointer {
        precondition(count >= 0 && alignment > 0 && alignment <= Self.alignment && alignment & (alignment - 1) == 0,
                     "bad scratch request: \(count) bytes, alignment \(alignment)")
        let address = Int(bitPattern: base) + used
        let start = (address + Self.alignment - 1) & ~(Self.alignment - 1)
        let end = start + Self.size(bytes: count)
        precondition(end - Int(bitPattern: base) <= capacity,
                     "LayerScratch exhausted: \(count) bytes requested, \(remaining) of \(capacity) free (size it with the layer's scratchBytes)")
        used = end - Int(bitPattern: base)
        return UnsafeMutableRawPointer(bitPattern: start)!
    }

    /// Uninitialized room for `count` floats.
    public mutating func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        bytes(count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
    }

    /// Uninitialized room for `count` values of `type`.
    public mutating func buffer<T>(of type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        bytes(count * MemoryLayout<T>.stride, alignment: min(MemoryLayout<T>.alignment, Self.alignment))
            .bindMemory(to: T.self, capacity: count)
    }

    /// The current fill level, to give back later with ``reset(to:)``.
    public var mark: Int { used }

    /// Frees everything allocated after `mark` was taken.
    public mutating func reset(to mark: Int) {
        precondition(mark >= 0 && mark <= used, "bad scratch mark \(mark)")
        used = mark
    }

    /// Runs `body` with a scratch over freshly allocated memory of `bytes` bytes (tests, tools, and
    /// one-off calls; the serving path uses a worker's workspace instead).
    public static func withAllocated<R>(bytes: Int, _ body: (inout LayerScratch) throws -> R) rethrows -> R {
        let size = max(bytes, 0) + alignment
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
        defer { memory.deallocate() }
        var scratch = LayerScratch(memory, bytes: size)
        return try body(&scratch)
    }
}
