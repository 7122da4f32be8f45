import Foundation

/// One tensor entry of a validated safetensors header.
public struct TensorInfo: Sendable, Equatable {
    /// The tensor's name (the header key).
    public let name: String
    /// Element type.
    public let dtype: SafetensorsDType
    /// Dimensions, outermost first (row-major). `[]` is a scalar.
    public let shape: [Int]
    /// Number of elements (product of `shape`; 1 for a scalar).
    public let elementCount: Int
    /// Offset of the first byte from the start of the file (not of the data section).
    public let fileOffset: Int
    /// Number of bytes (`elementCount × dtype.byteSize`).
    public let byteCount: Int
}

/// The parsed and validated header of a safetensors file.
///
/// Layout: 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON, then the data section.
/// The JSON maps tensor names to `{"dtype", "shape", "data_offsets": [begin, end)}` (offsets relative
/// to the data section) plus an optional `"__metadata__"` string-to-string map.
/// Parsing reads only the header bytes, never tensor data.
public struct SafetensorsHeader: Sendable {
    /// Default cap on the header length (same as the reference implementation).
    public static let defaultHeaderLimit = 100 * 1024 * 1024

    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The `__metadata__` map (empty if absent).
    public let metadata: [String: String]
    /// File offset where the data section starts (`8 + N`).
    public let dataSectionOffset: Int

    /// Parses and validates the header of `bytes` (a whole safetensors file). `file` is used in errors.
    ///
    /// Checks: the length prefix fits the file and the cap; the JSON is well-formed and an object;
    /// every entry has a supported dtype, a shape of non-negative integers whose element and byte
    /// counts do not overflow, `data_offsets` `[begin, end)` inside the data section whose size
    /// equals count × dtype size, natural alignment of the tensor's first byte in the file, no two
    /// tensors overlapping; `__metadata__` is a string-to-string map.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String,
                             headerLimit: Int = defaultHeaderLimit) throws -> SafetensorsHeader {
        func fail(_ problem: ModelLoadError.Problem) -> ModelLoadError { ModelLoadError(file: file, problem) }

        guard bytes.count >= 8 else { throw fail(.tooShortForHeader(fileSize: bytes.count)) }
        var lengthLE: UInt64 = 0
        withUnsafeMutableBytes(of: &lengthLE) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<8])) }
        let headerLength = UInt64(littleEndian: lengthLE)
        guard headerLength <= UInt64(headerLimit) else {
            throw fail(.headerTooLarge(headerLength: headerLength, limit: headerLimit))
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerLengthPastEnd(headerLength: headerLength, fileSize: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart

        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(bytes[8..<dataStart]))
        } catch let error as DecodingError {
            throw fail(.malformedHeader(error.oneLineDescription))
        } catch {
            throw fail(.malformedHeader("\(error)"))
        }

        var tensors: [String: TensorInfo] = [:]
        tensors.reserveCapacity(raw.entries.count)
        for (name, entry) in raw.entries.sorted(by: { $0.key < $1.key }) {
            tensors[name] = try validate(entry, name: name, dataStart: dataStart, dataSize: dataSize, fail: fail)
        }
        try checkNoOverlap(tensors.values, fail: fail)
        return SafetensorsHeader(tensors: tensors, metadata: raw.metadata, dataSectionOffset: dataStart)
    }

    private static func validate(_ entry: RawEntry, name: String, dataStart: Int, dataSize: Int,
                                 fail: (ModelLoadError.Problem) -> ModelLoadError) throws -> TensorInfo {
        guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
            throw fail(.unsupportedDType(tensor: name, dtype: entry.dtype))
        }
        var count = 1
        for dim in entry.shape {
            guard dim >= 0 else {
                throw fail(.invalidShape(tensor: name, shape: entry.shape, reason: "negative dimension \(dim)"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw fail(.invalidShape(tensor: name, shape: entry.shape, reason: "element count overflows"))
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw fail(.invalidShape(tensor: name, shape: entry.shape, reason: "byte count overflows"))
        }
        guard entry.dataOffsets.count == 2 else {
            throw fail(.offsetsArity(tensor: name, count: entry.dataOffsets.count))
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw fail(.invalidOffsets(tensor: name, begin: begin, end: end, dataSectionSize: dataSize))
        }
        guard end - begin == byteCount else {
            throw fail(.sizeMismatch(tensor: name, dtype: dtype, shape: entry.shape,
                                     expectedBytes: byteCount, actualBytes: end - begin))
        }
        let fileOffset = dataStart + begin
        guard byteCount == 0 || fileOffset % dtype.byteSize == 0 else {
            throw fail(.misaligned(tensor: name, dtype: dtype, fileOffset: fileOffset))
        }
        return TensorInfo(name: name, dtype: dtype, shape: entry.shape, elementCount: count,
                          fileOffset: fileOffset, byteCount: byteCount)
    }

    /// Empty tensors occupy no bytes and can never overlap.
    private static func checkNoOverlap(_ tensors: some Sequence<TensorInfo>,
                                       fail: (ModelLoadError.Problem) -> ModelLoadError) throws {
        let ordered = tensors.filter { $0.byteCount > 0 }
            .sorted { ($0.fileOffset, $0.name) < ($1.fileOffset, $1.name) }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where next.fileOffset < previous.fileOffset + previous.byteCount {
            throw fail(.overlappingTensors(previous.name, next.name))
        }
    }
}

/// The header JSON exactly as written, before validation.
private struct RawHeader: Decodable {
    var entries: [String: RawEntry] = [:]
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
            }
        }
    }
}

private struct RawEntry: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try container.decode(String.self, forKey: .dtype)
        shape = try container.decode([JSONInteger].self, forKey: .shape).map(\.value)
        dataOffsets = try container.decode([JSONInteger].self, forKey: .dataOffsets).map(\.value)
    }
}

/// A JSON integer that fits `Int`. Foundation reports `2.5` or `1e20` decoded as `Int` only as
/// "not valid JSON" without a location; this names the field and the value instead.
private struct JSONInteger: Decodable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            value = integer
        } else if let number = try? container.decode(Double.self) {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer that fits 64 bits, found \(number)")
        } else {
            value = try container.decode(Int.self)
        }
    }
}

/// A coding key for JSON objects with arbitrary keys.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
