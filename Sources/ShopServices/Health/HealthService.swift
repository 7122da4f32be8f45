import CProtobufC
import ShopProtoC
import ShopWire

/// `grpc.health.v1.Health` (grpc/doc/health-checking.md) over a `HealthStatusRegistry`.
///
/// - Check: the status of a service name ("" = the server as a whole); NOT_FOUND for an
///   unknown name.
/// - Watch: streams the status now and after every change; an unknown name gets
///   SERVICE_UNKNOWN and the call stays open in case the service appears. When the server
///   starts draining, every watcher gets NOT_SERVING and its call then ends with UNAVAILABLE,
///   so open watches do not hold a graceful shutdown for its whole grace period.
public final class HealthService: GRPCService {
    public static let name = "grpc.health.v1.Health"

    /// The state machine behind the service (set statuses here; shopserve calls
    /// `beginDraining()` from the transport's drain hook).
    public let registry: HealthStatusRegistry
    private let definition: ServiceDefinition

    typealias Request = Grpc__Health__V1__HealthCheckRequest
    typealias Response = Grpc__Health__V1__HealthCheckResponse
    static let requestType = ProtoMessageType<Request>(grpc__health__v1__health_check_request__init)
    static let responseType = ProtoMessageType<Response>(grpc__health__v1__health_check_response__init)

    public init(registry: HealthStatusRegistry = HealthStatusRegistry()) {
        self.registry = registry
        definition = ServiceDefinition(name: Self.name, methods: [
            .unary("Check", request: Self.requestType, response: Self.responseType) { [registry] request, responder in
                let service = String(cString: request.pointee.service)
                guard let status = registry.status(of: service) else {
                    throw GRPCStatus(.notFound, "unknown service '\(service)'")
                }
                responder.respond { arena in Self.response(status, in: arena) }
            },
            .serverStreaming("Watch", request: Self.requestType, response: Self.responseType) { [registry] request, stream in
                Self.watch(service: String(cString: request.pointee.service), registry: registry, stream: stream)
            },
        ])
    }

    public var serviceName: String { definition.serviceName }
    public var methodNames: [String] { definition.methodNames }
    public func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        definition.makeHandler(method: method, call: call)
    }

    /// Marks `service` SERVING.
    public func setServing(_ service: String) { registry.setServing(service) }
    /// Marks `service` NOT_SERVING.
    public func setNotServing(_ service: String) { registry.setNotServing(service) }
    /// Everything NOT_SERVING from now on; watchers are told and their calls end.
    public func beginDraining() { registry.beginDraining() }

    private static func response(_ status: ServingStatus, in arena: MessageArena) -> UnsafePointer<Response> {
        let message = arena.make(responseType)
        message.pointee.status = Grpc__Health__V1__HealthCheckResponse__ServingStatus(rawValue: UInt32(status.rawValue))
        return UnsafePointer(message)
    }

    /// The last status sent on one Watch call (touched only on the call's thread).
    private final class WatchProgress: @unchecked Sendable {
        var lastSent: ServingStatus?
        var watcherID: UInt64 = 0
    }

    private static func watch(service: String, registry: HealthStatusRegistry, stream: ResponseStream<Response>) {
        let progress = WatchProgress()
        let update: @Sendable (ServingStatus, Bool) -> Void = { status, draining in
            guard !stream.isFinished else { return }
            if status != progress.lastSent {
                progress.lastSent = status
                stream.send { arena in response(status, in: arena) }
            }
            if draining {
                registry.removeWatcher(progress.watcherID)
                stream.finish(GRPCStatus(.unavailable, "server is shutting down"))
            }
        }
        let (id, initial, draining) = registry.addWatcher(of: service, executor: stream.call.executor, listener: update)
        progress.watcherID = id
        stream.onCancel = { registry.removeWatcher(id) }
        update(initial, draining)
    }
}
