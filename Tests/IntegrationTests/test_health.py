"""grpc.health.v1.Health: Check and Watch per service and overall, and NOT_SERVING on drain."""
import signal
import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from h2wire import RawH2, grpc_frame

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN


def test_check_overall_and_per_service(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ["", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection"]:
        assert stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status == SERVING, service


def test_check_of_an_unknown_service_is_not_found(channel):
    with pytest.raises(grpc.RpcError) as error:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_shop_services_are_not_serving_without_their_models(channel):
    """A shop service is SERVING exactly when its model is loaded; the default test server
    runs without models."""
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
    shop = [name for name in ProtoReflectionDescriptorDatabase(channel).get_services() if name.startswith("shop.")]
    stub = health_pb2_grpc.HealthStub(channel)
    for service in shop:
        assert stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status == NOT_SERVING, service


def test_watch_sends_the_current_status_and_stays_open(channel):
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
    assert next(watch).status == SERVING
    with pytest.raises(grpc.RpcError) as error:
        next(watch)
    assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_watch_of_an_unknown_service_reports_service_unknown_without_ending(channel):
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service="not.yet.Known"), timeout=1.0)
    assert next(watch).status == SERVICE_UNKNOWN
    with pytest.raises(grpc.RpcError) as error:
        next(watch)
    assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_sigterm_drains_watchers_see_not_serving_and_exit_code_is_0(start_server):
    server = start_server()
    with grpc.insecure_channel(server.target) as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=30)
        assert next(watch).status == SERVING
        seen = []
        ended = threading.Event()

        def read_rest():
            try:
                for response in watch:
                    seen.append(response.status)
            except grpc.RpcError as error:
                seen.append(error.code())
            ended.set()

        reader = threading.Thread(target=read_rest, daemon=True)
        reader.start()
        server.signal(signal.SIGTERM)
        assert ended.wait(30), "the Watch did not end during the drain"
        assert seen and seen[0] == NOT_SERVING, seen
        assert server.wait(timeout=60) == 0, server.log


def test_sigterm_lets_an_in_flight_call_finish_and_refuses_new_streams(start_server):
    """An in-flight call (request not yet half-closed) survives SIGTERM: the client gets
    GOAWAY, finishes the call on the old stream, and the server then exits 0."""
    server = start_server()
    connection = RawH2(server.port)
    try:
        stream = connection.request("/grpc.health.v1.Health/Check", b"", end_stream=False)
        connection.pump(0.3)
        server.signal(signal.SIGTERM)
        assert connection.wait_closed_or_goaway(timeout=10) and connection.goaway is not None, "no GOAWAY after SIGTERM"
        assert connection.goaway[1] >= stream, "the in-flight stream must be below GOAWAY's last-stream-id"
        connection.raw_data(stream, grpc_frame(b""), end_stream=True)
        result = read_stream_after_goaway(connection, stream, timeout=10)
        assert result.grpc_status == 0, vars(result)
    finally:
        connection.close()
    assert server.wait(timeout=60) == 0, server.log


def read_stream_after_goaway(connection: RawH2, stream: int, timeout: float, until_final_goaway: bool = False):
    """h2 stops processing after GOAWAY, so parse the remaining frames of `stream` directly;
    `result.goaways` collects the last-stream-ids of GOAWAY frames seen meanwhile. With
    `until_final_goaway`, reading goes on after the stream ended until a GOAWAY that is not the
    2^31−1 notice arrives."""
    from hyperframe.frame import DataFrame, Frame, GoAwayFrame, HeadersFrame
    from h2wire import StreamResult
    result = StreamResult()
    result.goaways = []
    buffer = b""
    deadline = time.monotonic() + timeout
    decoder = connection.conn.decoder

    def done():
        final = any(last < NOTICE_STREAM_ID for last in result.goaways)
        return result.ended and (final or not until_final_goaway)

    while time.monotonic() < deadline and not done():
        connection.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = connection.sock.recv(65536)
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= 9:
            frame, length = Frame.parse_frame_header(memoryview(buffer[:9]))
            if len(buffer) < 9 + length:
                break
            frame.parse_body(memoryview(buffer[9:9 + length]))
            buffer = buffer[9 + length:]
            if isinstance(frame, GoAwayFrame):
                result.goaways.append(frame.last_stream_id)
            if frame.stream_id != stream:
                continue
            if isinstance(frame, HeadersFrame):
                headers = dict((k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v)
                               for k, v in decoder.decode(frame.data))
                (result.trailers if result.headers else result.headers).update(headers)
            elif isinstance(frame, DataFrame):
                result.data += frame.data
            if "END_STREAM" in frame.flags:
                result.ended = True
    return result


NOTICE_STREAM_ID = 2**31 - 1


def test_sigterm_gives_notice_first_and_serves_streams_opened_before_the_final_goaway(start_server):
    """Two-step drain: a GOAWAY naming stream 2^31−1 first, so a call the client started just
    after it (racing the notice) is still served, then the final GOAWAY naming the last stream
    processed; the server then exits 0."""
    from h2wire import request_headers
    server = start_server()
    connection = RawH2(server.port)
    try:
        first = connection.request("/grpc.health.v1.Health/Check", grpc_frame(b""))
        assert connection.wait_stream(first, timeout=10).grpc_status == 0
        server.signal(signal.SIGTERM)
        assert connection.wait_closed_or_goaway(timeout=10) and connection.goaway is not None, "no GOAWAY after SIGTERM"
        assert connection.goaway == (0, NOTICE_STREAM_ID), "the first GOAWAY must be the notice"
        late = first + 2  # opened after the notice: h2 refuses to, so the frames go out by hand
        connection.raw_headers(late, request_headers(server.port, "/grpc.health.v1.Health/Check"))
        connection.raw_data(late, grpc_frame(b""), end_stream=True)
        result = read_stream_after_goaway(connection, late, timeout=10, until_final_goaway=True)
        assert result.grpc_status == 0, vars(result)
        assert result.goaways and result.goaways[-1] == late, f"final GOAWAY must name stream {late}: {result.goaways}"
    finally:
        connection.close()
    assert server.wait(timeout=60) == 0, server.log


def test_second_signal_exits_at_once(start_server):
    server = start_server()
    connection = RawH2(server.port)
    try:
        connection.request("/grpc.health.v1.Health/Check", b"", end_stream=False)  # held open: the drain waits
        connection.pump(0.3)
        server.signal(signal.SIGTERM)
        connection.wait_closed_or_goaway(timeout=10)
        server.assert_alive()
        server.signal(signal.SIGINT)
        server.wait(timeout=10)
    finally:
        connection.close()
