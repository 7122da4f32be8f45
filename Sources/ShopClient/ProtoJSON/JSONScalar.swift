import CProtobufC
import Foundation

/// Reads proto3 JSON scalars out of `JSONSerialization` values.
enum JSONScalar {
    /// True when `value` is a JSON `true`/`false` (not a number).
    static func isJSONBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber, !(value is String) else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// An integer from a JSON number or a decimal string; must be integral and in range.
    static func integer<T: FixedWidthInteger>(_ value: Any, as: T.Type, path: String) throws -> T {
        if let string = value as? String {
            let trimmed = string.trimmingCharacters(in: .whitespaces)
            if let parsed = T(trimmed) { return parsed }
            if let double = Double(trimmed), let exact = T(exactly: double) { return exact }
            throw ProtoJSONError(path: path, "'\(string)' is not a valid \(T.self)")
        }
        guard let number = value as? NSNumber, !isJSONBool(value) else {
            throw ProtoJSONError(path: path, "expected an integer, got \(describe(value))")
        }
        if let exact = exactInteger(number, as: T.self) { return exact }
        throw ProtoJSONError(path: path, "\(number) is not a valid \(T.self) (out of range or not integral)")
    }

    private static func exactInteger<T: FixedWidthInteger>(_ number: NSNumber, as: T.Type) -> T? {
        switch String(cString: number.objCType) {
        case "d", "f":
            return T(exactly: number.doubleValue)
        case "Q":
            return T(exactly: number.uint64Value)
        default:
            return T(exactly: number.int64Value)
        }
    }

    /// A float/double from a JSON number, a numeric string, or "NaN"/"Infinity"/"-Infinity".
    static func floating(_ value: Any, path: String) throws -> Double {
        if let string = value as? String {
            switch string {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let double = Double(string), double.isFinite else {
                    throw ProtoJSONError(path: path, "'\(string)' is not a number")
                }
                return double
            }
        }
        guard let number = value as? NSNumber, !isJSONBool(value) else {
            throw ProtoJSONError(path: path, "expected a number, got \(describe(value))")
        }
        return number.doubleValue
    }

    static func bool(_ value: Any, path: String) throws -> Bool {
        guard isJSONBool(value), let number = value as? NSNumber else {
            throw ProtoJSONError(path: path, "expected true or false, got \(describe(value))")
        }
        return number.boolValue
    }

    /// An enum number from a value name or an integer.
    static func enumNumber(_ value: Any, descriptor: UnsafePointer<ProtobufCEnumDescriptor>, path: String) throws -> Int32 {
        if let name = value as? String {
            guard let entry = protobuf_c_enum_descriptor_get_value_by_name(descriptor, name) else {
                let known = (0..<Int(descriptor.pointee.n_values)).map { String(cString: descriptor.pointee.values[$0].name) }
                throw ProtoJSONError(path: path, "'\(name)' is not a value of \(String(cString: descriptor.pointee.name)) (one of \(known.joined(separator: ", ")))")
            }
            return entry.pointee.value
        }
        return try integer(value, as: Int32.self, path: path)
    }

    /// Bytes from standard or URL-safe base64, padded or not.
    static func base64(_ value: Any, path: String) throws -> [UInt8] {
        guard let string = value as? String else { throw ProtoJSONError(path: path, "expected a base64 string") }
        var normalized = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        normalized += String(repeating: "=", count: (4 - normalized.count % 4) % 4)
        guard let data = Data(base64Encoded: normalized) else {
            throw ProtoJSONError(path: path, "'\(string.prefix(40))' is not valid base64")
        }
        return [UInt8](data)
    }

    static func describe(_ value: Any) -> String {
        if isJSONBool(value) { return "a boolean" }
        switch value {
        case is String: return "a string"
        case is NSNumber: return "a number"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(type(of: value))"
        }
    }
}
