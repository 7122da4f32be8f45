/// The element types the safetensors loader accepts.
///
/// Supported: `BOOL`, `U8`, `I8`, `I16`, `U16`, `F16`, `BF16`, `I32`, `U32`, `F32`, `I64`, `U64`, `F64`.
/// The FP8 types and anything else are refused at load with ``ModelLoadError/Problem/unsupportedDType``.
/// All multi-byte types are little-endian, as the safetensors format specifies (ShopServe only
/// builds for little-endian hosts).
public enum SafetensorsDType: String, Sendable, CaseIterable, Codable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case i64 = "I64"
    case u64 = "U64"
    case f64 = "F64"

    /// Size of one element in bytes; also the alignment a typed view of it needs.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .i64, .u64, .f64: return 8
        }
    }
}

/// A Swift scalar type that can view tensor bytes of one or more safetensors dtypes.
///
/// `F16` and `BF16` tensors are viewed as their raw `UInt16` bit patterns.
public protocol SafetensorsElement {
    /// The dtypes whose bytes this type reads exactly.
    static var safetensorsDTypes: Set<SafetensorsDType> { get }
}

extension Int8: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.i8] } }
extension UInt8: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.u8, .bool] } }
extension Int16: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.i16] } }
extension UInt16: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.u16, .f16, .bf16] } }
extension Int32: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.i32] } }
extension UInt32: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.u32] } }
extension Int64: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.i64] } }
extension UInt64: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.u64] } }
extension Float: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.f32] } }
extension Double: SafetensorsElement { public static var safetensorsDTypes: Set<SafetensorsDType> { [.f64] } }
