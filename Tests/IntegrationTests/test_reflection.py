"""Server reflection, v1alpha through grpcio-reflection's descriptor database and v1 on the wire."""
import grpc
import pytest
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

STANDARD = {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}


def reflect(channel, version: str, *requests):
    """Sends `requests` on one v1 or v1alpha stream (the messages are wire-identical)."""
    call = channel.stream_stream(f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
                                 request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    return list(call(iter(requests), timeout=10))


def test_list_services(channel):
    services = set(ProtoReflectionDescriptorDatabase(channel).get_services())
    assert STANDARD <= services


def test_describe_services_methods_and_messages(channel):
    pool = DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
    health = pool.FindServiceByName("grpc.health.v1.Health")
    watch = health.methods_by_name["Watch"]
    assert watch.input_type.full_name == "grpc.health.v1.HealthCheckRequest"
    assert watch.output_type.full_name == "grpc.health.v1.HealthCheckResponse"
    assert watch.server_streaming and not watch.client_streaming
    response = pool.FindMessageTypeByName("grpc.health.v1.HealthCheckResponse")
    assert response.fields_by_name["status"].enum_type.values_by_name["SERVICE_UNKNOWN"].number == 3
    info = pool.FindServiceByName("grpc.reflection.v1.ServerReflection").methods_by_name["ServerReflectionInfo"]
    assert info.client_streaming and info.server_streaming


def test_every_listed_service_resolves_with_all_its_types(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    pool = DescriptorPool(database)
    for name in database.get_services():
        service = pool.FindServiceByName(name)
        assert service.methods, name
        for method in service.methods:
            assert method.input_type.fields is not None and method.output_type.full_name


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
@pytest.mark.parametrize("symbol,expected_file", [
    ("grpc.health.v1", "grpc/health/v1/health.proto"),                                # package
    ("grpc.health.v1.Health", "grpc/health/v1/health.proto"),                         # service
    ("grpc.health.v1.Health.Watch", "grpc/health/v1/health.proto"),                   # method
    ("grpc.health.v1.HealthCheckRequest", "grpc/health/v1/health.proto"),             # message
    ("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"),  # nested enum
    ("grpc.health.v1.HealthCheckResponse.SERVING", "grpc/health/v1/health.proto"),    # enum value
    ("grpc.health.v1.HealthCheckRequest.service", "grpc/health/v1/health.proto"),     # field
    ("grpc.reflection.v1.ServerReflectionRequest", "grpc/reflection/v1/reflection.proto"),
])
def test_file_containing_every_symbol_kind(channel, version, symbol, expected_file):
    [response] = reflect(channel, version, reflection_pb2.ServerReflectionRequest(file_containing_symbol=symbol))
    assert response.WhichOneof("message_response") == "file_descriptor_response", response
    files = [FileDescriptorProto.FromString(b) for b in response.file_descriptor_response.file_descriptor_proto]
    assert files[0].name == expected_file


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_unknown_symbol_file_and_extension_get_not_found(channel, version):
    responses = reflect(channel, version,
                        reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"),
                        reflection_pb2.ServerReflectionRequest(file_by_filename="no/such.proto"),
                        reflection_pb2.ServerReflectionRequest(file_containing_extension=reflection_pb2.ExtensionRequest(
                            containing_type="grpc.health.v1.HealthCheckRequest", extension_number=1000)),
                        reflection_pb2.ServerReflectionRequest(all_extension_numbers_of_type="no.such.Type"),
                        reflection_pb2.ServerReflectionRequest(list_services=""))
    assert len(responses) == 5
    for response in responses[:4]:
        assert response.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], response
    # The stream survives errors.
    assert responses[4].list_services_response.service


def test_file_by_filename_includes_transitive_dependencies_and_echoes_the_request(channel):
    request = reflection_pb2.ServerReflectionRequest(host="example", file_by_filename="grpc/reflection/v1/reflection.proto")
    [response] = reflect(channel, "v1", request)
    assert response.valid_host == "example"
    assert response.original_request == request
    files = [FileDescriptorProto.FromString(b) for b in response.file_descriptor_response.file_descriptor_proto]
    names = [f.name for f in files]
    assert names[0] == "grpc/reflection/v1/reflection.proto"
    for f in files:
        for dependency in f.dependency:
            assert dependency in names, f"{f.name} imports {dependency}, which was not sent"


def test_all_extension_numbers_of_a_known_type(channel):
    [response] = reflect(channel, "v1", reflection_pb2.ServerReflectionRequest(
        all_extension_numbers_of_type="grpc.health.v1.HealthCheckRequest"))
    assert response.all_extension_numbers_response.base_type_name == "grpc.health.v1.HealthCheckRequest"
    assert list(response.all_extension_numbers_response.extension_number) == []
