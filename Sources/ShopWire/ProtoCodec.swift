import CProtobufC

#if canImport(Glibc)
import Glibc
#endif

/// A bump-pointer allocator for the protobuf-c messages of one call.
///
/// protobuf-c allocates every string, bytes field, sub-message and repeated array of an
/// unpacked message separately. Backing it with an arena turns those into pointer bumps in a
/// few blocks; `free` is a no-op and everything is released at once by `reset()` (blocks are
/// kept for reuse) or when the arena is deallocated (at the end of the call).
///
/// Not thread-safe: an arena belongs to one call and is used on that call's owning thread.
public final class MessageArena {
    /// Size of a regular block; bigger requests get a block of their own.
    public static let defaultBlockSize = 4096

    private struct Block {
        var start: UnsafeMutableRawPointer
        var capacity: Int
    }

    private let blockSize: Int
    /// Blocks in use, in order; `current` indexes the one being bumped.
    private var blocks: [Block] = []
    private var current = -1
    private var offset = 0
    /// Blocks larger than `blockSize`, freed on `reset()` rather than reused.
    private var oversized: [UnsafeMutableRawPointer] = []
    /// The C allocator handed to protobuf-c; its `allocator_data` points back at `self`.
    private var allocator = ProtobufCAllocator()

    /// Bytes handed out since the last reset (for tests and diagnostics).
    public private(set) var bytesAllocated = 0

    public init(blockSize: Int = MessageArena.defaultBlockSize) {
        self.blockSize = max(256, blockSize)
        allocator.alloc = { data, size in
            guard let data else { return nil }
            let arena = Unmanaged<MessageArena>.fromOpaque(data).takeUnretainedValue()
            return arena.allocate(byteCount: size, alignment: 16)
        }
        allocator.free = { _, _ in }
        allocator.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        for block in blocks { free(block.start) }
        for pointer in oversized { free(pointer) }
    }

    /// Returns `byteCount` bytes aligned to `alignment` (a power of two), or nil when the
    /// system is out of memory. The memory is zeroed.
    public func allocate(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer? {
        let size = max(byteCount, 1)
        if size > blockSize / 2 {
            guard let pointer = aligned(size, alignment) else { return nil }
            memset(pointer, 0, size)
            oversized.append(pointer)
            bytesAllocated += size
            return pointer
        }
        var aligned = (offset + alignment - 1) & ~(alignment - 1)
        if current < 0 || aligned + size > blocks[current].capacity {
            guard advanceBlock() else { return nil }
            aligned = 0
        }
        let pointer = blocks[current].start + aligned
        offset = aligned + size
        memset(pointer, 0, size)
        bytesAllocated += size
        return pointer
    }

    /// Zeroed storage for `count` values of `T`.
    public func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = allocate(byteCount: MemoryLayout<T>.stride * max(count, 1),
                           alignment: max(MemoryLayout<T>.alignment, 8))
        guard let raw else { fatalError("MessageArena: out of memory") }
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A fresh message of `type`, initialised with its defaults (like the `*_INIT` macro).
    public func make<Message>(_ type: ProtoMessageType<Message>) -> UnsafeMutablePointer<Message> {
        let message = allocate(Message.self, count: 1)
        protobuf_c_message_init(type.descriptor, message)
        return message
    }

    /// A NUL-terminated copy of `string` for a protobuf-c `char *` field.
    public func copy(_ string: String) -> UnsafeMutablePointer<CChar> {
        var utf8 = Array(string.utf8)
        utf8.append(0)
        let pointer = allocate(CChar.self, count: utf8.count)
        utf8.withUnsafeBytes { UnsafeMutableRawPointer(pointer).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return pointer
    }

    /// A copy of `bytes` for a protobuf-c `bytes` field.
    public func copy(bytes: [UInt8]) -> ProtobufCBinaryData {
        let pointer = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: $0.count) }
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// Releases everything allocated so far; regular blocks are kept for reuse.
    public func reset() {
        for pointer in oversized { free(pointer) }
        oversized.removeAll(keepingCapacity: true)
        current = blocks.isEmpty ? -1 : 0
        offset = 0
        bytesAllocated = 0
    }

    /// Runs `body` with the protobuf-c allocator view of this arena.
    func withAllocator<R>(_ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointer(to: &allocator) { try body($0) }
    }

    private func advanceBlock() -> Bool {
        if current + 1 < blocks.count {
            current += 1
        } else {
            guard let start = aligned(blockSize, 16) else { return false }
            blocks.append(Block(start: start, capacity: blockSize))
            current = blocks.count - 1
        }
        offset = 0
        return true
    }

    private func aligned(_ size: Int, _ alignment: Int) -> UnsafeMutableRawPointer? {
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, max(alignment, MemoryLayout<UnsafeRawPointer>.size), size) == 0 else { return nil }
        return pointer
    }
}

