import ShopProtoC
import ShopWire

/// A client of `grpc.health.v1.Health` (Check and Watch) over a `ClientConnection`.
public struct HealthClient: Sendable {
    public let connection: ClientConnection
    private static let request = KnownMessages.healthCheckRequest
    private static let response = KnownMessages.healthCheckResponse

    public init(connection: ClientConnection) { self.connection = connection }

    /// The serving status of `service` ("" = the server as a whole), e.g. `SERVING`.
    /// - Throws: the call's `GRPCStatus` when it is not OK (NOT_FOUND for an unknown service).
    public func check(service: String = "", options: CallOptions = CallOptions()) async throws -> String {
        let path = MethodPath(service: "grpc.health.v1.Health", method: "Check")
        let reply = await connection.unary(path, request: try Self.encode(service), options: options)
        guard reply.status.code == .ok, let message = reply.message else { throw reply.status }
        return try Self.status(of: message)
    }

    /// Every status change of `service`, starting with the current one. The sequence ends
    /// when the server ends the stream, and throws its status when that is not OK.
    public func watch(service: String = "", options: CallOptions = CallOptions()) throws -> AsyncThrowingStream<String, any Error> {
        let path = MethodPath(service: "grpc.health.v1.Health", method: "Watch")
        let call = connection.serverStreaming(path, request: try Self.encode(service), options: options)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await message in call.messages {
                        continuation.yield(try Self.status(of: message))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                task.cancel()
                call.cancel()
            }
        }
    }

    private static func encode(_ service: String) throws -> [UInt8] {
        try request.encode(jsonObject: ["service": service])
    }

    private static func status(of message: [UInt8]) throws -> String {
        let object = try response.decodeToObject(message)
        if let name = object["status"] as? String { return name }
        if let number = object["status"] as? Int { return String(number) }
        return "UNKNOWN"  // the default value is omitted from the JSON form
    }
}
