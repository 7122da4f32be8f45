import CProtobufC
import Foundation

/// Turns an unpacked protobuf-c message into a JSON value tree (`[String: Any]`, `[Any]`,
/// `String`, `Int`, `Double`, `Bool`) following the proto3 JSON mapping: lowerCamelCase
/// names, 64-bit integers as strings, bytes as base64, enums by name, maps as objects,
/// fields with default values omitted.
enum ProtoJSONEncoder {
    static func object(of message: UnsafeMutableRawPointer, type: ProtoMessageType) -> [String: Any] {
        var object: [String: Any] = [:]
        for field in type.fields {
            if field.isMap {
                let entries = field.elements(in: message)
                guard !entries.isEmpty else { continue }
                let entryType = ProtoMessageType(entry: field.messageDescriptor)
                let keyField = entryType.fields[0], valueField = entryType.fields[1]
                var map: [String: Any] = [:]
                for element in entries {
                    let entry = element.load(as: UnsafeMutableRawPointer.self)
                    let key = value(of: keyField, at: keyField.slot(in: entry))
                    map["\(key)"] = value(of: valueField, at: valueField.slot(in: entry))
                }
                object[field.jsonName] = map
            } else if field.isRepeated {
                let elements = field.elements(in: message)
                guard !elements.isEmpty else { continue }
                object[field.jsonName] = elements.map { value(of: field, at: $0) }
            } else if field.isPresent(in: message) {
                object[field.jsonName] = value(of: field, at: field.slot(in: message))
            }
        }
        return object
    }

    /// The JSON value of one (element of a) field stored at `slot`.
    static func value(of field: ProtoField, at slot: UnsafeMutableRawPointer) -> Any {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return Int(slot.load(as: Int32.self))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return Int(slot.load(as: UInt32.self))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return String(slot.load(as: Int64.self))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return String(slot.load(as: UInt64.self))
        case PROTOBUF_C_TYPE_FLOAT:
            let float = slot.load(as: Float.self)
            return float.isFinite ? Double("\(float)")! : nonFinite(Double(float))
        case PROTOBUF_C_TYPE_DOUBLE:
            let double = slot.load(as: Double.self)
            return double.isFinite ? double : nonFinite(double)
        case PROTOBUF_C_TYPE_BOOL:
            return slot.load(as: Int32.self) != 0
        case PROTOBUF_C_TYPE_ENUM:
            let number = slot.load(as: Int32.self)
            if let value = protobuf_c_enum_descriptor_get_value(field.enumDescriptor, number) {
                return String(cString: value.pointee.name)
            }
            return Int(number)
        case PROTOBUF_C_TYPE_STRING:
            guard let string = slot.load(as: UnsafePointer<CChar>?.self) else { return "" }
            return String(cString: string)
        case PROTOBUF_C_TYPE_BYTES:
            let data = slot.load(as: ProtobufCBinaryData.self)
            guard data.len > 0, let bytes = data.data else { return "" }
            return Data(bytes: bytes, count: data.len).base64EncodedString()
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let child = slot.load(as: UnsafeMutableRawPointer?.self) else { return [String: Any]() }
            return object(of: child, type: ProtoMessageType(entry: field.messageDescriptor))
        default:
            return NSNull()
        }
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity")
    }
}
