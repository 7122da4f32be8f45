/// A memory-mapped, validated safetensors file whose tensors are read in place.
///
/// Opening maps the file (``MappedFile``) and validates its header (``SafetensorsHeader``);
/// tensor bytes are never read or copied by the loader (only a checksum, if asked for, reads them).
/// Tensor views keep this file's mapping alive.
public final class SafetensorsFile: @unchecked Sendable {
    /// The mapping; unmapped when the file and every view of it are gone.
    public let mapping: MappedFile
    /// The validated header.
    public let header: SafetensorsHeader

    /// Maps and validates `path`. Throws ``ModelLoadError`` naming the file and the problem.
    public init(path: String, hint: MappedFile.AccessHint = .normal,
                headerLimit: Int = SafetensorsHeader.defaultHeaderLimit) throws {
        mapping = try MappedFile(path: path, hint: hint)
        header = try SafetensorsHeader.parse(mapping.bytes, file: path, headerLimit: headerLimit)
    }

    /// The path the file was opened from.
    public var path: String { mapping.path }
    /// Tensor names, sorted.
    public var tensorNames: [String] { header.tensors.keys.sorted() }
    /// The `__metadata__` map.
    public var metadata: [String: String] { header.metadata }

    /// The header entry of `name`, or nil.
    public func info(_ name: String) -> TensorInfo? { header.tensors[name] }

    /// The bytes of tensor `name`, in place.
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let info = try require(name)
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[info.fileOffset..<(info.fileOffset + info.byteCount)])
    }

    /// A typed, zero-copy view of tensor `name`.
    ///
    /// - Throws: ``ModelLoadError`` if the tensor is absent, its dtype is not readable as `Element`,
    ///   or `shape` is given and differs.
    public func tensor<Element: SafetensorsElement>(_ name: String, as type: Element.Type = Element.self,
                                                    shape: [Int]? = nil) throws -> TensorView<Element> {
        let info = try require(name)
        guard Element.safetensorsDTypes.contains(info.dtype) else {
            throw ModelLoadError(file: path, .dtypeMismatch(tensor: name, actual: info.dtype, requested: "\(Element.self)"))
        }
        if let shape, shape != info.shape {
            throw ModelLoadError(file: path, .shapeMismatch(tensor: name, actual: info.shape, expected: shape))
        }
        // The header validation guarantees the alignment of every non-empty tensor.
        let start = mapping.bytes.baseAddress.map { ($0 + info.fileOffset).assumingMemoryBound(to: Element.self) }
        let buffer = UnsafeBufferPointer(start: info.elementCount == 0 ? nil : start, count: info.elementCount)
        return TensorView(info: info, buffer: buffer, owner: mapping)
    }

    private func require(_ name: String) throws -> TensorInfo {
        guard let info = header.tensors[name] else { throw ModelLoadError(file: path, .tensorNotFound(name)) }
        return info
    }
}

/// A typed view of one tensor's bytes inside a mapped file; no bytes are copied.
///
/// The view holds a reference to the mapping, so `buffer` stays valid as long as the view (or
/// anything holding it, such as a layer stored in a ``LoadedModelVersion`` a request holds) exists.
/// A bare `buffer` extracted from a temporary view may outlive it: use ``withBuffer(_:)`` then.
public struct TensorView<Element>: @unchecked Sendable {
    /// The tensor's header entry (name, dtype, shape, position).
    public let info: TensorInfo
    /// The elements, row-major.
    public let buffer: UnsafeBufferPointer<Element>
    /// Keeps the mapping alive.
    public let owner: MappedFile

    /// Dimensions, outermost first.
    public var shape: [Int] { info.shape }
    /// Number of elements.
    public var count: Int { buffer.count }
    /// Element `i` of the flattened tensor.
    public subscript(i: Int) -> Element { buffer[i] }

    /// Calls `body` with the elements, keeping the mapping alive for the duration of the call.
    public func withBuffer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(owner) { try body(buffer) }
    }

    /// The elements copied into an array (tests, small tensors).
    public var elements: [Element] { withBuffer { Array($0) } }

    /// Row `r` of a tensor viewed as `[shape[0], rest]`.
    public func row(_ r: Int) -> UnsafeBufferPointer<Element> {
        precondition(!shape.isEmpty && r >= 0 && r < shape[0], "row \(r) out of range for shape \(shape)")
        let width = shape[0] == 0 ? 0 : count / shape[0]
        return UnsafeBufferPointer(rebasing: buffer[(r * width)..<((r + 1) * width)])
    }
}
