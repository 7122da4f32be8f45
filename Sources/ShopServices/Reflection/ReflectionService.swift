import CProtobufC
import ShopProtoC
import ShopWire

/// gRPC server reflection (`grpc.reflection.v1.ServerReflection` and the older
/// `grpc.reflection.v1alpha.ServerReflection`) over a `DescriptorIndex`.
///
/// One implementation serves both names: the two protos' messages are wire-identical (same
/// field numbers and types), so both are decoded and encoded with the v1 protobuf-c types.
/// Every file answer carries the requested file(s) plus their transitive dependencies; unknown
/// names get an `error_response` with NOT_FOUND and the stream stays open.
public final class ReflectionService: GRPCService {
    public static let v1Name = "grpc.reflection.v1.ServerReflection"
    public static let v1alphaName = "grpc.reflection.v1alpha.ServerReflection"

    typealias Request = Grpc__Reflection__V1__ServerReflectionRequest
    typealias Response = Grpc__Reflection__V1__ServerReflectionResponse
    static let requestType = ProtoMessageType<Request>(grpc__reflection__v1__server_reflection_request__init)
    static let responseType = ProtoMessageType<Response>(grpc__reflection__v1__server_reflection_response__init)

    private let definition: ServiceDefinition
    /// The index answers are drawn from.
    public let index: DescriptorIndex
    /// What list_services answers, sorted.
    public let listedServices: [String]

    /// - Parameters:
    ///   - serviceName: `v1Name` or `v1alphaName`.
    ///   - index: the descriptors to serve (normally `DescriptorIndex.compiledIn`).
    ///   - listedServices: the services the server registers (list_services answers them).
    public init(serviceName: String, index: DescriptorIndex, listedServices: [String]) {
        precondition(serviceName == Self.v1Name || serviceName == Self.v1alphaName, "not a reflection service: \(serviceName)")
        self.index = index
        self.listedServices = listedServices.sorted()
        let answerer = ReflectionAnswerer(index: index, listedServices: self.listedServices)
        definition = ServiceDefinition(name: serviceName, methods: [
            .bidiStreaming("ServerReflectionInfo", request: Self.requestType, response: Self.responseType) { _ in
                BidiStreamingMethod(onMessage: { request, stream in
                    stream.send { arena in answerer.answer(request, in: arena) }
                })
            },
        ])
    }

    /// Both registrations (v1 and v1alpha) over one index.
    public static func both(index: DescriptorIndex = .compiledIn, listedServices: [String]) -> [ReflectionService] {
        [v1Name, v1alphaName].map { ReflectionService(serviceName: $0, index: index, listedServices: listedServices) }
    }

    public var serviceName: String { definition.serviceName }
    public var methodNames: [String] { definition.methodNames }
    public func makeHandler(method: String, call: ServerCall) -> ServerCallHandler? {
        definition.makeHandler(method: method, call: call)
    }
}

/// Turns one reflection request into its response (pure: index in, message out).
struct ReflectionAnswerer: Sendable {
    typealias Request = ReflectionService.Request
    typealias Response = ReflectionService.Response

    let index: DescriptorIndex
    let listedServices: [String]

    static let fileDescriptorResponseType = ProtoMessageType<Grpc__Reflection__V1__FileDescriptorResponse>(
        grpc__reflection__v1__file_descriptor_response__init)
    static let extensionNumberResponseType = ProtoMessageType<Grpc__Reflection__V1__ExtensionNumberResponse>(
        grpc__reflection__v1__extension_number_response__init)
    static let listServiceResponseType = ProtoMessageType<Grpc__Reflection__V1__ListServiceResponse>(
        grpc__reflection__v1__list_service_response__init)
    static let serviceResponseType = ProtoMessageType<Grpc__Reflection__V1__ServiceResponse>(
        grpc__reflection__v1__service_response__init)
    static let errorResponseType = ProtoMessageType<Grpc__Reflection__V1__ErrorResponse>(grpc__reflection__v1__error_response__init)

    func answer(_ request: UnsafeMutablePointer<Request>, in arena: MessageArena) -> UnsafePointer<Response> {
        let response = arena.make(ReflectionService.responseType)
        response.pointee.valid_host = arena.copy(string(request.pointee.host))
        response.pointee.original_request = request
        let r = request.pointee
        switch r.message_request_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
            let name = string(r.file_by_filename)
            fileAnswer(index.files[name] == nil ? nil : [name], notFound: "file not found: \(name)", response, arena)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
            let symbol = string(r.file_containing_symbol)
            fileAnswer(index.fileNames(containingSymbol: symbol), notFound: "symbol not found: \(symbol)", response, arena)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION:
            let type = string(r.file_containing_extension?.pointee.containing_type)
            let number = r.file_containing_extension?.pointee.extension_number ?? 0
            let file = index.fileName(containingExtensionOf: type, number: number)
            fileAnswer(file.map { [$0] }, notFound: "extension \(number) of \(type) not found", response, arena)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE:
            let type = string(r.all_extension_numbers_of_type)
            if let numbers = index.extensionNumbers(of: type) {
                let body = arena.make(Self.extensionNumberResponseType)
                body.pointee.base_type_name = arena.copy(type.hasPrefix(".") ? String(type.dropFirst()) : type)
                body.pointee.n_extension_number = numbers.count
                let storage = arena.allocate(Int32.self, count: numbers.count)
                for (i, number) in numbers.enumerated() { storage[i] = number }
                body.pointee.extension_number = storage
                response.pointee.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE
                response.pointee.all_extension_numbers_response = body
            } else {
                error(.notFound, "type not found: \(type)", response, arena)
            }
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES:
            let body = arena.make(Self.listServiceResponseType)
            let entries = arena.allocate(UnsafeMutablePointer<Grpc__Reflection__V1__ServiceResponse>?.self, count: listedServices.count)
            for (i, name) in listedServices.enumerated() {
                let entry = arena.make(Self.serviceResponseType)
                entry.pointee.name = arena.copy(name)
                entries[i] = entry
            }
            body.pointee.n_service = listedServices.count
            body.pointee.service = entries
            response.pointee.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE
            response.pointee.list_services_response = body
        default:
            error(.invalidArgument, "reflection request sets none of the known message_request fields", response, arena)
        }
        return UnsafePointer(response)
    }

    private func fileAnswer(_ names: [String]?, notFound: String, _ response: UnsafeMutablePointer<Response>, _ arena: MessageArena) {
        guard let names, let files = index.withTransitiveDependencies(names) else {
            return error(.notFound, notFound, response, arena)
        }
        let body = arena.make(Self.fileDescriptorResponseType)
        let blobs = arena.allocate(ProtobufCBinaryData.self, count: files.count)
        for (i, file) in files.enumerated() { blobs[i] = arena.copy(bytes: file.serialized) }
        body.pointee.n_file_descriptor_proto = files.count
        body.pointee.file_descriptor_proto = blobs
        response.pointee.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE
        response.pointee.file_descriptor_response = body
    }

    private func error(_ code: GRPCStatus.Code, _ message: String, _ response: UnsafeMutablePointer<Response>, _ arena: MessageArena) {
        let body = arena.make(Self.errorResponseType)
        body.pointee.error_code = Int32(code.rawValue)
        body.pointee.error_message = arena.copy(message)
        response.pointee.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE
        response.pointee.error_response = body
    }

    private func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
