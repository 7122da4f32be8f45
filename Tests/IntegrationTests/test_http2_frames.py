"""Malformed and abusive HTTP/2 on raw frames (PyPI `h2` + hyperframe). Each case must end in
a protocol-level answer (GOAWAY, RST_STREAM, connection close or an HTTP status) and leave the
server serving everyone else."""
import socket
import struct
import time

import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from h2wire import PREFACE, RawH2, grpc_frame

CHECK = "/grpc.health.v1.Health/Check"
PROTOCOL_ERROR, INTERNAL_ERROR, STREAM_CLOSED, ENHANCE_YOUR_CALM = 0x1, 0x2, 0x5, 0xB


@pytest.fixture(autouse=True)
def server_still_serves(server, channel):
    yield
    server.assert_alive()
    response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def read_until_closed(sock: socket.socket, timeout: float) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            break
        except ConnectionResetError:
            return data + b"<reset>"
        if not chunk:
            return data + b"<closed>"
        data += chunk
    return data


def goaway_codes(data: bytes) -> list[int]:
    """Error codes of the GOAWAY frames in a raw server byte stream."""
    codes = []
    while len(data) >= 9:
        length = int.from_bytes(data[:3], "big")
        frame_type = data[3]
        if frame_type == 0x7 and len(data) >= 9 + 8:
            codes.append(struct.unpack(">I", data[9 + 4:9 + 8])[0])
        data = data[9 + length:]
    return codes


@pytest.mark.parametrize("preface", [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n",
    b"\x00" * 64,
])
def test_bad_preface_closes_the_connection(server, preface):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        sock.sendall(preface)
        data = read_until_closed(sock, timeout=10)
        assert data.endswith(b"<closed>") or data.endswith(b"<reset>"), f"connection left open: {data[:80]!r}"
        codes = goaway_codes(data.replace(b"<closed>", b"").replace(b"<reset>", b""))
        assert all(code == PROTOCOL_ERROR for code in codes), codes
    finally:
        sock.close()


def test_preface_then_garbage_frame_is_a_connection_error(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        # Preface, then a frame whose first frame is not SETTINGS.
        sock.sendall(PREFACE + struct.pack(">I", 8)[1:] + bytes([0x6, 0, 0, 0, 0, 0]) + b"\x00" * 8)
        data = read_until_closed(sock, timeout=10)
        assert data.endswith(b"<closed>") or data.endswith(b"<reset>")
    finally:
        sock.close()


def test_oversized_header_list_is_refused(server):
    connection = RawH2(server.port)
    try:
        huge = [("x-big-%d" % i, "v" * 4000) for i in range(64)]  # ~256 KiB of headers
        stream = connection.conn.get_next_available_stream_id()
        connection.raw_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", CHECK),
                                        (":authority", "x"), ("content-type", "application/grpc"), ("te", "trailers")] + huge,
                               end_headers=True, end_stream=False)
        result = connection.wait_stream(stream, timeout=10)
        refused = (result.reset_code is not None or connection.goaway is not None or connection.closed
                   or result.headers.get(":status") == "431")
        assert refused, f"a 256 KiB header list was accepted: {vars(result)}"
    finally:
        connection.close()


def test_rapid_reset_flood_is_cut_off(server):
    """CVE-2023-44487: open and immediately reset thousands of streams."""
    connection = RawH2(server.port)
    try:
        for _ in range(5000):
            if connection.closed or connection.goaway is not None:
                break
            stream = connection.conn.get_next_available_stream_id()
            try:
                connection.conn.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", CHECK),
                                                      (":authority", "x"), ("content-type", "application/grpc"),
                                                      ("te", "trailers")])
                connection.conn.reset_stream(stream, error_code=8)
                connection.flush()
            except (OSError, Exception):
                connection.closed = True
                break
            if stream % 200 == 1:
                connection.pump(0.001)
        assert connection.wait_closed_or_goaway(timeout=10), "5000 rapid resets were tolerated without GOAWAY"
        if connection.goaway is not None:
            # nghttp2's own stream-reset rate limit terminates with INTERNAL_ERROR.
            assert connection.goaway[0] in (ENHANCE_YOUR_CALM, PROTOCOL_ERROR, INTERNAL_ERROR), connection.goaway
    finally:
        connection.close()


def test_headers_on_a_closed_stream_is_an_error(server):
    connection = RawH2(server.port)
    try:
        stream = connection.request(CHECK, grpc_frame(b""))
        result = connection.wait_stream(stream)
        assert result.grpc_status == 0
        # Stream 1 is closed; send HEADERS on it again (h2 itself would refuse to).
        connection.raw_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", CHECK), (":authority", "x"),
                                        ("content-type", "application/grpc"), ("te", "trailers")], end_stream=True)
        connection.wait_closed_or_goaway(timeout=5)
        second = connection.streams[stream]
        assert connection.goaway is not None or connection.closed or second.reset_code == STREAM_CLOSED, \
            "HEADERS on a closed stream was not treated as an error"
        if connection.goaway is not None:
            assert connection.goaway[0] in (PROTOCOL_ERROR, STREAM_CLOSED), connection.goaway
    finally:
        connection.close()


@pytest.mark.parametrize("stream_ids", [(5, 3), (2,)], ids=["decreasing-id", "even-id"])
def test_invalid_new_stream_ids_are_protocol_errors(server, stream_ids):
    connection = RawH2(server.port)
    headers = [(":method", "POST"), (":scheme", "http"), (":path", CHECK), (":authority", "x"),
               ("content-type", "application/grpc"), ("te", "trailers")]
    try:
        for stream_id in stream_ids:
            connection.raw_headers(stream_id, headers, end_stream=False)
        assert connection.wait_closed_or_goaway(timeout=5), f"stream ids {stream_ids} were accepted"
        if connection.goaway is not None:
            assert connection.goaway[0] == PROTOCOL_ERROR, connection.goaway
    finally:
        connection.close()


def test_continuation_flood_is_cut_off(server):
    connection = RawH2(server.port)
    try:
        stream = connection.conn.get_next_available_stream_id()
        connection.raw_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", CHECK), (":authority", "x")],
                               end_headers=False)
        sent = 0
        try:
            for _ in range(20000):
                connection.raw_continuation(stream, b"\x40\x01a\x01b")  # literal header a: b, never END_HEADERS
                sent += 1
        except OSError:
            pass
        assert connection.wait_closed_or_goaway(timeout=10), f"{sent} CONTINUATION frames without END_HEADERS were tolerated"
    finally:
        connection.close()


def test_ping_flood_is_cut_off_or_answered_without_crashing(server):
    connection = RawH2(server.port)
    try:
        frames = b"".join(struct.pack(">I", 8)[1:] + bytes([0x6, 0]) + struct.pack(">I", 0) + struct.pack(">Q", i)
                          for i in range(20000))
        try:
            connection.send_raw(frames)
        except OSError:
            pass
        # Never reading the PING ACKs: the server must bound its outbound queue (GOAWAY/close),
        # not buffer without limit; either way it keeps serving others (checked by the fixture).
        connection.wait_closed_or_goaway(timeout=5)
    finally:
        connection.close()
