import CProtobufC
import ShopProtoC
import ShopServices
import ShopWire
import Testing

@Suite struct ReflectionServiceTests {
    typealias Request = Grpc__Reflection__V1__ServerReflectionRequest
    typealias Response = Grpc__Reflection__V1__ServerReflectionResponse
    let requestType = ProtoMessageType<Request>(grpc__reflection__v1__server_reflection_request__init)
    let responseType = ProtoMessageType<Response>(grpc__reflection__v1__server_reflection_response__init)
    let fileType = ProtoMessageType<Google__Protobuf__FileDescriptorProto>(google__protobuf__file_descriptor_proto__init)
    let arena = MessageArena()

    func request(_ fill: (UnsafeMutablePointer<Request>, MessageArena) -> Void) -> [UInt8] {
        let message = arena.make(requestType)
        fill(message, arena)
        return requestType.encode(message)
    }

    func symbolRequest(_ symbol: String) -> [UInt8] {
        request { m, a in
            m.pointee.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL
            m.pointee.file_containing_symbol = a.copy(symbol)
        }
    }

    func fileNames(_ response: UnsafeMutablePointer<Response>) throws -> [String] {
        let body = try #require(response.pointee.file_descriptor_response)
        return try (0..<body.pointee.n_file_descriptor_proto).map { i in
            let blob = body.pointee.file_descriptor_proto[i]
            let file = try fileType.decode(UnsafeRawBufferPointer(start: blob.data, count: blob.len), in: arena)
            return String(cString: file.pointee.name)
        }
    }

    @Test func answersEveryRequestKindOnOneStream() throws {
        for service in ReflectionService.both(listedServices: ["b.B", "a.A"]) {
            let listRequest = request { m, a in
                m.pointee.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES
                m.pointee.list_services = a.copy("*")
            }
            let byFile = request { m, a in
                m.pointee.host = a.copy("localhost")
                m.pointee.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME
                m.pointee.file_by_filename = a.copy("grpc/health/v1/health.proto")
            }
            let extensions = request { m, a in
                m.pointee.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE
                m.pointee.all_extension_numbers_of_type = a.copy("grpc.health.v1.HealthCheckRequest")
            }
            let (call, _) = RecordingCall.run(service, "ServerReflectionInfo", messages: [
                listRequest, byFile, symbolRequest("grpc.health.v1.Health.Check"), symbolRequest("no.such.Symbol"), extensions,
            ])
            #expect(call.status == .ok)
            let responses = try call.sent.map { try responseType.decode($0, in: arena) }
            try #require(responses.count == 5)

            let list = try #require(responses[0].pointee.list_services_response)
            #expect((0..<list.pointee.n_service).map { String(cString: list.pointee.service[$0]!.pointee.name) } == ["a.A", "b.B"])

            #expect(try fileNames(responses[1]) == ["grpc/health/v1/health.proto"])
            #expect(String(cString: responses[1].pointee.valid_host) == "localhost")
            #expect(responses[1].pointee.original_request != nil)
            #expect(try fileNames(responses[2]) == ["grpc/health/v1/health.proto"])

            let error = try #require(responses[3].pointee.error_response)
            #expect(error.pointee.error_code == Int32(GRPCStatus.Code.notFound.rawValue))
            #expect(String(cString: error.pointee.error_message).contains("no.such.Symbol"))

            let numbers = try #require(responses[4].pointee.all_extension_numbers_response)
            #expect(String(cString: numbers.pointee.base_type_name) == "grpc.health.v1.HealthCheckRequest")
            #expect(numbers.pointee.n_extension_number == 0)
        }
    }

    @Test func aRequestWithoutAQuestionGetsAnErrorResponseAndMalformedBytesEndTheCall() throws {
        let service = ReflectionService(serviceName: ReflectionService.v1Name, index: .compiledIn, listedServices: [])
        let (empty, _) = RecordingCall.run(service, "ServerReflectionInfo", messages: [[]])
        let response = try responseType.decode(try #require(empty.sent.first), in: arena)
        #expect(response.pointee.error_response?.pointee.error_code == Int32(GRPCStatus.Code.invalidArgument.rawValue))

        let (malformed, _) = RecordingCall.run(service, "ServerReflectionInfo", messages: [[0x22, 0x09, 0x01]], halfClose: false)
        #expect(malformed.status?.code == .invalidArgument)
    }

    /// The premise of serving v1alpha with the v1 types: the messages are wire-identical.
    @Test func v1AndV1alphaMessagesAreWireIdentical() {
        func same(_ a: UnsafePointer<ProtobufCMessageDescriptor>, _ b: UnsafePointer<ProtobufCMessageDescriptor>) -> Bool {
            guard a.pointee.n_fields == b.pointee.n_fields else { return false }
            for i in 0..<Int(a.pointee.n_fields) {
                let x = a.pointee.fields[i], y = b.pointee.fields[i]
                guard x.id == y.id, x.type == y.type, x.label == y.label,
                      String(cString: x.name) == String(cString: y.name) else { return false }
                if x.type == PROTOBUF_C_TYPE_MESSAGE {
                    let dx = x.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    let dy = y.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    guard same(dx, dy) else { return false }
                }
            }
            return true
        }
        let v1Request = ProtoMessageType<Grpc__Reflection__V1__ServerReflectionRequest>(grpc__reflection__v1__server_reflection_request__init)
        let alphaRequest = ProtoMessageType<Grpc__Reflection__V1alpha__ServerReflectionRequest>(grpc__reflection__v1alpha__server_reflection_request__init)
        let v1Response = ProtoMessageType<Grpc__Reflection__V1__ServerReflectionResponse>(grpc__reflection__v1__server_reflection_response__init)
        let alphaResponse = ProtoMessageType<Grpc__Reflection__V1alpha__ServerReflectionResponse>(grpc__reflection__v1alpha__server_reflection_response__init)
        #expect(same(v1Request.descriptor, alphaRequest.descriptor))
        #expect(same(v1Response.descriptor, alphaResponse.descriptor))
    }
}

@Suite struct ShopServiceSetTests {
    @Test func registersHealthReflectionAndListsThemAll() {
        let set = makeShopServices()
        let router = ServiceRouter()
        set.register(in: router)
        #expect(router.serviceNames == set.serviceNames)
        for name in [HealthService.name, ReflectionService.v1Name, ReflectionService.v1alphaName] {
            #expect(router.service(named: name) != nil)
            #expect(set.health.registry.status(of: name) == .serving)
        }
        #expect(set.reflection[0].listedServices == set.serviceNames)
        set.beginDraining()
        #expect(set.health.registry.status(of: "") == .notServing)
    }
}
