import ShopWire

/// A `shop.v1` service whose answers come from one model. Every method decodes and validates
/// its request first (malformed → INVALID_ARGUMENT, invalid → INVALID_ARGUMENT with the
/// reason). Methods built with `ModelMethod.scheduled` then resolve the model version and run
/// the service's model code; methods still built with `ModelMethod.unary` answer UNAVAILABLE
/// while the model is not loaded and UNIMPLEMENTED once it is — never a made-up result.
public final class ModelBackedService: GRPCService {
    public let serviceName: String
    /// The model-repository name of the model behind this service.
    public let modelName: String
    private let definition: ServiceDefinition

    /// - Parameters:
    ///   - name: fully-qualified service name, e.g. `shop.v1.RankService`.
    ///   - model: the model's name in the repository.
    ///   - methods: the service's methods.
    ///   - models: which models are loaded, and which version serves a call.
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

    /// A unary method served by the model: decode, `validate` (throw `RequestValidation`
    /// failures), resolve the version the request pins (`version`: its `model_version`
    /// field; empty = newest), then `run` on the call's reactor thread.
    ///
    /// `run` does the model-specific work with the `ServedModel` lease, typically
    /// `served.compute(rows:context:responder:fill:respond:)`, and answers through the
    /// responder now or later; echoing `served.version` in the response's `model_version`
    /// is its job. A `GRPCStatus` thrown by `run` finishes the call. The stream's
    /// cancellation is wired to the lease's computations; the request pointer is valid
    /// until the call ends.
    ///
    /// ```swift
    /// .scheduled("Rank", request: requestType, response: responseType, version: \.model_version,
    ///            validate: validate) { request, served, responder in
    ///     let model = try served.model(as: RankModel.self)
    ///     try served.compute(rows: n, context: features, responder: responder, fill: { rows in ... }) { output, arena in
    ///         ... build the response in `arena`, model_version = "\(served.version)" ...
    ///     }
    /// }
    /// ```
    static func scheduled<Request, Response>(
        _ name: String, request: ProtoMessageType<Request>, response: ProtoMessageType<Response>,
        version: KeyPath<Request, UnsafeMutablePointer<CChar>?>,
        validate: @escaping (UnsafeMutablePointer<Request>) throws -> Void,
        run: @escaping (_ request: UnsafeMutablePointer<Request>, _ served: ServedModel,
                        _ responder: UnaryResponder<Response>) throws -> Void
    ) -> ModelMethod {
        ModelMethod { _, model, models in
            .unary(name, request: request, response: response) { message, responder in
                try validate(message)
                let pin = message.pointee[keyPath: version].map { String(cString: $0) } ?? ""
                let served = try models.resolve(model: model, pinnedVersion: pin)
                served.cancelComputations(whenCancelled: responder.stream)
                try run(message, served, responder)
            }
        }
    }

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
