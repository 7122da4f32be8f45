"""Fixtures that start the real `shopserve` binary (built beforehand, never built here).

SHOPSERVE_BIN overrides the binary (default: .build/debug/shopserve from the package root).
The server listens on 127.0.0.1:0; the fixture reads the bound port from its
`listening on HOST:PORT` log line and kills the process at the end.
"""
import importlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
LISTENING = re.compile(r"listening on (\S+):(\d+)")


def shopserve_binary() -> Path:
    path = Path(os.environ.get("SHOPSERVE_BIN", PACKAGE_ROOT / ".build" / "debug" / "shopserve"))
    if not path.is_absolute():
        path = PACKAGE_ROOT / path
    if not path.exists():
        pytest.exit(f"shopserve binary not found at {path}: run `swift build --product shopserve` first "
                    f"or set SHOPSERVE_BIN", returncode=2)
    return path


class ServerProcess:
    """One running shopserve: its address, its log, and how to stop it."""

    def __init__(self, *extra_args: str):
        self.args = [str(shopserve_binary()), "--listen", "127.0.0.1:0", *extra_args]
        self.log_lines: list[str] = []
        self._log_lock = threading.Lock()
        self._listening = threading.Event()
        self.host = None
        self.port = None
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, bufsize=1, cwd=PACKAGE_ROOT)
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if not self._listening.wait(START_TIMEOUT) or self.port is None:
            self.kill()
            raise RuntimeError(f"shopserve did not report `listening on` within {START_TIMEOUT}s "
                               f"(exit code {self.process.poll()}); log:\n{self.log}")

    def _read_log(self):
        for line in self.process.stdout:
            with self._log_lock:
                self.log_lines.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match and self.port is None:
                self.host, self.port = match.group(1).strip("[]"), int(match.group(2))
                self._listening.set()
        self._listening.set()

    @property
    def log(self) -> str:
        with self._log_lock:
            return "\n".join(self.log_lines)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def signal(self, sig: int):
        self.process.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def assert_alive(self):
        assert self.process.poll() is None, f"shopserve exited with {self.process.returncode}; log:\n{self.log}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One shared server for the read-only tests, over an empty model repository: the tests of the
    model-less paths expect every shop service to answer UNAVAILABLE whatever models/ holds (tests
    of a model start their own server with `--models`)."""
    process = ServerProcess("--models", str(tmp_path_factory.mktemp("no-models")))
    yield process
    process.assert_alive()
    process.kill()


@pytest.fixture
def start_server():
    """Factory for a private server (TLS, shutdown tests); all are killed at the end."""
    started = []

    def start(*args: str) -> ServerProcess:
        process = ServerProcess(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


@pytest.fixture(scope="session")
def shop_stubs(tmp_path_factory):
    """The protos/shop/v1 messages and stubs, generated with grpcio-tools: name → module, e.g.
    `shop_stubs["rank_service_pb2"]`."""
    out = tmp_path_factory.mktemp("stubs")
    protos = PACKAGE_ROOT / "protos"
    files = [str(p.relative_to(protos)) for p in (protos / "shop" / "v1").glob("*.proto")]
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{protos}", f"--python_out={out}",
                    f"--grpc_python_out={out}", *files], check=True, cwd=protos)
    sys.path.insert(0, str(out))
    names = sorted(p.stem for p in (out / "shop" / "v1").glob("*.py"))
    yield {name: importlib.import_module(f"shop.v1.{name}") for name in names}
    sys.path.remove(str(out))


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


def raw_unary(channel, path: str):
    """A unary callable that sends and returns raw bytes (no (de)serialization)."""
    return channel.unary_unary(path, request_serializer=None, response_deserializer=None)


def check_request_with_padding(total_size: int) -> bytes:
    """A HealthCheckRequest for "" whose size is exactly `total_size`, padded with unknown
    bytes fields (number 15) that a conformant decoder skips."""
    # Each padding field: tag 0x7A (15<<3|2) + varint length + payload. A tiny first field
    # absorbs the sizes where the length's varint would change width.
    for prefix in (b"", b"\x7a\x00", b"\x7a\x01p"):
        remaining = total_size - len(prefix)
        for varint_len in range(1, 6):
            payload_len = remaining - 1 - varint_len
            if payload_len >= 0 and len(varint(payload_len)) == varint_len:
                return prefix + b"\x7a" + varint(payload_len) + b"p" * payload_len
    raise ValueError(total_size)


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def wait_until(predicate, timeout: float, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


__all__ = ["ServerProcess", "raw_unary", "wait_until", "check_request_with_padding", "varint"]
