"""Raw HTTP/2 for protocol tests: the `h2` state machine for well-formed traffic, plus direct
frame writes (hyperframe) for traffic a correct client would never send."""
import socket
import ssl
import struct
import time

import h2.config
import h2.connection
import h2.events
from hyperframe.frame import ContinuationFrame, DataFrame, HeadersFrame

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def grpc_frame(payload: bytes, compressed: bool = False) -> bytes:
    """A gRPC length-prefixed message."""
    return struct.pack(">BI", 1 if compressed else 0, len(payload)) + payload


def grpc_messages(data: bytes) -> list[tuple[bool, bytes]]:
    """Splits a gRPC response body into (compressed, payload) messages."""
    messages = []
    while data:
        flag, length = struct.unpack(">BI", data[:5])
        messages.append((flag == 1, data[5:5 + length]))
        data = data[5 + length:]
    return messages


def request_headers(port: int, path: str, content_type: str = "application/grpc", extra=(),
                    scheme: str = "http") -> list[tuple[str, str]]:
    return [(":method", "POST"), (":scheme", scheme), (":path", path), (":authority", f"127.0.0.1:{port}"),
            ("content-type", content_type), ("te", "trailers"), *extra]


class StreamResult:
    def __init__(self):
        self.headers: dict[str, str] = {}
        self.trailers: dict[str, str] = {}
        self.data = b""
        self.ended = False
        self.reset_code = None

    @property
    def grpc_status(self):
        value = self.trailers.get("grpc-status", self.headers.get("grpc-status"))
        return None if value is None else int(value)


class RawH2:
    """A client connection on a plain socket (or TLS with ALPN h2)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 5.0, send_preface: bool = True,
                 tls_context: ssl.SSLContext | None = None):
        self.port = port
        self.scheme = "https" if tls_context is not None else "http"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls_context is not None:
            self.sock = tls_context.wrap_socket(self.sock, server_hostname=host)
        self.sock.settimeout(timeout)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.streams: dict[int, StreamResult] = {}
        self.goaway = None  # (error_code, last_stream_id)
        self.closed = False
        if send_preface:
            self.conn.initiate_connection()
            self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def request(self, path: str, body: bytes = b"", content_type: str = "application/grpc", extra=(),
                end_stream: bool = True) -> int:
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, request_headers(self.port, path, content_type, extra, self.scheme), end_stream=False)
        if body or end_stream:
            self.conn.send_data(stream_id, body, end_stream=end_stream)
        self.flush()
        self.streams[stream_id] = StreamResult()
        return stream_id

    def pump(self, timeout: float) -> bool:
        """Reads and handles frames for up to `timeout` seconds; False once the peer closed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.closed:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return True
            except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            try:
                events = self.conn.receive_data(data)
            except Exception:  # the peer sent something h2 rejects; treat as connection failure
                self.closed = True
                break
            self._handle(events)
            try:
                self.flush()
            except OSError:
                self.closed = True
        return not self.closed

    def wait_stream(self, stream_id: int, timeout: float = 5.0) -> StreamResult:
        deadline = time.monotonic() + timeout
        result = self.streams.setdefault(stream_id, StreamResult())
        while not (result.ended or result.reset_code is not None) and time.monotonic() < deadline:
            if not self.pump(min(0.2, max(0.01, deadline - time.monotonic()))) and not (result.ended or result.reset_code is not None):
                break
        return result

    def wait_closed_or_goaway(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.goaway is None and not self.closed and time.monotonic() < deadline:
            self.pump(0.2)
        return self.goaway is not None or self.closed

    def _handle(self, events):
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                self.streams.setdefault(event.stream_id, StreamResult()).headers = dict(event.headers)
            elif isinstance(event, h2.events.TrailersReceived):
                self.streams.setdefault(event.stream_id, StreamResult()).trailers = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                self.streams.setdefault(event.stream_id, StreamResult()).data += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.streams.setdefault(event.stream_id, StreamResult()).ended = True
            elif isinstance(event, h2.events.StreamReset):
                self.streams.setdefault(event.stream_id, StreamResult()).reset_code = event.error_code
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.goaway = (event.error_code, event.last_stream_id)

    # Frames a correct client never sends, written around the h2 state machine.

    def raw_headers(self, stream_id: int, headers, end_headers: bool = True, end_stream: bool = False):
        frame = HeadersFrame(stream_id)
        frame.data = self.conn.encoder.encode(headers)
        flags = []
        if end_headers:
            flags.append("END_HEADERS")
        if end_stream:
            flags.append("END_STREAM")
        frame.flags = set(flags)
        self.sock.sendall(frame.serialize())

    def raw_continuation(self, stream_id: int, block: bytes = b"", end_headers: bool = False):
        frame = ContinuationFrame(stream_id)
        frame.data = block
        frame.flags = {"END_HEADERS"} if end_headers else set()
        self.sock.sendall(frame.serialize())

    def raw_data(self, stream_id: int, data: bytes, end_stream: bool = False):
        """DATA written directly: h2 refuses to send once it has seen GOAWAY, although streams
        below the GOAWAY's last-stream-id may still be completed (RFC 9113 §6.8)."""
        frame = DataFrame(stream_id)
        frame.data = data
        frame.flags = {"END_STREAM"} if end_stream else set()
        self.sock.sendall(frame.serialize())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
