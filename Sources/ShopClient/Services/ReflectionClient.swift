import ShopProtoC
import ShopWire

/// A method as server reflection describes it.
public struct ReflectedMethod: Sendable, Equatable {
    public var name: String
    /// Fully-qualified type names without the leading dot.
    public var inputType: String
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool
}

/// Lists services and their methods through gRPC server reflection: v1 first, falling back
/// to v1alpha when the server does not implement v1.
public struct ReflectionClient: Sendable {
    public let connection: ClientConnection
    public var options: CallOptions

    public init(connection: ClientConnection, options: CallOptions = CallOptions()) {
        self.connection = connection
        self.options = options
    }

    /// Fully-qualified names of the services the server exposes, sorted.
    public func listServices() async throws -> [String] {
        let response = try await ask(["listServices": "*"])
        guard let list = response["listServicesResponse"] as? [String: Any] else {
            throw GRPCStatus(.internal, "reflection answered without a list_services_response")
        }
        let services = list["service"] as? [[String: Any]] ?? []
        return services.compactMap { $0["name"] as? String }.sorted()
    }

    /// The methods of `service` (fully qualified, e.g. `grpc.health.v1.Health`).
    /// - Throws: NOT_FOUND when the server does not know the service.
    public func methods(of service: String) async throws -> [ReflectedMethod] {
        let response = try await ask(["fileContainingSymbol": service])
        guard let files = (response["fileDescriptorResponse"] as? [String: Any])?["fileDescriptorProto"] as? [String] else {
            throw GRPCStatus(.internal, "reflection answered without a file_descriptor_response")
        }
        let fileCodec = KnownMessages.fileDescriptorProto
        for encoded in files {
            let bytes = try JSONScalar.base64(encoded, path: "fileDescriptorProto")
            let file = try fileCodec.decodeToObject(bytes)
            let package = file["package"] as? String ?? ""
            for candidate in file["service"] as? [[String: Any]] ?? [] {
                let name = candidate["name"] as? String ?? ""
                guard (package.isEmpty ? name : "\(package).\(name)") == service else { continue }
                return (candidate["method"] as? [[String: Any]] ?? []).map { method in
                    ReflectedMethod(name: method["name"] as? String ?? "",
                                    inputType: Self.typeName(method["inputType"]),
                                    outputType: Self.typeName(method["outputType"]),
                                    clientStreaming: method["clientStreaming"] as? Bool ?? false,
                                    serverStreaming: method["serverStreaming"] as? Bool ?? false)
                }
            }
        }
        throw GRPCStatus(.notFound, "service \(service) is not in the files the server returned")
    }

    /// Sends one reflection request (v1, then v1alpha) and returns the response as JSON.
    private func ask(_ request: [String: Any]) async throws -> [String: Any] {
        var lastStatus = GRPCStatus(.unimplemented)
        for version in ReflectionVersion.allCases {
            let bytes = try version.request.encode(jsonObject: request)
            let result = await connection.call(version.path, request: bytes, options: options)
            guard result.status.code == .ok else {
                lastStatus = result.status
                if result.status.code == .unimplemented { continue }
                throw result.status
            }
            guard let message = result.messages.first else {
                throw GRPCStatus(.internal, "reflection returned no response")
            }
            let response = try version.response.decodeToObject(message)
            if let error = response["errorResponse"] as? [String: Any] {
                let code = GRPCStatus.Code(rawValue: error["errorCode"] as? Int ?? 2) ?? .unknown
                throw GRPCStatus(code, error["errorMessage"] as? String ?? "")
            }
            return response
        }
        throw GRPCStatus(lastStatus.code, "server reflection (v1 and v1alpha) is not available: \(lastStatus.message)")
    }

    private static func typeName(_ value: Any?) -> String {
        let name = value as? String ?? ""
        return name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}

/// The two wire versions of server reflection (identical messages, different packages).
private enum ReflectionVersion: CaseIterable {
    case v1, v1alpha

    var path: MethodPath {
        switch self {
        case .v1: return MethodPath(service: "grpc.reflection.v1.ServerReflection", method: "ServerReflectionInfo")
        case .v1alpha: return MethodPath(service: "grpc.reflection.v1alpha.ServerReflection", method: "ServerReflectionInfo")
        }
    }

    var request: ProtoJSON {
        switch self {
        case .v1: return KnownMessages.reflectionRequestV1
        case .v1alpha: return KnownMessages.reflectionRequestV1Alpha
        }
    }

    var response: ProtoJSON {
        switch self {
        case .v1: return KnownMessages.reflectionResponseV1
        case .v1alpha: return KnownMessages.reflectionResponseV1Alpha
        }
    }
}
