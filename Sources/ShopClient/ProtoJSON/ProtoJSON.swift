import CProtobufC
import Foundation

/// The proto3 JSON mapping for any compiled-in protobuf-c message type, driven by its
/// runtime descriptor (no per-message code). JSON text is read and written with Foundation's
/// `JSONSerialization`; binary messages with `protobuf_c_message_pack`/`_unpack`.
public struct ProtoJSON: @unchecked Sendable {
    /// The message type this codec handles.
    public let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

    /// - Parameter descriptor: a generated message descriptor (see `KnownMessages` and
    ///   `MethodRegistry` for ways to obtain one).
    public init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        precondition(descriptor.pointee.magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, "not a protobuf-c message descriptor")
        self.descriptor = descriptor
    }

    /// Fully-qualified message name, e.g. `grpc.health.v1.HealthCheckRequest`.
    public var messageName: String { String(cString: descriptor.pointee.name) }

    /// JSON text → serialized protobuf message.
    public func encode(json: String) throws -> [UInt8] {
        let text = json.trimmingCharacters(in: .whitespacesAndNewlines)
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data((text.isEmpty ? "{}" : text).utf8), options: [.fragmentsAllowed])
        } catch {
            throw ProtoJSONError(path: "", "invalid JSON: \(Self.describe(error))")
        }
        return try encode(jsonObject: value)
    }

    /// A parsed JSON value (`[String: Any]` at the top) → serialized protobuf message.
    public func encode(jsonObject: Any) throws -> [UInt8] {
        let type = ProtoMessageType(entry: descriptor)
        let message = type.allocate()
        defer { protobuf_c_message_free_unpacked(message.assumingMemoryBound(to: ProtobufCMessage.self), nil) }
        try ProtoJSONDecoder.fill(message, type: type, from: jsonObject, path: "")
        let typed = UnsafePointer(message.assumingMemoryBound(to: ProtobufCMessage.self))
        let size = protobuf_c_message_get_packed_size(typed)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBufferPointer { protobuf_c_message_pack(typed, $0.baseAddress) }
        precondition(written == size, "protobuf_c_message_pack wrote \(written) of \(size) bytes")
        return bytes
    }

    /// Serialized protobuf message → JSON value tree.
    public func decodeToObject(_ bytes: [UInt8]) throws -> [String: Any] {
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(descriptor, nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw ProtoJSONError(path: "", "cannot parse \(bytes.count) bytes as \(messageName)")
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return ProtoJSONEncoder.object(of: UnsafeMutableRawPointer(unpacked), type: ProtoMessageType(entry: descriptor))
    }

    /// Serialized protobuf message → JSON text (keys sorted; pretty-printed unless `compact`).
    public func decode(_ bytes: [UInt8], compact: Bool = false) throws -> String {
        let object = try decodeToObject(bytes)
        if object.isEmpty { return "{}" }
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if !compact { options.insert(.prettyPrinted) }
        let data = try JSONSerialization.data(withJSONObject: object, options: options)
        return String(decoding: data, as: UTF8.self)
    }

    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}
