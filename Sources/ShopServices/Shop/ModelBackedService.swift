import ShopWire

/// A `shop.v1` service whose answers come from one model. Every method decodes and validates
/// its request first (malformed → INVALID_ARGUMENT, invalid → INVALID_ARGUMENT with the
/// reason), then answers UNAVAILABLE while the model is not loaded. With the model loaded and
/// no inference path wired yet, it answers UNIMPLEMENTED — never a made-up result.
public final class ModelBackedService: GRPCService {
    public let serviceName: String
    /// The model-repository name of the model behind this service.
    public let modelName: String
    private let definition: ServiceDefinition

    /// - Parameters:
    ///   - name: fully-qualified service name, e.g. `shop.v1.RankService`.
    ///   - model: the model's name in the repository.
    ///   - methods: the service's methods.
    ///   - models: which models are loaded.
    init(name: String, model: String, methods: [ModelMethod], models: any ModelAvailability) {
        serviceName = name
        modelName = model
        definition = ServiceDefinition(name: name, methods: methods.map { $0.make(name, model, models) })
    }

    public var methodNames: [String] { definition.methodNames }
    public func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        definition.makeHandler(method: method, call: call)
    }
}

/// One method of a model-backed service, before it is bound to its service and model.
struct ModelMethod {
    let make: (_ service: String, _ model: String, _ models: any ModelAvailability) -> MethodDefinition

    /// A unary method: decode, `validate` (throw `RequestValidation` failures), then the model state.
    static func unary<Request, Response>(
        _ name: String, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
        validate: @escaping (UnsafeMutablePointer<Request>) throws -> Void
    ) -> ModelMethod {
        ModelMethod { service, model, models in
            .unary(name, request: request, response: response) { message, _ in
                try validate(message)
                throw Self.statusWithoutInference(method: "\(service)/\(name)", model: model, models: models)
            }
        }
    }

    /// The honest answer while no inference path is wired: UNAVAILABLE without a model,
    /// UNIMPLEMENTED with one.
    static func statusWithoutInference(method: String, model: String, models: any ModelAvailability) -> GRPCStatus {
        guard models.isLoaded(model) else {
            return GRPCStatus(.unavailable, "model '\(model)' is not loaded")
        }
        return GRPCStatus(.unimplemented, "\(method): model '\(model)' is loaded but its inference path is not implemented yet")
    }
}
