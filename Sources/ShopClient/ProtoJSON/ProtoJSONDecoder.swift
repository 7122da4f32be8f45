import CProtobufC
import Foundation

/// Fills a protobuf-c message struct from a JSON value tree (as `JSONSerialization` parses
/// it) following the proto3 JSON mapping. Accepts lowerCamelCase and original field names,
/// integers as numbers or strings, enums by name or number, bytes as standard or URL-safe
/// base64, `null` as "not set". Rejects unknown fields and ill-typed values with the path of
/// the offending field.
///
/// Memory: everything is malloc'd so that `protobuf_c_message_free_unpacked` can release the
/// message, also after a failure half-way (the struct is kept consistent at every step).
enum ProtoJSONDecoder {
    static func fill(_ message: UnsafeMutableRawPointer, type: ProtoMessageType, from json: Any, path: String) throws {
        guard let object = json as? [String: Any] else {
            throw ProtoJSONError(path: path, "expected a JSON object for \(type.fullName)")
        }
        let fields = type.fields
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.jsonName == key || $0.protoName == key }) else {
                throw ProtoJSONError(path: path, "unknown field '\(key)' in \(type.fullName)")
            }
            let fieldPath = path.isEmpty ? field.protoName : "\(path).\(field.protoName)"
            if value is NSNull { continue }
            if field.isMap {
                try fillMap(field, in: message, from: value, path: fieldPath)
            } else if field.isRepeated {
                try fillRepeated(field, in: message, from: value, path: fieldPath)
            } else {
                try fillSingular(field, in: message, from: value, path: fieldPath)
            }
        }
    }

    private static func fillSingular(_ field: ProtoField, in message: UnsafeMutableRawPointer, from value: Any, path: String) throws {
        if field.isOneofMember {
            let currentCase = field.quantifier(in: message).load(as: UInt32.self)
            if currentCase != 0 && currentCase != field.number {
                throw ProtoJSONError(path: path, "more than one field of the same oneof is set")
            }
        }
        try store(field, value, at: field.slot(in: message), path: path)
        if field.isOneofMember {
            field.quantifier(in: message).storeBytes(of: field.number, as: UInt32.self)
        } else if field.raw.label == PROTOBUF_C_LABEL_OPTIONAL,
                  field.type != PROTOBUF_C_TYPE_STRING, field.type != PROTOBUF_C_TYPE_MESSAGE {
            field.quantifier(in: message).storeBytes(of: 1, as: Int32.self)  // has_<field>
        }
    }

    private static func fillRepeated(_ field: ProtoField, in message: UnsafeMutableRawPointer, from value: Any, path: String) throws {
        guard let array = value as? [Any] else { throw ProtoJSONError(path: path, "expected a JSON array") }
        guard field.count(in: message) == 0 else { throw ProtoJSONError(path: path, "field given twice") }
        guard !array.isEmpty else { return }
        let storage = calloc(array.count, field.elementSize)!
        field.slot(in: message).storeBytes(of: storage, as: UnsafeMutableRawPointer?.self)
        for (index, element) in array.enumerated() {
            try store(field, element, at: storage + index * field.elementSize, path: "\(path)[\(index)]")
            field.quantifier(in: message).storeBytes(of: index + 1, as: Int.self)
        }
    }

    private static func fillMap(_ field: ProtoField, in message: UnsafeMutableRawPointer, from value: Any, path: String) throws {
        guard let object = value as? [String: Any] else { throw ProtoJSONError(path: path, "expected a JSON object (map)") }
        guard !object.isEmpty else { return }
        let entryType = ProtoMessageType(entry: field.messageDescriptor)
        let keyField = entryType.fields[0], valueField = entryType.fields[1]
        let storage = calloc(object.count, field.elementSize)!
        field.slot(in: message).storeBytes(of: storage, as: UnsafeMutableRawPointer?.self)
        for (index, (key, element)) in object.sorted(by: { $0.key < $1.key }).enumerated() {
            let entry = entryType.allocate()
            (storage + index * field.elementSize).storeBytes(of: entry, as: UnsafeMutableRawPointer.self)
            field.quantifier(in: message).storeBytes(of: index + 1, as: Int.self)
            let entryPath = "\(path)[\"\(key)\"]"
            let keyValue: Any = keyField.type == PROTOBUF_C_TYPE_BOOL ? try mapBoolKey(key, path: entryPath) : key
            try fillSingular(keyField, in: entry, from: keyValue, path: entryPath)
            if !(element is NSNull) {
                try fillSingular(valueField, in: entry, from: element, path: entryPath)
            }
        }
    }

    private static func mapBoolKey(_ key: String, path: String) throws -> Bool {
        switch key {
        case "true": return true
        case "false": return false
        default: throw ProtoJSONError(path: path, "map key must be true or false")
        }
    }

    /// Stores one JSON value into the slot of a (element of a) field.
    private static func store(_ field: ProtoField, _ value: Any, at slot: UnsafeMutableRawPointer, path: String) throws {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            slot.storeBytes(of: try JSONScalar.integer(value, as: Int32.self, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            slot.storeBytes(of: try JSONScalar.integer(value, as: UInt32.self, path: path), as: UInt32.self)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            slot.storeBytes(of: try JSONScalar.integer(value, as: Int64.self, path: path), as: Int64.self)
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            slot.storeBytes(of: try JSONScalar.integer(value, as: UInt64.self, path: path), as: UInt64.self)
        case PROTOBUF_C_TYPE_FLOAT:
            let double = try JSONScalar.floating(value, path: path)
            guard !double.isFinite || abs(double) <= Double(Float.greatestFiniteMagnitude) else {
                throw ProtoJSONError(path: path, "\(double) is out of range for float")
            }
            slot.storeBytes(of: Float(double), as: Float.self)
        case PROTOBUF_C_TYPE_DOUBLE:
            slot.storeBytes(of: try JSONScalar.floating(value, path: path), as: Double.self)
        case PROTOBUF_C_TYPE_BOOL:
            slot.storeBytes(of: try JSONScalar.bool(value, path: path) ? 1 : 0, as: Int32.self)
        case PROTOBUF_C_TYPE_ENUM:
            slot.storeBytes(of: try JSONScalar.enumNumber(value, descriptor: field.enumDescriptor, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_STRING:
            guard let string = value as? String else { throw ProtoJSONError(path: path, "expected a string") }
            replaceString(at: slot, with: string, default: field.raw.default_value)
        case PROTOBUF_C_TYPE_BYTES:
            let bytes = try JSONScalar.base64(value, path: path)
            var data = ProtobufCBinaryData(len: bytes.count, data: nil)
            if !bytes.isEmpty {
                let buffer = malloc(bytes.count)!.assumingMemoryBound(to: UInt8.self)
                buffer.initialize(from: bytes, count: bytes.count)
                data.data = buffer
            }
            slot.storeBytes(of: data, as: ProtobufCBinaryData.self)
        case PROTOBUF_C_TYPE_MESSAGE:
            let childType = ProtoMessageType(entry: field.messageDescriptor)
            let child: UnsafeMutableRawPointer
            if let existing = slot.load(as: UnsafeMutableRawPointer?.self) {
                child = existing
            } else {
                child = childType.allocate()
                slot.storeBytes(of: child, as: UnsafeMutableRawPointer?.self)
            }
            try fill(child, type: childType, from: value, path: path)
        default:
            throw ProtoJSONError(path: path, "unsupported field type \(field.type.rawValue)")
        }
    }

    /// Stores a malloc'd copy of `string`, freeing a previous malloc'd value.
    private static func replaceString(at slot: UnsafeMutableRawPointer, with string: String, default defaultValue: UnsafeRawPointer?) {
        if let old = slot.load(as: UnsafeMutableRawPointer?.self), UnsafeRawPointer(old) != defaultValue {
            free(old)
        }
        slot.storeBytes(of: strdup(string), as: UnsafeMutablePointer<CChar>?.self)
    }
}
