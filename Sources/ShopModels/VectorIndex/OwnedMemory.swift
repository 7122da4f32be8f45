/// A 64-byte aligned heap allocation freed with its owner: the storage of an in-memory index and of
/// packed kernel buffers. Immutable after it is filled, so it may be shared between threads.
final class OwnedMemory: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(byteCount: Int) {
        bytes = .allocate(byteCount: max(byteCount, 1), alignment: 64)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { bytes.deallocate() }

    /// A copy of `values` and a typed pointer to it (kept valid by the returned owner).
    static func copy<Element>(_ values: [Element]) -> (OwnedMemory, UnsafeBufferPointer<Element>) {
        let memory = OwnedMemory(byteCount: values.count * MemoryLayout<Element>.stride)
        let typed = memory.bytes.bindMemory(to: Element.self)
        _ = UnsafeMutableBufferPointer(rebasing: typed[0..<values.count]).initialize(from: values)
        return (memory, UnsafeBufferPointer(rebasing: typed[0..<values.count]))
    }
}
