/// Why a model file or version directory was refused.
///
/// Every error names the file it is about and the problem in one line, e.g.
/// `models/rank/3/model.safetensors: tensor 'w1' data_offsets [0, 4096) exceed data section of 1024 bytes`.
public struct ModelLoadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or directory) the problem was found in, as given to the loader.
    public let file: String
    /// What is wrong with it.
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }

    /// The problems the loader detects.
    public enum Problem: CustomStringConvertible, Sendable, Equatable {
        /// open/fstat/mmap/read failed; the string is the system's reason.
        case unreadable(String)
        /// A required file does not exist.
        case missing
        /// The file is shorter than the 8-byte header length prefix.
        case tooShortForHeader(fileSize: Int)
        /// The header length prefix points past the end of the file.
        case headerLengthPastEnd(headerLength: UInt64, fileSize: Int)
        /// The header length is larger than the loader's cap.
        case headerTooLarge(headerLength: UInt64, limit: Int)
        /// The header is not valid JSON, not a JSON object, or a field has the wrong JSON type.
        case malformedHeader(String)
        /// A tensor uses a dtype the loader does not support.
        case unsupportedDType(tensor: String, dtype: String)
        /// A dimension is negative, or the element/byte count overflows.
        case invalidShape(tensor: String, shape: [Int], reason: String)
        /// `data_offsets` is not `[begin, end)` with `begin <= end` inside the data section.
        case invalidOffsets(tensor: String, begin: Int, end: Int, dataSectionSize: Int)
        /// `data_offsets` does not have exactly two entries.
        case offsetsArity(tensor: String, count: Int)
        /// `end - begin` differs from element count × dtype size.
        case sizeMismatch(tensor: String, dtype: SafetensorsDType, shape: [Int], expectedBytes: Int, actualBytes: Int)
        /// Two tensors share bytes.
        case overlappingTensors(String, String)
        /// A multi-byte tensor does not start at a multiple of its element size in the file.
        case misaligned(tensor: String, dtype: SafetensorsDType, fileOffset: Int)
        /// sha256 of the file differs from the one config.json declares.
        case checksumMismatch(expected: String, actual: String)
        /// config.json is unreadable as the documented schema.
        case invalidConfig(String)
        /// A tensor a model needs is absent.
        case tensorNotFound(String)
        /// A tensor has a different dtype than the caller asked for.
        case dtypeMismatch(tensor: String, actual: SafetensorsDType, requested: String)
        /// A tensor has a different shape than the model expects.
        case shapeMismatch(tensor: String, actual: [Int], expected: [Int])
        /// config.json names a model kind no factory is registered for.
        case unknownModelKind(String, known: [String])
        /// The model kind's factory refused the tensors.
        case modelRejected(String)

        public var description: String {
            switch self {
            case .unreadable(let reason):
                return "cannot read file: \(reason)"
            case .missing:
                return "file does not exist"
            case .tooShortForHeader(let size):
                return "file is \(size) bytes, shorter than the 8-byte header length prefix"
            case .headerLengthPastEnd(let length, let size):
                return "header length \(length) runs past the end of the \(size)-byte file"
            case .headerTooLarge(let length, let limit):
                return "header length \(length) exceeds the limit of \(limit) bytes"
            case .malformedHeader(let reason):
                return "malformed header: \(reason)"
            case .unsupportedDType(let tensor, let dtype):
                let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                return "tensor '\(tensor)' has unsupported dtype '\(dtype)' (supported: \(known))"
            case .invalidShape(let tensor, let shape, let reason):
                return "tensor '\(tensor)' has invalid shape \(shape): \(reason)"
            case .invalidOffsets(let tensor, let begin, let end, let size):
                if begin > end {
                    return "tensor '\(tensor)' data_offsets [\(begin), \(end)) has begin after end"
                }
                if begin < 0 {
                    return "tensor '\(tensor)' data_offsets [\(begin), \(end)) is negative"
                }
                return "tensor '\(tensor)' data_offsets [\(begin), \(end)) exceed data section of \(size) bytes"
            case .offsetsArity(let tensor, let count):
                return "tensor '\(tensor)' data_offsets has \(count) entries, expected 2"
            case .sizeMismatch(let tensor, let dtype, let shape, let expected, let actual):
                return "tensor '\(tensor)' is \(actual) bytes but \(dtype.rawValue) \(shape) needs \(expected)"
            case .overlappingTensors(let a, let b):
                return "tensors '\(a)' and '\(b)' overlap"
            case .misaligned(let tensor, let dtype, let offset):
                return "tensor '\(tensor)' (\(dtype.rawValue)) starts at file offset \(offset), not a multiple of \(dtype.byteSize); "
                    + "re-export it with the safetensors library or tools/quantize, which align tensors"
            case .checksumMismatch(let expected, let actual):
                return "sha256 \(actual) does not match \(expected) from config.json"
            case .invalidConfig(let reason):
                return "invalid config: \(reason)"
            case .tensorNotFound(let name):
                return "tensor '\(name)' not found"
            case .dtypeMismatch(let tensor, let actual, let requested):
                return "tensor '\(tensor)' is \(actual.rawValue), not \(requested)"
            case .shapeMismatch(let tensor, let actual, let expected):
                return "tensor '\(tensor)' has shape \(actual), expected \(expected)"
            case .unknownModelKind(let kind, let known):
                return "unknown model kind '\(kind)' (registered: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
            case .modelRejected(let reason):
                return "model rejected the tensors: \(reason)"
            }
        }
    }
}
