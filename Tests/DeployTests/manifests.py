"""Loading the deployment artefacts for the tests: rendered kustomizations, the options the
real binaries accept, the health service names the server registers, the Containerfile."""
from __future__ import annotations

import functools
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
ENVOY = DEPLOY / "envoy"
OVERLAYS = sorted(p for p in (K8S / "overlays").iterdir() if (p / "kustomization.yaml").is_file())
# Every kustomization an SRE may apply: the base, each overlay, Envoy on its own.
TARGETS = [K8S / "base", *OVERLAYS, ENVOY]
KUBERNETES_VERSION = "1.30.0"
# checkov lives in a venv of its own (Tests/DeployTests/setup-venv.sh); else found on PATH.
CHECKOV = ROOT / ".venv" / "checkov" / "bin" / "checkov"
SHOPSERVE_CONTAINER = "shopserve"


def target_id(path: pathlib.Path) -> str:
    return str(path.relative_to(DEPLOY))


@functools.lru_cache(maxsize=None)
def render(target: pathlib.Path) -> tuple[dict, ...]:
    """`kubectl kustomize TARGET` as a tuple of documents (skips when kubectl is missing)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: `kubectl kustomize` renders the overlays "
                    "(not in Debian bookworm: a kubectl with kustomize v5, 1.27 or newer, runs these tests)")
    done = subprocess.run([kubectl, "kustomize", str(target)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"kubectl kustomize {target_id(target)} failed:\n{done.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def of_kind(docs, kind: str) -> list[dict]:
    return [doc for doc in docs if doc["kind"] == kind]


def shopserve_deployments(docs) -> list[dict]:
    return [d for d in of_kind(docs, "Deployment")
            if any(c["name"] == SHOPSERVE_CONTAINER for c in d["spec"]["template"]["spec"]["containers"])]


def container(deployment: dict, name: str = SHOPSERVE_CONTAINER) -> dict:
    return next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == name)


def container_environment(docs, deployment: dict, name: str = SHOPSERVE_CONTAINER) -> dict[str, object]:
    """Every environment variable of the container: its `env` entries (value or source) and
    the keys of the ConfigMaps it takes through `envFrom`."""
    spec = container(deployment, name)
    config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in of_kind(docs, "ConfigMap")}
    environment: dict[str, object] = {}
    for source in spec.get("envFrom", []):
        reference = source.get("configMapRef")
        assert reference, f"envFrom other than a ConfigMap is not expected: {source}"
        assert reference["name"] in config_maps, f"envFrom names a missing ConfigMap {reference['name']}"
        environment.update(config_maps[reference["name"]])
    for entry in spec.get("env", []):
        environment[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return environment


def binary(variable: str, name: str) -> pathlib.Path:
    path = pathlib.Path(os.environ.get(variable, ROOT / ".build" / "debug" / name))
    if not path.is_file():
        pytest.skip(f"{path} is not built (swift build --product {name}, or set {variable})")
    return path


@functools.lru_cache(maxsize=None)
def help_text(variable: str, name: str, *arguments: str) -> str:
    done = subprocess.run([str(binary(variable, name)), *arguments, "--help"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def long_options(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]*)", text))


@functools.lru_cache(maxsize=None)
def shopserve_environment_names() -> frozenset[str]:
    """SHOPSERVE_* variables shopserve reads: one per `--option` in `shopserve --help`
    (SettingsResolver.environmentName), plus literal names read elsewhere in Sources/."""
    options = long_options(help_text("SHOPSERVE_BIN", "shopserve")) - {"help", "version"}
    names = {"SHOPSERVE_" + option.upper().replace("-", "_") for option in options}
    for source in (ROOT / "Sources").rglob("*.swift"):
        names.update(re.findall(r'"(SHOPSERVE_[A-Z0-9_]+)"', source.read_text(errors="replace")))
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def health_service_names() -> frozenset[str]:
    """Names grpc.health.v1 answers for: "" (the server), Health itself, and every shop.v1
    service from protos/ (ShopServiceSet registers each; SERVING once its model is loaded)."""
    names = {"", "grpc.health.v1.Health"}
    for proto in (ROOT / "protos" / "shop" / "v1").glob("*.proto"):
        text = proto.read_text()
        package = re.search(r"^package\s+([\w.]+)\s*;", text, re.M).group(1)
        names.update(f"{package}.{service}" for service in re.findall(r"^service\s+(\w+)", text, re.M))
    return frozenset(names)


def model_backed_services() -> frozenset[str]:
    return frozenset(name for name in health_service_names() if name.startswith("shop.v1."))


def containerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Containerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Containerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in lines if line and not line.startswith("#")]


def envoy_config() -> dict:
    return yaml.safe_load((ENVOY / "envoy.yaml").read_text())
