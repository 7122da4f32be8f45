/// One method of a service: its name and how to make a handler for a new call.
public struct MethodDefinition {
    /// The method name, e.g. `Check`.
    public let name: String
    /// Creates the handler of one call.
    public let makeHandler: (ServerCall) -> ServerCallHandler

    public init(name: String, makeHandler: @escaping (ServerCall) -> ServerCallHandler) {
        self.name = name
        self.makeHandler = makeHandler
    }

    /// A unary method over protobuf-c types.
    public static func unary<Request, Response>(
        _ name: String, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
        _ method: @escaping UnaryMethod<Request, Response>
    ) -> MethodDefinition {
        MethodDefinition(name: name) { call in
            UnaryCallHandler(call: call, request: request, response: response, method: method)
        }
    }

    /// A server-streaming method over protobuf-c types.
    public static func serverStreaming<Request, Response>(
        _ name: String, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
        _ method: @escaping ServerStreamingMethod<Request, Response>
    ) -> MethodDefinition {
        MethodDefinition(name: name) { call in
            ServerStreamingCallHandler(call: call, request: request, response: response, method: method)
        }
    }

    /// A bidirectional-streaming method over protobuf-c types; `makeMethod` runs once per call
    /// so per-call state can live in its closures.
    public static func bidiStreaming<Request, Response>(
        _ name: String, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
        _ makeMethod: @escaping (ServerCall) -> BidiStreamingMethod<Request, Response>
    ) -> MethodDefinition {
        MethodDefinition(name: name) { call in
            BidiStreamingCallHandler(call: call, request: request, response: response, method: makeMethod(call))
        }
    }
}

/// A `GRPCService` assembled from method definitions: the table the router consults.
public final class ServiceDefinition: GRPCService {
    public let serviceName: String
    public let methodNames: [String]
    private let methods: [String: MethodDefinition]

    public init(name: String, methods: [MethodDefinition]) {
        serviceName = name
        methodNames = methods.map(\.name)
        self.methods = Dictionary(methods.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        methods[method]?.makeHandler(call)
    }
}
