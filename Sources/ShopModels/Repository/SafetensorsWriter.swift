import Foundation

/// Writes safetensors files (tests, benchmarks, tools that export from Swift).
///
/// Tensors are laid out largest dtype first (as the reference writer does) and the header is padded
/// with spaces to a multiple of 8 bytes, so every tensor is naturally aligned in the file.
public struct SafetensorsWriter {
    /// Where a tensor's bytes come from.
    public enum Source {
        /// The bytes themselves.
        case bytes([UInt8])
        /// A closure that fills the tensor's bytes (called once, at write time, with a buffer of
        /// exactly the tensor's size) — for tensors too large to hold all at once.
        case generated((UnsafeMutableRawBufferPointer) -> Void)
    }

    private struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        let source: Source
        var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
    }

    private var entries: [Entry] = []
    /// The `__metadata__` map.
    public var metadata: [String: String] = [:]

    public init() {}

    /// Adds a tensor given its raw little-endian bytes (or a generator of them).
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], source: Source) {
        entries.append(Entry(name: name, dtype: dtype, shape: shape, source: source))
    }

    /// Adds a tensor of Swift scalars; `dtype` defaults to the one `Element` reads (the first, for `UInt16`).
    public mutating func add<Element: SafetensorsElement>(_ name: String, _ values: [Element], shape: [Int],
                                                          dtype: SafetensorsDType? = nil) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        let dtype = dtype ?? Element.safetensorsDTypes.sorted { $0.rawValue < $1.rawValue }.first!
        let bytes = values.withUnsafeBytes { Array($0) }
        add(name, dtype: dtype, shape: shape, source: .bytes(bytes))
    }

    /// The header JSON and the tensors in file order with their data offsets.
    private func layout() throws -> (header: Data, ordered: [Entry]) {
        let ordered = entries.sorted { ($0.dtype.byteSize, $1.name) > ($1.dtype.byteSize, $0.name) }
        var object: [String: Any] = [:]
        var offset = 0
        for entry in ordered {
            object[entry.name] = ["dtype": entry.dtype.rawValue, "shape": entry.shape,
                                  "data_offsets": [offset, offset + entry.byteCount]] as [String: Any]
            offset += entry.byteCount
        }
        if !metadata.isEmpty { object["__metadata__"] = metadata }
        var header = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        return (header, ordered)
    }

    /// Writes the file to `path`, replacing it atomically (a temporary file renamed into place), so
    /// a file that is memory-mapped elsewhere is never truncated under its readers.
    public func write(to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString)"
        do {
            try writeFile(at: temporary)
            guard rename(temporary, path) == 0 else {
                throw ModelLoadError(file: path, .unreadable("rename: \(MappedFile.systemMessage(errno))"))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private func writeFile(at path: String) throws {
        let (header, ordered) = try layout()
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ModelLoadError(file: path, .unreadable("cannot open for writing"))
        }
        defer { try? handle.close() }
        var length = UInt64(header.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: header)
        for entry in ordered {
            switch entry.source {
            case .bytes(let bytes):
                precondition(bytes.count == entry.byteCount, "\(entry.name): \(bytes.count) bytes, shape needs \(entry.byteCount)")
                try handle.write(contentsOf: bytes)
            case .generated(let fill):
                var buffer = Data(count: entry.byteCount)
                buffer.withUnsafeMutableBytes { fill($0) }
                try handle.write(contentsOf: buffer)
            }
        }
    }
}
