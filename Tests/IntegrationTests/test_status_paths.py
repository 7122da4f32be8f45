"""Every gRPC status path of the transport, driven by stock grpcio (and raw h2 where grpcio
cannot express the request)."""
import time
from urllib.parse import unquote

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import check_request_with_padding, raw_unary
from h2wire import RawH2, grpc_frame, grpc_messages

CHECK = "/grpc.health.v1.Health/Check"
WATCH = "/grpc.health.v1.Health/Watch"
MAX_RECEIVE = 4 * 1024 * 1024


def test_ok_baseline(channel):
    response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_unknown_service_is_unimplemented(channel):
    with pytest.raises(grpc.RpcError) as error:
        raw_unary(channel, "/no.such.Service/Method")(b"", timeout=5)
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_unknown_method_is_unimplemented(channel):
    with pytest.raises(grpc.RpcError) as error:
        raw_unary(channel, "/grpc.health.v1.Health/NoSuchMethod")(b"", timeout=5)
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_malformed_message_is_invalid_argument(channel):
    with pytest.raises(grpc.RpcError) as error:
        # Field 1 claims 100 bytes, two follow.
        raw_unary(channel, CHECK)(b"\x0a\x64\x01\x02", timeout=5)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "malformed grpc.health.v1.HealthCheckRequest" in error.value.details()


def test_message_just_under_the_limit_is_accepted(channel):
    request = check_request_with_padding(MAX_RECEIVE - 1)
    assert len(request) == MAX_RECEIVE - 1
    response = raw_unary(channel, CHECK)(request, timeout=30)
    assert health_pb2.HealthCheckResponse.FromString(response).status == health_pb2.HealthCheckResponse.SERVING


def test_message_exactly_at_the_limit_is_accepted(channel):
    response = raw_unary(channel, CHECK)(check_request_with_padding(MAX_RECEIVE), timeout=30)
    assert health_pb2.HealthCheckResponse.FromString(response).status == health_pb2.HealthCheckResponse.SERVING


def test_message_just_over_the_limit_is_resource_exhausted(channel):
    with pytest.raises(grpc.RpcError) as error:
        raw_unary(channel, CHECK)(check_request_with_padding(MAX_RECEIVE + 1), timeout=30)
    assert error.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_server_enforces_the_deadline_of_a_stream(server):
    """grpc-timeout on a Watch that would run forever: the *server* must end it with
    DEADLINE_EXCEEDED (raw h2, so the client library cannot be the one deciding)."""
    connection = RawH2(server.port)
    try:
        stream = connection.request(WATCH, grpc_frame(b""), extra=[("grpc-timeout", "300m")])
        result = connection.wait_stream(stream, timeout=10)
        assert result.ended, f"server did not end the call: {vars(result)}"
        assert result.grpc_status == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]
    finally:
        connection.close()


def test_grpcio_deadline_on_a_long_stream(channel):
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=0.5)
    with pytest.raises(grpc.RpcError) as error:
        for _ in watch:
            pass
    assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_already_expired_deadline_is_deadline_exceeded(server):
    """grpc-timeout of one nanosecond has passed before the server can run the method."""
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b""), extra=[("grpc-timeout", "1n")])
        result = connection.wait_stream(stream)
        assert result.grpc_status == grpc.StatusCode.DEADLINE_EXCEEDED.value[0], vars(result)
    finally:
        connection.close()


@pytest.mark.parametrize("timeout", ["", "abc", "1x", "123456789m", "-5S"])
def test_invalid_grpc_timeout_never_crashes(server, timeout):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b""), extra=[("grpc-timeout", timeout)])
        result = connection.wait_stream(stream)
        assert result.ended or result.reset_code is not None, vars(result)
    finally:
        connection.close()
    server.assert_alive()


def test_cancellation_of_a_stream_frees_the_server(channel, server):
    stub = health_pb2_grpc.HealthStub(channel)
    watches = [stub.Watch(health_pb2.HealthCheckRequest(service="")) for _ in range(20)]
    for watch in watches:
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    for watch in watches:
        watch.cancel()
    for watch in watches:
        with pytest.raises(grpc.RpcError) as error:
            next(watch)
        assert error.value.code() == grpc.StatusCode.CANCELLED
    # The server keeps serving on the same connection.
    assert stub.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    server.assert_alive()


def test_client_rst_stream_cancels_the_call(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(WATCH, grpc_frame(b""))
        connection.pump(0.5)
        assert grpc_messages(connection.streams[stream].data), "Watch sent its first status"
        connection.conn.reset_stream(stream, error_code=8)  # CANCEL
        connection.flush()
        # The connection stays usable.
        second = connection.request(CHECK, grpc_frame(b""))
        result = connection.wait_stream(second)
        assert result.grpc_status == 0
    finally:
        connection.close()


def test_non_grpc_content_type_gets_http_415(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, b"{}", content_type="application/json")
        result = connection.wait_stream(stream)
        assert result.headers.get(":status") == "415", vars(result)
    finally:
        connection.close()


@pytest.mark.parametrize("content_type", ["application/grpc", "application/grpc+proto"])
def test_grpc_content_types_are_accepted(server, content_type):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b""), content_type=content_type)
        result = connection.wait_stream(stream)
        assert result.headers.get(":status") == "200"
        assert result.grpc_status == 0
        assert [payload for _, payload in grpc_messages(result.data)] == [b"\x08\x01"]
    finally:
        connection.close()


def test_message_split_across_data_frames_and_two_messages_in_one_frame(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, b"", end_stream=False)
        framed = grpc_frame(check_request_with_padding(1000))
        for i in range(0, len(framed), 7):
            connection.conn.send_data(stream, framed[i:i + 7])
        connection.conn.end_stream(stream)
        connection.flush()
        result = connection.wait_stream(stream)
        assert result.grpc_status == 0

        # Two messages for a unary method in one DATA frame: a clear error, not a crash.
        two = connection.request(CHECK, grpc_frame(b"") + grpc_frame(b""))
        result = connection.wait_stream(two)
        assert result.grpc_status not in (None, 0)
    finally:
        connection.close()


def test_unary_without_a_request_message_gets_a_status(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, b"")
        result = connection.wait_stream(stream)
        assert result.grpc_status not in (None, 0)
    finally:
        connection.close()


def test_error_messages_are_percent_encoded(server):
    connection = RawH2(server.port)
    try:
        name = "ünï%cødé 服务".encode()
        request = b"\x0a" + bytes([len(name)]) + name
        stream = connection.request(CHECK, grpc_frame(request))
        result = connection.wait_stream(stream)
        assert result.grpc_status == grpc.StatusCode.NOT_FOUND.value[0]
        message = result.trailers.get("grpc-message", result.headers.get("grpc-message", ""))
        assert all(0x20 <= ord(c) <= 0x7E for c in message), message
        assert "%" in message
        assert "ünï%cødé 服务" in unquote(message)
    finally:
        connection.close()
