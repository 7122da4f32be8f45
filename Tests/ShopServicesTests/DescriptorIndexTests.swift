import CProtobufC
import ShopProtoC
import ShopServices
import ShopWire
import Testing

/// Builds small FileDescriptorSets with protobuf-c itself, so every symbol kind (nested types,
/// extensions, dependencies) is exercised without depending on which protos are compiled in.
private struct DescriptorSetBuilder {
    let arena = MessageArena()
    static let setType = ProtoMessageType<Google__Protobuf__FileDescriptorSet>(google__protobuf__file_descriptor_set__init)
    static let fileType = ProtoMessageType<Google__Protobuf__FileDescriptorProto>(google__protobuf__file_descriptor_proto__init)
    static let messageType = ProtoMessageType<Google__Protobuf__DescriptorProto>(google__protobuf__descriptor_proto__init)
    static let fieldType = ProtoMessageType<Google__Protobuf__FieldDescriptorProto>(google__protobuf__field_descriptor_proto__init)
    static let enumType = ProtoMessageType<Google__Protobuf__EnumDescriptorProto>(google__protobuf__enum_descriptor_proto__init)
    static let valueType = ProtoMessageType<Google__Protobuf__EnumValueDescriptorProto>(google__protobuf__enum_value_descriptor_proto__init)
    static let serviceType = ProtoMessageType<Google__Protobuf__ServiceDescriptorProto>(google__protobuf__service_descriptor_proto__init)
    static let methodType = ProtoMessageType<Google__Protobuf__MethodDescriptorProto>(google__protobuf__method_descriptor_proto__init)

    func list<T>(_ items: [UnsafeMutablePointer<T>]) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?> {
        let storage = arena.allocate(UnsafeMutablePointer<T>?.self, count: items.count)
        for (i, item) in items.enumerated() { storage[i] = item }
        return storage
    }

    func field(_ name: String, _ number: Int32, extendee: String? = nil) -> UnsafeMutablePointer<Google__Protobuf__FieldDescriptorProto> {
        let f = arena.make(Self.fieldType)
        f.pointee.name = arena.copy(name)
        f.pointee.has_number = 1
        f.pointee.number = number
        f.pointee.has_type = 1
        f.pointee.type = GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32
        if let extendee { f.pointee.extendee = arena.copy(extendee) }
        return f
    }

    func enumeration(_ name: String, _ values: [String]) -> UnsafeMutablePointer<Google__Protobuf__EnumDescriptorProto> {
        let e = arena.make(Self.enumType)
        e.pointee.name = arena.copy(name)
        let items = values.enumerated().map { i, value -> UnsafeMutablePointer<Google__Protobuf__EnumValueDescriptorProto> in
            let v = arena.make(Self.valueType)
            v.pointee.name = arena.copy(value)
            v.pointee.has_number = 1
            v.pointee.number = Int32(i)
            return v
        }
        e.pointee.n_value = items.count
        e.pointee.value = list(items)
        return e
    }

    func message(_ name: String, fields: [UnsafeMutablePointer<Google__Protobuf__FieldDescriptorProto>] = [],
                 nested: [UnsafeMutablePointer<Google__Protobuf__DescriptorProto>] = [],
                 enums: [UnsafeMutablePointer<Google__Protobuf__EnumDescriptorProto>] = [],
                 extensions: [UnsafeMutablePointer<Google__Protobuf__FieldDescriptorProto>] = []) -> UnsafeMutablePointer<Google__Protobuf__DescriptorProto> {
        let m = arena.make(Self.messageType)
        m.pointee.name = arena.copy(name)
        (m.pointee.n_field, m.pointee.field) = (fields.count, list(fields))
        (m.pointee.n_nested_type, m.pointee.nested_type) = (nested.count, list(nested))
        (m.pointee.n_enum_type, m.pointee.enum_type) = (enums.count, list(enums))
        (m.pointee.n_extension, m.pointee.extension) = (extensions.count, list(extensions))
        return m
    }

