import CProtobufC
import Foundation

/// A view of one `ProtobufCFieldDescriptor` with what the proto3 JSON mapping needs: names,
/// kind, cardinality, and typed access to the field's storage inside a protobuf-c message
/// struct (`offset`, and `quantifier_offset` for `has_`, `n_` and oneof-case members).
struct ProtoField {
    let descriptor: UnsafePointer<ProtobufCFieldDescriptor>

    var raw: ProtobufCFieldDescriptor { descriptor.pointee }
    /// The name in the .proto file, e.g. `json_name`.
    var protoName: String { String(cString: raw.name) }
    /// The proto3 JSON name: lowerCamelCase of the proto name (protoc's `ToJsonName`).
    var jsonName: String { Self.jsonName(protoName) }
    var number: UInt32 { raw.id }
    var type: ProtobufCType { raw.type }
    var isRepeated: Bool { raw.label == PROTOBUF_C_LABEL_REPEATED }
    var isOneofMember: Bool { raw.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 }

    /// The message descriptor of a MESSAGE field.
    var messageDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        raw.descriptor!.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
    }
    /// The enum descriptor of an ENUM field.
    var enumDescriptor: UnsafePointer<ProtobufCEnumDescriptor> {
        raw.descriptor!.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
    }

    /// True for a `map<K, V>` field: protoc turns it into a repeated `<Name>Entry` message
    /// with fields `key` = 1 and `value` = 2.
    var isMap: Bool {
        guard isRepeated, type == PROTOBUF_C_TYPE_MESSAGE else { return false }
        let entry = messageDescriptor.pointee
        guard entry.n_fields == 2, String(cString: entry.short_name) == Self.upperCamel(protoName) + "Entry" else { return false }
        let fields = ProtoMessageType(entry: messageDescriptor).fields
        return fields[0].protoName == "key" && fields[0].number == 1 && fields[1].protoName == "value" && fields[1].number == 2
    }

    /// Bytes one element of this field occupies in the struct (or in a repeated array).
    var elementSize: Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
             PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            return 8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            return MemoryLayout<UnsafeRawPointer>.size
        case PROTOBUF_C_TYPE_BYTES:
            return MemoryLayout<ProtobufCBinaryData>.size
        default:
            return 4
        }
    }

    // MARK: - Storage

    /// The field's slot in `message` (for a repeated field: the array pointer).
    func slot(in message: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        message + Int(raw.offset)
    }

    /// The `has_`, `n_` or oneof-case member.
    func quantifier(in message: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        message + Int(raw.quantifier_offset)
    }

    /// Number of elements of a repeated field.
    func count(in message: UnsafeMutableRawPointer) -> Int {
        quantifier(in: message).load(as: Int.self)
    }

    /// The elements of a repeated field, as slots.
    func elements(in message: UnsafeMutableRawPointer) -> [UnsafeMutableRawPointer] {
        let n = count(in: message)
        guard n > 0, let array = slot(in: message).load(as: UnsafeMutableRawPointer?.self) else { return [] }
        return (0..<n).map { array + $0 * elementSize }
    }

    /// Whether a singular field is present, with protobuf-c's own packing rules.
    func isPresent(in message: UnsafeMutableRawPointer) -> Bool {
        if isOneofMember {
            return quantifier(in: message).load(as: UInt32.self) == number
        }
        let value = slot(in: message)
        switch raw.label {
        case PROTOBUF_C_LABEL_REQUIRED:
            return true
        case PROTOBUF_C_LABEL_OPTIONAL:
            if type == PROTOBUF_C_TYPE_MESSAGE { return value.load(as: UnsafeRawPointer?.self) != nil }
            if type == PROTOBUF_C_TYPE_STRING {
                guard let string = value.load(as: UnsafeRawPointer?.self) else { return false }
                return string != raw.default_value
            }
            return quantifier(in: message).load(as: Int32.self) != 0
        default:  // proto3 implicit presence: present unless zero / empty
            return !isZero(value)
        }
    }

    /// True when the slot holds the type's zero value (proto3 default).
    func isZero(_ value: UnsafeMutableRawPointer) -> Bool {
        switch type {
        case PROTOBUF_C_TYPE_STRING:
            guard let string = value.load(as: UnsafePointer<CChar>?.self) else { return true }
            return string.pointee == 0
        case PROTOBUF_C_TYPE_BYTES:
            return value.load(as: ProtobufCBinaryData.self).len == 0
        case PROTOBUF_C_TYPE_MESSAGE:
            return value.load(as: UnsafeRawPointer?.self) == nil
        default:
            return elementSize == 8 ? value.load(as: UInt64.self) == 0 : value.load(as: UInt32.self) == 0
        }
    }

    // MARK: - Names

    static func jsonName(_ protoName: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in protoName {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func upperCamel(_ protoName: String) -> String {
        let lower = jsonName(protoName)
        return lower.prefix(1).uppercased() + lower.dropFirst()
    }
}

/// A view of a `ProtobufCMessageDescriptor`.
struct ProtoMessageType {
    let entry: UnsafePointer<ProtobufCMessageDescriptor>

    /// Fully-qualified name, e.g. `grpc.health.v1.HealthCheckRequest`.
    var fullName: String { String(cString: entry.pointee.name) }

    var fields: [ProtoField] {
        (0..<Int(entry.pointee.n_fields)).map { ProtoField(descriptor: entry.pointee.fields + $0) }
    }

    /// A zero-initialised message struct (malloc'd, as protobuf-c's default allocator
    /// expects), initialised by the generated `message_init`.
    func allocate() -> UnsafeMutableRawPointer {
        let memory = calloc(1, entry.pointee.sizeof_message)!
        entry.pointee.message_init(memory.assumingMemoryBound(to: ProtobufCMessage.self))
        return memory
    }
}
