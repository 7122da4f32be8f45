import CProtobufC
import ShopProtoC
import ShopWire

/// The symbol index behind server reflection, built once from a serialized
/// `google.protobuf.FileDescriptorSet`: every file's serialized `FileDescriptorProto` and
/// dependencies, every fully-qualified symbol and the file(s) declaring it, and every extension.
///
/// Symbols use protobuf's fully-qualified names without the leading dot: packages
/// (`shop.v1`), services, methods (`pkg.Service.Method`), messages and enums (nested ones as
/// `pkg.Outer.Inner`), fields and oneofs (`pkg.Message.field`), extensions, and enum values in
/// both protobuf's C++ scoping (`pkg.VALUE`, a sibling of its enum) and the enum-qualified
/// form (`pkg.Enum.VALUE`) some clients use. Immutable after `init`, so shared freely.
public final class DescriptorIndex: @unchecked Sendable {
    /// What kind of declaration a symbol names.
    public enum SymbolKind: String, Sendable {
        case package, service, method, message, `enum`, enumValue, field, oneof, `extension`
    }

    /// One `.proto` file of the set.
    public struct File: Sendable {
        public var name: String
        public var package: String
        public var dependencies: [String]
        /// The serialized `FileDescriptorProto`, as reflection sends it.
        public var serialized: [UInt8]
    }

    /// A declared symbol: its kind and the files declaring it (several only for a package).
    public struct Symbol: Sendable {
        public var kind: SymbolKind
        public var files: [String]
    }

    /// Files by name, and in the order of the set.
    public private(set) var files: [String: File] = [:]
    public private(set) var fileNames: [String] = []
    /// Symbols by fully-qualified name.
    public private(set) var symbols: [String: Symbol] = [:]
    /// Extensions: extended message → field number → declaring file.
    private var extensions: [String: [Int32: String]] = [:]

    private typealias FileSet = Google__Protobuf__FileDescriptorSet
    private typealias FileProto = Google__Protobuf__FileDescriptorProto
    private typealias MessageProto = Google__Protobuf__DescriptorProto
    private typealias EnumProto = Google__Protobuf__EnumDescriptorProto
    private typealias FieldProto = Google__Protobuf__FieldDescriptorProto

    /// The index of every proto compiled into ShopProtoC (`shop_descriptor_set`).
    public static let compiledIn: DescriptorIndex = {
        do {
            return try DescriptorIndex(serializedFileDescriptorSet:
                UnsafeRawBufferPointer(start: shop_descriptor_set_bytes(), count: shop_descriptor_set_size))
        } catch {
            fatalError("the compiled-in descriptor set does not parse: \(error)")
        }
    }()

    /// Parses a serialized `FileDescriptorSet`.
    /// - Throws: INVALID_ARGUMENT when the bytes are not a descriptor set.
    public init(serializedFileDescriptorSet bytes: UnsafeRawBufferPointer) throws {
        let arena = MessageArena(blockSize: 64 * 1024)
        let setType = ProtoMessageType<FileSet>(google__protobuf__file_descriptor_set__init)
        let fileType = ProtoMessageType<FileProto>(google__protobuf__file_descriptor_proto__init)
        let set = try setType.decode(bytes, in: arena)
        for file in Self.buffer(set.pointee.file, set.pointee.n_file) {
            guard let file else { continue }
            add(file: file, serialized: fileType.encode(file))
        }
    }

    /// The file declaring `symbol`; for a package, every file of the package.
    public func fileNames(containingSymbol symbol: String) -> [String]? {
        symbols[Self.trimmed(symbol)]?.files
    }

    /// `names` followed by their transitive dependencies, each once, dependencies after the
    /// files that import them. Nil when a name is unknown.
    public func withTransitiveDependencies(_ names: [String]) -> [File]? {
        var ordered: [File] = []
        var seen: Set<String> = []
        var queue = names
        var index = 0
        while index < queue.count {
            let name = queue[index]
            index += 1
            guard seen.insert(name).inserted else { continue }
            guard let file = files[name] else { return nil }
            ordered.append(file)
            queue.append(contentsOf: file.dependencies)
        }
        return ordered
    }

    /// The file declaring extension `number` of message `type`.
    public func fileName(containingExtensionOf type: String, number: Int32) -> String? {
        extensions[Self.trimmed(type)]?[number]
    }

