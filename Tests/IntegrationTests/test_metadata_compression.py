"""Metadata, x-request-id, and gzip compression in both directions."""
import gzip

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2

from conftest import check_request_with_padding, raw_unary
from h2wire import RawH2, grpc_frame, grpc_messages

CHECK = "/grpc.health.v1.Health/Check"
REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"


def all_metadata(call) -> dict:
    merged = dict(call.trailing_metadata() or ())
    merged.update(dict(call.initial_metadata() or ()))
    return merged


def test_x_request_id_is_echoed(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    _, call = stub.Check.with_call(health_pb2.HealthCheckRequest(), metadata=[("x-request-id", "req-1234")], timeout=5)
    assert all_metadata(call).get("x-request-id") == "req-1234"


def test_x_request_id_is_generated_when_absent_and_unique(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    ids = set()
    for _ in range(5):
        _, call = stub.Check.with_call(health_pb2.HealthCheckRequest(), timeout=5)
        request_id = all_metadata(call).get("x-request-id")
        assert request_id, f"no x-request-id in {all_metadata(call)}"
        ids.add(request_id)
    assert len(ids) == 5


def test_x_request_id_is_echoed_on_an_error_response(channel):
    with pytest.raises(grpc.RpcError) as error:
        raw_unary(channel, "/no.such.Service/M")(b"", metadata=[("x-request-id", "err-42")], timeout=5)
    headers = dict(error.value.initial_metadata() or ())
    headers.update(dict(error.value.trailing_metadata() or ()))
    assert headers.get("x-request-id") == "err-42"


def test_custom_and_binary_metadata_are_accepted(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    metadata = [("tenant", "shop-eu"), ("trace-bin", b"\x00\x01\xff\xfe"), ("user-agent-extra", "x" * 2000)]
    response = stub.Check(health_pb2.HealthCheckRequest(), metadata=metadata, timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_gzip_requests_from_grpcio(server):
    with grpc.insecure_channel(server.target, compression=grpc.Compression.Gzip) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        assert stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
        # A large compressible request (unknown field padding) also decompresses correctly.
        response = raw_unary(channel, CHECK)(check_request_with_padding(100_000), timeout=10)
        assert health_pb2.HealthCheckResponse.FromString(response).status == health_pb2.HealthCheckResponse.SERVING


def test_gzip_request_and_response_on_the_wire(server):
    """A gzip'd request is accepted, and with `grpc-accept-encoding: gzip` a sizeable response
    comes back gzip'd (flag set, `grpc-encoding: gzip`, payload decompresses)."""
    request = reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.reflection.v1.ServerReflection")
    connection = RawH2(server.port)
    try:
        stream = connection.request(REFLECTION, grpc_frame(gzip.compress(request.SerializeToString()), compressed=True),
                                    extra=[("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")])
        result = connection.wait_stream(stream, timeout=10)
        assert result.grpc_status == 0, vars(result)
        assert result.headers.get("grpc-encoding") == "gzip", result.headers
        messages = grpc_messages(result.data)
        assert len(messages) == 1
        compressed, payload = messages[0]
        assert compressed
        response = reflection_pb2.ServerReflectionResponse.FromString(gzip.decompress(payload))
        assert response.file_descriptor_response.file_descriptor_proto
    finally:
        connection.close()


def test_unsupported_request_encoding_is_unimplemented(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b"\x00\x01", compressed=True), extra=[("grpc-encoding", "snappy")])
        result = connection.wait_stream(stream)
        assert result.grpc_status == grpc.StatusCode.UNIMPLEMENTED.value[0], vars(result)
        advertised = result.headers.get("grpc-accept-encoding", "") + result.trailers.get("grpc-accept-encoding", "")
        assert "gzip" in advertised
    finally:
        connection.close()


def test_corrupt_gzip_payload_is_a_clear_error(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b"not gzip at all", compressed=True), extra=[("grpc-encoding", "gzip")])
        result = connection.wait_stream(stream)
        assert result.grpc_status in (grpc.StatusCode.INTERNAL.value[0], grpc.StatusCode.INVALID_ARGUMENT.value[0]), vars(result)
    finally:
        connection.close()
    server.assert_alive()