/// A protobuf-c message type: the generated C struct `Message` plus its descriptor.
///
/// Decodes wire bytes into an arena and encodes structs back to bytes:
/// ```swift
/// let checkRequest = ProtoMessageType(grpc__health__v1__health_check_request__init)
/// let request = try checkRequest.decode(bytes, in: arena)   // UnsafeMutablePointer<Grpc__Health__V1__HealthCheckRequest>
/// ```
public struct ProtoMessageType<Message>: @unchecked Sendable {
    /// The protobuf-c descriptor (static storage in the generated code).
    public let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

    /// Wraps a descriptor; it must describe `Message` (checked by size).
    public init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        precondition(descriptor.pointee.sizeof_message == MemoryLayout<Message>.size,
                     "descriptor \(String(cString: descriptor.pointee.name)) does not describe \(Message.self)")
        self.descriptor = descriptor
    }

    /// Finds the descriptor through a generated `..._init` function (the `*_INIT` macros and
    /// descriptor globals are awkward to take the address of from Swift).
    public init(_ initializer: (UnsafeMutablePointer<Message>?) -> Void) {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Message>.size,
                                                       alignment: MemoryLayout<Message>.alignment)
        defer { scratch.deallocate() }
        memset(scratch, 0, MemoryLayout<Message>.size)
        initializer(scratch.bindMemory(to: Message.self, capacity: 1))
        let base = scratch.assumingMemoryBound(to: ProtobufCMessage.self)
        self.init(descriptor: base.pointee.descriptor)
    }

    /// Fully-qualified message name, e.g. `grpc.health.v1.HealthCheckRequest`.
    public var fullName: String { String(cString: descriptor.pointee.name) }

    /// Unpacks `bytes` into `arena`. The result lives as long as the arena's current contents.
    /// - Throws: `GRPCStatus(.invalidArgument, "malformed <MessageName>")` when the bytes are not
    ///   a valid encoding of this message.
    public func decode(_ bytes: UnsafeRawBufferPointer, in arena: MessageArena) throws -> UnsafeMutablePointer<Message> {
        let unpacked: UnsafeMutablePointer<ProtobufCMessage>? = arena.withAllocator { allocator in
            let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            // protobuf-c wants a non-null data pointer even for an empty message.
            if let data { return protobuf_c_message_unpack(descriptor, allocator, bytes.count, data) }
            var empty: UInt8 = 0
            return protobuf_c_message_unpack(descriptor, allocator, 0, &empty)
        }
        guard let unpacked else { throw GRPCStatus(.invalidArgument, "malformed \(fullName)") }
        return UnsafeMutableRawPointer(unpacked).assumingMemoryBound(to: Message.self)
    }

    /// Convenience for tests and clients: decodes from an array.
    public func decode(_ bytes: [UInt8], in arena: MessageArena) throws -> UnsafeMutablePointer<Message> {
        try bytes.withUnsafeBytes { try decode($0, in: arena) }
    }

    /// Serializes `message` to its wire bytes.
    public func encode(_ message: UnsafePointer<Message>) -> [UInt8] {
        let base = UnsafeRawPointer(message).assumingMemoryBound(to: ProtobufCMessage.self)
        precondition(base.pointee.descriptor == descriptor, "encode: message is not a \(fullName)")
        let size = protobuf_c_message_get_packed_size(base)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size == 0 ? 0 : protobuf_c_message_pack(base, buffer.baseAddress!)
        }
    }
}