    /// The field numbers of every known extension of message `type` (sorted), or nil when
    /// `type` is not a known message.
    public func extensionNumbers(of type: String) -> [Int32]? {
        let name = Self.trimmed(type)
        guard symbols[name]?.kind == .message else { return nil }
        return (extensions[name].map { Array($0.keys) } ?? []).sorted()
    }

    // MARK: Building

    private func add(file: UnsafeMutablePointer<FileProto>, serialized: [UInt8]) {
        let f = file.pointee
        let name = Self.string(f.name)
        let package = Self.string(f.package)
        let dependencies = Self.buffer(f.dependency, f.n_dependency).map { Self.string($0) }
        files[name] = File(name: name, package: package, dependencies: dependencies, serialized: serialized)
        fileNames.append(name)
        if !package.isEmpty {
            if symbols[package]?.kind == .package {
                symbols[package]?.files.append(name)
            } else if symbols[package] == nil {
                symbols[package] = Symbol(kind: .package, files: [name])
            }
        }
        for message in Self.buffer(f.message_type, f.n_message_type) {
            if let message { add(message: message, scope: package, file: name) }
        }
        for enumeration in Self.buffer(f.enum_type, f.n_enum_type) {
            if let enumeration { add(enum: enumeration, scope: package, file: name) }
        }
        for extensionField in Self.buffer(f.extension, f.n_extension) {
            if let extensionField { add(extension: extensionField, scope: package, file: name) }
        }
        for service in Self.buffer(f.service, f.n_service) {
            guard let service else { continue }
            let serviceName = Self.qualified(package, Self.string(service.pointee.name))
            declare(serviceName, .service, file: name)
            for method in Self.buffer(service.pointee.method, service.pointee.n_method) {
                if let method { declare(Self.qualified(serviceName, Self.string(method.pointee.name)), .method, file: name) }
            }
        }
    }

    private func add(message: UnsafeMutablePointer<MessageProto>, scope: String, file: String) {
        let m = message.pointee
        let messageName = Self.qualified(scope, Self.string(m.name))
        declare(messageName, .message, file: file)
        for field in Self.buffer(m.field, m.n_field) {
            if let field { declare(Self.qualified(messageName, Self.string(field.pointee.name)), .field, file: file) }
        }
        for oneof in Self.buffer(m.oneof_decl, m.n_oneof_decl) {
            if let oneof { declare(Self.qualified(messageName, Self.string(oneof.pointee.name)), .oneof, file: file) }
        }
        for nested in Self.buffer(m.nested_type, m.n_nested_type) {
            if let nested { add(message: nested, scope: messageName, file: file) }
        }
        for enumeration in Self.buffer(m.enum_type, m.n_enum_type) {
            if let enumeration { add(enum: enumeration, scope: messageName, file: file) }
        }
        for extensionField in Self.buffer(m.extension, m.n_extension) {
            if let extensionField { add(extension: extensionField, scope: messageName, file: file) }
        }
    }

    private func add(enum enumeration: UnsafeMutablePointer<EnumProto>, scope: String, file: String) {
        let e = enumeration.pointee
        let enumName = Self.qualified(scope, Self.string(e.name))
        declare(enumName, .enum, file: file)
        for value in Self.buffer(e.value, e.n_value) {
            guard let value else { continue }
            let valueName = Self.string(value.pointee.name)
            declare(Self.qualified(scope, valueName), .enumValue, file: file)
            declare(Self.qualified(enumName, valueName), .enumValue, file: file)
        }
    }

    private func add(extension field: UnsafeMutablePointer<FieldProto>, scope: String, file: String) {
        declare(Self.qualified(scope, Self.string(field.pointee.name)), .extension, file: file)
        let extendee = Self.trimmed(Self.string(field.pointee.extendee))
        guard !extendee.isEmpty, field.pointee.has_number != 0 else { return }
        extensions[extendee, default: [:]][field.pointee.number] = file
    }

    /// Records a symbol; the first declaration wins (a valid set has no duplicates).
    private func declare(_ name: String, _ kind: SymbolKind, file: String) {
        if symbols[name] == nil { symbols[name] = Symbol(kind: kind, files: [file]) }
    }

    private static func qualified(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : "\(scope).\(name)"
    }

    private static func trimmed(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func buffer<T>(_ start: UnsafeMutablePointer<T>?, _ count: Int) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: count > 0 ? start : nil, count: count > 0 ? count : 0)
    }
}