    func file(_ name: String, package: String, dependencies: [String] = [],
              messages: [UnsafeMutablePointer<Google__Protobuf__DescriptorProto>] = [],
              enums: [UnsafeMutablePointer<Google__Protobuf__EnumDescriptorProto>] = [],
              extensions: [UnsafeMutablePointer<Google__Protobuf__FieldDescriptorProto>] = [],
              service: (String, [String])? = nil) -> UnsafeMutablePointer<Google__Protobuf__FileDescriptorProto> {
        let f = arena.make(Self.fileType)
        f.pointee.name = arena.copy(name)
        f.pointee.package = arena.copy(package)
        let deps = arena.allocate(UnsafeMutablePointer<CChar>?.self, count: dependencies.count)
        for (i, dependency) in dependencies.enumerated() { deps[i] = arena.copy(dependency) }
        (f.pointee.n_dependency, f.pointee.dependency) = (dependencies.count, deps)
        (f.pointee.n_message_type, f.pointee.message_type) = (messages.count, list(messages))
        (f.pointee.n_enum_type, f.pointee.enum_type) = (enums.count, list(enums))
        (f.pointee.n_extension, f.pointee.extension) = (extensions.count, list(extensions))
        if let (serviceName, methods) = service {
            let s = arena.make(Self.serviceType)
            s.pointee.name = arena.copy(serviceName)
            let items = methods.map { methodName -> UnsafeMutablePointer<Google__Protobuf__MethodDescriptorProto> in
                let m = arena.make(Self.methodType)
                m.pointee.name = arena.copy(methodName)
                m.pointee.input_type = arena.copy(".base.Item")
                m.pointee.output_type = arena.copy(".base.Item")
                return m
            }
            (s.pointee.n_method, s.pointee.method) = (items.count, list(items))
            (f.pointee.n_service, f.pointee.service) = (1, list([s]))
        }
        return f
    }

    func serialize(_ files: [UnsafeMutablePointer<Google__Protobuf__FileDescriptorProto>]) -> [UInt8] {
        let set = arena.make(Self.setType)
        (set.pointee.n_file, set.pointee.file) = (files.count, list(files))
        return Self.setType.encode(set)
    }
}

@Suite struct DescriptorIndexTests {
    /// base.proto: package base; message Item { int32 id = 1; message Part { enum Kind { A, B } } }
    ///   enum Color { RED, GREEN }
    /// more.proto (imports base.proto): package base.more; extend base.Item { int32 weight = 100; }
    ///   message Holder { extend base.Item { int32 size = 101; } } service Store { Get, Put }
    /// top.proto (imports more.proto), same package as more.proto.
    func makeIndex() throws -> DescriptorIndex {
        let b = DescriptorSetBuilder()
        let base = b.file("base.proto", package: "base", messages: [
            b.message("Item", fields: [b.field("id", 1)], nested: [b.message("Part", enums: [b.enumeration("Kind", ["A", "B"])])]),
        ], enums: [b.enumeration("Color", ["RED", "GREEN"])])
        let more = b.file("more.proto", package: "base.more", dependencies: ["base.proto"],
                          messages: [b.message("Holder", extensions: [b.field("size", 101, extendee: ".base.Item")])],
                          extensions: [b.field("weight", 100, extendee: ".base.Item")],
                          service: ("Store", ["Get", "Put"]))
        let top = b.file("top.proto", package: "base.more", dependencies: ["more.proto"])
        let bytes = b.serialize([base, more, top])
        return try bytes.withUnsafeBytes { try DescriptorIndex(serializedFileDescriptorSet: $0) }
    }

