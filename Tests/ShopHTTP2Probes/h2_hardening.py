"""Raw HTTP/2 behaviour the transport must defend against, driven with the `h2` library and
hand-built frames. Called by ShopHTTP2Tests: `python h2_hardening.py HOST PORT SCENARIO`.
Prints one JSON object: what the server did (GOAWAY error code, resets, whether it closed).
Every loop is bounded in count and time.
"""
import json
import socket
import struct
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import hpack

GRPC_HEADERS = [(":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Echo"),
                (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers")]


class Peer:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.flush()
        self.goaway = None
        self.resets = []
        self.closed = False
        self.remote_settings = {}

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True

    def pump(self, seconds, reply=True):
        """Reads events for up to `seconds` (or until the server closes)."""
        end = time.time() + seconds
        while time.time() < end and not self.closed:
            self.sock.settimeout(max(0.01, end - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            try:
                events = self.conn.receive_data(data)
            except Exception:  # the server's last frames may not parse for a closing h2 state
                events = []
            for event in events:
                if isinstance(event, h2.events.ConnectionTerminated):
                    self.goaway = int(event.error_code)
                elif isinstance(event, h2.events.StreamReset):
                    self.resets.append(int(event.error_code))
                elif isinstance(event, h2.events.RemoteSettingsChanged):
                    for key, value in event.changed_settings.items():
                        self.remote_settings[int(key)] = value.new_value
            if reply:
                self.flush()

    def result(self, **extra):
        out = {"goaway": self.goaway, "resets": self.resets, "closed": self.closed,
               "settings": {str(k): v for k, v in self.remote_settings.items()}}
        out.update(extra)
        return out


def frame(frame_type, flags, stream_id, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([frame_type, flags]) + struct.pack(">I", stream_id) + payload


def ping_flood(peer):
    for i in range(500):
        peer.send_raw(frame(0x6, 0, 0, struct.pack(">Q", i)))
    peer.pump(3, reply=False)
    return peer.result()


def settings_flood(peer):
    for _ in range(500):
        peer.send_raw(frame(0x4, 0, 0, b""))
    peer.pump(3, reply=False)
    return peer.result()


def rapid_reset(peer):
    stream_id = 1
    for _ in range(2000):
        peer.conn.send_headers(stream_id, GRPC_HEADERS)
        peer.conn.reset_stream(stream_id)
        stream_id += 2
        if stream_id % 101 == 0:
            peer.flush()
        if peer.closed:
            break
    peer.flush()
    peer.pump(3)
    return peer.result()


def continuation_flood(peer):
    block = hpack.Encoder().encode(GRPC_HEADERS)
    peer.send_raw(frame(0x1, 0, 1, block))  # HEADERS without END_HEADERS
    for _ in range(200):
        peer.send_raw(frame(0x9, 0, 1, hpack.Encoder().encode([("x-pad", "a" * 10)])))
        if peer.closed:
            break
    peer.pump(3, reply=False)
    return peer.result()


def huge_headers(peer):
    headers = GRPC_HEADERS + [("x-big-%d" % i, "v" * 1000) for i in range(40)]
    peer.conn.send_headers(1, headers, end_stream=True)
    peer.flush()
    peer.pump(2)
    return peer.result()


def settings_only(peer):
    peer.pump(1)
    return peer.result()


def idle(peer):
    peer.pump(4)
    return peer.result()


def silent(peer):
    """Never answers the server's keepalive PINGs."""
    peer.pump(4, reply=False)
    return peer.result()


def connections(host, port, count):
    peers = [Peer(host, port) for _ in range(count)]
    for peer in peers:
        peer.pump(0.5)
    return {"closed": [p.closed for p in peers]}


SCENARIOS = {"ping_flood": ping_flood, "settings_flood": settings_flood, "rapid_reset": rapid_reset,
             "continuation_flood": continuation_flood, "huge_headers": huge_headers,
             "settings": settings_only, "idle": idle, "silent": silent}


def main():
    host, port, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if scenario.startswith("connections:"):
        result = connections(host, port, int(scenario.split(":")[1]))
    else:
        result = SCENARIOS[scenario](Peer(host, port))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
