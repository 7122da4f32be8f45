"""The settings each kustomization gives shopserve start the real server: its environment
(ConfigMap, Downward API, Secret references) is resolved as the kubelet would, the container's
file paths point at local stand-ins (an empty model repository, a fresh TLS certificate), and
then every probe the manifest declares is run against it: startup and liveness pass, readiness
answers NOT_SERVING while no model is loaded, the metrics endpoint answers a scrape, and SIGTERM
ends in exit 0 within the grace period."""
from __future__ import annotations

import math
import re
import signal
import subprocess
import threading
import urllib.request

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from manifests import (ENVOY, ROOT, TARGETS, binary, container, container_environment, render,
                       shopserve_deployments, target_id)

LISTENING = re.compile(r"listening on (\S+):(\d+)")
METRICS = re.compile(r"metrics on (http://[^/\s\"]+/metrics)")
START_TIMEOUT = 30.0


def cpu_count(quantity: str) -> int:
    """A CPU quantity ("2", "500m") as the Downward API gives it with divisor 1 (rounded up)."""
    return math.ceil(int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity))


def self_signed_certificate(directory) -> tuple[str, str]:
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "1", "-subj", "/CN=shopserve", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    return str(cert), str(key)


def resolved_environment(docs, deployment, tmp_path) -> dict[str, str]:
    spec = container(deployment)
    environment = {}
    for name, value in container_environment(docs, deployment).items():
        if isinstance(value, dict) and "resourceFieldRef" in value:
            resource = value["resourceFieldRef"]["resource"]
            kind, field = resource.split(".")
            environment[name] = str(cpu_count(spec["resources"][kind][field]))
        elif isinstance(value, dict) and "secretKeyRef" in value:
            environment[name] = "s" * 32  # the Secret's content; any 16+ byte key
        else:
            environment[name] = str(value)
    (tmp_path / "models").mkdir()
    environment["SHOPSERVE_MODELS"] = str(tmp_path / "models")  # a repository with no model yet
    if "SHOPSERVE_METRICS_LISTEN" in environment:  # the manifest's fixed port may be taken on this machine
        environment["SHOPSERVE_METRICS_LISTEN"] = "127.0.0.1:0"
    if "SHOPSERVE_TLS_CERT" in environment:
        environment["SHOPSERVE_TLS_CERT"], environment["SHOPSERVE_TLS_KEY"] = self_signed_certificate(tmp_path)
    return environment


class Server:
    """shopserve with exactly the manifest's environment, on a free loopback port."""

    def __init__(self, environment: dict[str, str]):
        self.lines: list[str] = []
        self.port: int | None = None
        self.ready = threading.Event()
        self.process = subprocess.Popen([str(binary("SHOPSERVE_BIN", "shopserve")), "--listen", "127.0.0.1:0"],
                                        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, cwd=ROOT)
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(START_TIMEOUT) or self.port is None:
            self.process.kill()
            pytest.fail(f"shopserve did not start with the manifest's settings:\n{self.log}")

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if (match := LISTENING.search(line)) and self.port is None:
                self.port = int(match.group(2))
                self.ready.set()
        self.ready.set()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)


def run_probe(probe: dict, server: Server, tls: bool) -> str:
    """The probe's verdict: the health status it saw (exec probes: from shopctl's output)."""
    if "grpc" in probe:
        assert not tls, "the kubelet's gRPC probe cannot speak TLS"
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            request = health_pb2.HealthCheckRequest(service=probe["grpc"].get("service", ""))
            answer = health_pb2_grpc.HealthStub(channel).Check(request, timeout=probe.get("timeoutSeconds", 1) + 5)
            return health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)
    command = list(probe["exec"]["command"])
    command[0] = str(binary("SHOPCTL_BIN", "shopctl"))
    command[command.index("--target") + 1] = f"127.0.0.1:{server.port}"
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode in (0, 1), f"{command} failed ({done.returncode}): {done.stdout}{done.stderr}"
    return done.stdout.strip().rsplit(": ", 1)[-1]


@pytest.mark.parametrize("target", [t for t in TARGETS if t != ENVOY], ids=target_id)
def test_manifest_settings_start_shopserve_and_its_probes_answer(target, tmp_path):
    docs = render(target)
    for deployment in shopserve_deployments(docs):
        environment = resolved_environment(docs, deployment, tmp_path)
        spec = container(deployment)
        server = Server(environment)
        try:
            tls = "SHOPSERVE_TLS_CERT" in environment
            assert run_probe(spec["startupProbe"], server, tls) == "SERVING", server.log
            assert run_probe(spec["livenessProbe"], server, tls) == "SERVING", server.log
            assert run_probe(spec["readinessProbe"], server, tls) == "NOT_SERVING", \
                "readiness must wait for the model, and the repository is empty"
            if "SHOPSERVE_METRICS_LISTEN" in environment:
                url = METRICS.search(server.log)
                assert url, f"no metrics endpoint in the log:\n{server.log}"
                with urllib.request.urlopen(url.group(1), timeout=10) as scrape:
                    assert scrape.status == 200 and scrape.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            grace = float(environment.get("SHOPSERVE_GRACE_PERIOD", 10))
            server.process.send_signal(signal.SIGTERM)
            assert server.process.wait(timeout=grace + 10) == 0, server.log
        finally:
            if server.process.poll() is None:
                server.process.kill()
                server.process.wait(timeout=10)