    @Test func indexesEverySymbolKind() throws {
        let index = try makeIndex()
        let expected: [(String, DescriptorIndex.SymbolKind, String)] = [
            ("base", .package, "base.proto"),
            ("base.Item", .message, "base.proto"),
            ("base.Item.id", .field, "base.proto"),
            ("base.Item.Part", .message, "base.proto"),
            ("base.Item.Part.Kind", .enum, "base.proto"),
            ("base.Item.Part.A", .enumValue, "base.proto"),
            ("base.Item.Part.Kind.B", .enumValue, "base.proto"),
            ("base.Color", .enum, "base.proto"),
            ("base.RED", .enumValue, "base.proto"),
            ("base.more.Store", .service, "more.proto"),
            ("base.more.Store.Put", .method, "more.proto"),
            ("base.more.weight", .extension, "more.proto"),
            ("base.more.Holder.size", .extension, "more.proto"),
        ]
        for (name, kind, file) in expected {
            #expect(index.symbols[name]?.kind == kind, "\(name)")
            #expect(index.fileNames(containingSymbol: name)?.first == file, "\(name)")
        }
        #expect(index.fileNames(containingSymbol: ".base.Item") == ["base.proto"])
        #expect(index.fileNames(containingSymbol: "base.more") == ["more.proto", "top.proto"])
        #expect(index.fileNames(containingSymbol: "base.Missing") == nil)
        #expect(index.fileNames(containingSymbol: "") == nil)
    }

    @Test func answersFilesWithTransitiveDependenciesOnce() throws {
        let index = try makeIndex()
        #expect(index.withTransitiveDependencies(["top.proto"])?.map(\.name) == ["top.proto", "more.proto", "base.proto"])
        #expect(index.withTransitiveDependencies(["more.proto", "top.proto"])?.map(\.name) == ["more.proto", "top.proto", "base.proto"])
        #expect(index.withTransitiveDependencies(["nope.proto"]) == nil)
        // The serialized files decode back to themselves.
        let fileType = ProtoMessageType<Google__Protobuf__FileDescriptorProto>(google__protobuf__file_descriptor_proto__init)
        let arena = MessageArena()
        let decoded = try fileType.decode(index.files["more.proto"]!.serialized, in: arena)
        #expect(String(cString: decoded.pointee.name) == "more.proto")
        #expect(decoded.pointee.n_service == 1)
    }

    @Test func indexesExtensionsByExtendeeAndNumber() throws {
        let index = try makeIndex()
        #expect(index.fileName(containingExtensionOf: "base.Item", number: 100) == "more.proto")
        #expect(index.fileName(containingExtensionOf: ".base.Item", number: 101) == "more.proto")
        #expect(index.fileName(containingExtensionOf: "base.Item", number: 7) == nil)
        #expect(index.extensionNumbers(of: "base.Item") == [100, 101])
        #expect(index.extensionNumbers(of: "base.Item.Part") == [])
        #expect(index.extensionNumbers(of: "base.Color") == nil)
        #expect(index.extensionNumbers(of: "base.Nope") == nil)
    }

    @Test func rejectsBytesThatAreNotADescriptorSet() {
        #expect(throws: GRPCStatus.self) {
            _ = try [UInt8]([0x0A, 0x7F, 0x01]).withUnsafeBytes { try DescriptorIndex(serializedFileDescriptorSet: $0) }
        }
    }

    @Test func compiledInSetHasTheStandardServices() {
        let index = DescriptorIndex.compiledIn
        #expect(index.fileNames(containingSymbol: "grpc.health.v1.Health.Watch") == ["grpc/health/v1/health.proto"])
        #expect(index.fileNames(containingSymbol: "grpc.reflection.v1alpha.ServerReflection")
            == ["grpc/reflection/v1alpha/reflection.proto"])
        #expect(index.symbols["grpc.health.v1.HealthCheckResponse.ServingStatus"]?.kind == .enum)
        #expect(index.symbols["grpc.health.v1.HealthCheckResponse.SERVICE_UNKNOWN"]?.kind == .enumValue)
        #expect(index.symbols["grpc.reflection.v1.ServerReflectionRequest.message_request"]?.kind == .oneof)
        for name in index.fileNames {
            #expect(index.withTransitiveDependencies([name]) != nil, "dependencies of \(name) are in the set")
        }
    }
}
