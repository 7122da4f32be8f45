import CProtobufC
import ShopProtoC

/// Codecs for the standard messages the client itself uses.
///
/// Swift cannot take the address of a C `extern const` global reliably (`withUnsafePointer`
/// may hand out a temporary copy), so descriptors are taken from a message initialised by
/// its generated `..._init` function, whose `base.descriptor` is the real global.
public enum KnownMessages {
    public static let healthCheckRequest = codec(Grpc__Health__V1__HealthCheckRequest.self, grpc__health__v1__health_check_request__init)
    public static let healthCheckResponse = codec(Grpc__Health__V1__HealthCheckResponse.self, grpc__health__v1__health_check_response__init)
    public static let reflectionRequestV1 = codec(Grpc__Reflection__V1__ServerReflectionRequest.self, grpc__reflection__v1__server_reflection_request__init)
    public static let reflectionResponseV1 = codec(Grpc__Reflection__V1__ServerReflectionResponse.self, grpc__reflection__v1__server_reflection_response__init)
    public static let reflectionRequestV1Alpha = codec(Grpc__Reflection__V1alpha__ServerReflectionRequest.self, grpc__reflection__v1alpha__server_reflection_request__init)
    public static let reflectionResponseV1Alpha = codec(Grpc__Reflection__V1alpha__ServerReflectionResponse.self, grpc__reflection__v1alpha__server_reflection_response__init)
    public static let fileDescriptorProto = codec(Google__Protobuf__FileDescriptorProto.self, google__protobuf__file_descriptor_proto__init)
    public static let fileDescriptorSet = codec(Google__Protobuf__FileDescriptorSet.self, google__protobuf__file_descriptor_set__init)

    /// The codec of generated message type `M`, given its `..._init` function.
    public static func codec<M>(_ type: M.Type, _ initialize: (UnsafeMutablePointer<M>?) -> Void) -> ProtoJSON {
        let message = UnsafeMutablePointer<M>.allocate(capacity: 1)
        defer { message.deallocate() }
        initialize(message)
        let descriptor = UnsafeRawPointer(message).load(as: ProtobufCMessage.self).descriptor!
        return ProtoJSON(descriptor)
    }
}
