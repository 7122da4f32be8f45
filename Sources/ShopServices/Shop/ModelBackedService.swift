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

/// Small checks shared by the request validators; each failure is INVALID_ARGUMENT naming the field.
enum RequestValidation {
    static func invalid(_ field: String, _ reason: String) -> GRPCStatus {
        GRPCStatus(.invalidArgument, "\(field): \(reason)")
    }

    static func requireNonEmpty(_ value: UnsafeMutablePointer<CChar>?, _ field: String) throws {
        guard let value, value.pointee != 0 else { throw invalid(field, "must not be empty") }
    }

    static func requireRange<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ field: String) throws {
        guard range.contains(value) else { throw invalid(field, "must be in \(range.lowerBound)...\(range.upperBound), got \(value)") }
    }

    static func requireCount(_ count: Int, atLeast minimum: Int = 1, atMost maximum: Int, _ field: String) throws {
        guard count >= minimum else { throw invalid(field, "needs at least \(minimum) entr\(minimum == 1 ? "y" : "ies")") }
        guard count <= maximum else { throw invalid(field, "has \(count) entries, at most \(maximum) allowed") }
    }
}
