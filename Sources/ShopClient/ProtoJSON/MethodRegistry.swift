import CProtobufC
import ShopProtoC
import ShopWire

/// A compiled-in RPC method: its path, request/response message types and streaming shape
/// (from the compiled-in descriptor set; protobuf-c's method descriptors do not record it).
public struct MethodDescriptor: @unchecked Sendable {
    public let path: MethodPath
    public let input: ProtoJSON
    public let output: ProtoJSON
    public let clientStreaming: Bool
    public let serverStreaming: Bool
}

/// Looks methods up in `shop_service_registry` (every service compiled into ShopProtoC).
public enum MethodRegistry {
    /// Every compiled-in service descriptor.
    public static var services: [UnsafePointer<ProtobufCServiceDescriptor>] {
        let entries = shop_service_registry_entries()!
        return (0..<shop_service_registry_count).compactMap { entries[$0] }
    }

    /// Fully-qualified names of the compiled-in services, sorted.
    public static var serviceNames: [String] {
        services.map { String(cString: $0.pointee.name) }.sorted()
    }

    /// Parses `SERVICE/METHOD`, `/SERVICE/METHOD` or `SERVICE.METHOD` (service fully
    /// qualified, e.g. `grpc.health.v1.Health/Check`) and finds the method.
    public static func lookup(_ text: String) throws -> MethodDescriptor {
        let trimmed = text.hasPrefix("/") ? String(text.dropFirst()) : text
        let serviceName: String, methodName: String
        if let slash = trimmed.firstIndex(of: "/") {
            serviceName = String(trimmed[..<slash])
            methodName = String(trimmed[trimmed.index(after: slash)...])
        } else if let dot = trimmed.lastIndex(of: ".") {
            serviceName = String(trimmed[..<dot])
            methodName = String(trimmed[trimmed.index(after: dot)...])
        } else {
            throw ProtoJSONError(path: "", "'\(text)' is not SERVICE/METHOD (e.g. grpc.health.v1.Health/Check)")
        }
        guard let service = services.first(where: { String(cString: $0.pointee.name) == serviceName }) else {
            throw ProtoJSONError(path: "", "unknown service '\(serviceName)'; compiled-in services: \(serviceNames.joined(separator: ", "))")
        }
        let methods = (0..<Int(service.pointee.n_methods)).map { service.pointee.methods + $0 }
        guard let method = methods.first(where: { String(cString: $0.pointee.name) == methodName }) else {
            let names = methods.map { String(cString: $0.pointee.name) }
            throw ProtoJSONError(path: "", "service \(serviceName) has no method '\(methodName)' (methods: \(names.joined(separator: ", ")))")
        }
        let path = MethodPath(service: serviceName, method: methodName)
        let shape = streamingShapes[path] ?? (client: false, server: false)
        return MethodDescriptor(path: path, input: ProtoJSON(method.pointee.input), output: ProtoJSON(method.pointee.output),
                                clientStreaming: shape.client, serverStreaming: shape.server)
    }

    /// Streaming flags of every method in the compiled-in FileDescriptorSet.
    private static let streamingShapes: [MethodPath: (client: Bool, server: Bool)] = {
        let bytes = Array(UnsafeBufferPointer(start: shop_descriptor_set_bytes(), count: shop_descriptor_set_size))
        guard let set = try? KnownMessages.fileDescriptorSet.decodeToObject(bytes) else { return [:] }
        var shapes: [MethodPath: (client: Bool, server: Bool)] = [:]
        for file in set["file"] as? [[String: Any]] ?? [] {
            let package = file["package"] as? String ?? ""
            for service in file["service"] as? [[String: Any]] ?? [] {
                let name = service["name"] as? String ?? ""
                let fullName = package.isEmpty ? name : "\(package).\(name)"
                for method in service["method"] as? [[String: Any]] ?? [] {
                    let path = MethodPath(service: fullName, method: method["name"] as? String ?? "")
                    shapes[path] = (method["clientStreaming"] as? Bool ?? false, method["serverStreaming"] as? Bool ?? false)
                }
            }
        }
        return shapes
    }()
}
