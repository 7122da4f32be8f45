"""deploy/: every kustomization renders and validates against the Kubernetes schema, the YAML is
lint-clean, and what the manifests say matches what the binaries and the server really do
(options, environment variables, ports, health service names, shutdown timing)."""
from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from manifests import (CHECKOV, DEPLOY, ENVOY, K8S, KUBERNETES_VERSION, OVERLAYS, TARGETS, container, container_environment,
                       containerfile_instructions, envoy_config, health_service_names, help_text, long_options,
                       model_backed_services, of_kind, render, shopserve_deployments,
                       shopserve_environment_names, target_id)

targets = pytest.mark.parametrize("target", TARGETS, ids=target_id)
deployment_targets = pytest.mark.parametrize(
    "target", [t for t in TARGETS if t != ENVOY], ids=target_id)


@targets
def test_renders(target):
    docs = render(target)
    assert docs, f"{target_id(target)} renders nothing"


@targets
def test_validates_against_the_kubernetes_schema(target):
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    for doc in render(target):
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{target_id(target)}: {doc['kind']}/{doc['metadata']['name']}: {error.message} "
                        f"at {'/'.join(map(str, error.path))}")


def test_yaml_is_lint_clean():
    pytest.importorskip("yamllint")
    done = subprocess.run([sys.executable, "-m", "yamllint", "-f", "parsable",
                           "-c", str(DEPLOY / ".yamllint.yaml"), str(DEPLOY)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_checkov_finds_no_failed_check(tmp_path):
    """One checkov run over every overlay (what gets applied; the base and Envoy have no
    namespace of their own and are covered through the overlays)."""
    checkov = CHECKOV if CHECKOV.is_file() else shutil.which("checkov")
    if checkov is None:
        pytest.skip("checkov is not installed (Tests/DeployTests/setup-venv.sh puts it in .venv/checkov)")
    for overlay in OVERLAYS:
        (tmp_path / f"{overlay.name}.yaml").write_text(yaml.safe_dump_all(render(overlay), sort_keys=False))
    done = subprocess.run([checkov, "--framework", "kubernetes", "--skip-download", "--quiet", "--compact",
                           "--output", "json", "--directory", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout) if done.stdout.strip().startswith(("{", "[")) else None
    assert report is not None, f"checkov gave no JSON report:\n{done.stdout}\n{done.stderr}"
    reports = report if isinstance(report, list) else [report]
    failed = [f"{check['check_id']} {check['file_path']} {check['resource']}: {check['check_name']}"
              for r in reports for check in r.get("results", {}).get("failed_checks", [])]
    assert not failed, "checkov failed checks:\n" + "\n".join(failed)
    assert sum(r.get("summary", {}).get("passed", 0) for r in reports) > 0, "checkov checked nothing"


@targets
def test_every_checkov_skip_gives_a_reason(target):
    for doc in render(target):
        for key, value in doc["metadata"].get("annotations", {}).items():
            if key.startswith("checkov.io/skip"):
                check, _, reason = value.partition("=")
                assert re.fullmatch(r"CKV2?_K8S_\d+", check) and len(reason.split()) >= 5, \
                    f"{doc['metadata']['name']}: {key} needs CKV_K8S_n=<reason>, got {value!r}"


@targets
def test_selectors_select_pods_of_the_same_rendering(target):
    docs = render(target)
    # Envoy is applied next to the shopserve pods (the dev overlay renders both).
    pods = docs + render(K8S / "base") if target == ENVOY else docs
    pod_labels = [d["spec"]["template"]["metadata"]["labels"] for d in of_kind(pods, "Deployment")]

    def selects(selector: dict) -> bool:
        return any(selector.items() <= labels.items() for labels in pod_labels)

    selectors = [("Service", d["metadata"]["name"], d["spec"]["selector"]) for d in of_kind(docs, "Service")]
    selectors += [("PodDisruptionBudget", d["metadata"]["name"], d["spec"]["selector"]["matchLabels"])
                  for d in of_kind(docs, "PodDisruptionBudget")]
    for policy in of_kind(docs, "NetworkPolicy"):
        selectors.append(("NetworkPolicy", policy["metadata"]["name"], policy["spec"]["podSelector"]["matchLabels"]))
        for rule in policy["spec"].get("egress", []):
            for peer in rule.get("to", []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    selectors.append(("NetworkPolicy egress", policy["metadata"]["name"],
                                      peer["podSelector"]["matchLabels"]))
    for kind, name, selector in selectors:
        assert selects(selector), f"{kind} {name} selects no pod of {target_id(target)}: {selector}"


@deployment_targets
def test_environment_names_are_ones_shopserve_reads(target):
    accepted = shopserve_environment_names()
    docs = render(target)
    for deployment in shopserve_deployments(docs):
        for name in container_environment(docs, deployment):
            assert name in accepted, f"{target_id(target)}: shopserve does not read {name}"
        options = long_options(" ".join(container(deployment).get("args", [])))
        assert options <= long_options(help_text("SHOPSERVE_BIN", "shopserve")), \
            f"unknown shopserve flags in args: {options}"


def test_containerfile_environment_names_are_ones_shopserve_reads():
    accepted = shopserve_environment_names()
    for instruction, arguments in containerfile_instructions():
        if instruction == "ENV":
            for name in re.findall(r"(SHOPSERVE_[A-Z0-9_]+)=", arguments):
                assert name in accepted, f"Containerfile: shopserve does not read {name}"


@deployment_targets
def test_compute_threads_follow_the_cpu_limit(target):
    docs = render(target)
    for deployment in shopserve_deployments(docs):
        environment = container_environment(docs, deployment)
        for name in ("SHOPSERVE_WORKERS", "SHOPSERVE_REACTORS"):
            reference = environment[name]["resourceFieldRef"]
            assert reference["resource"] == "limits.cpu" and reference["containerName"] == "shopserve"
        assert "cpu" in container(deployment)["resources"]["limits"]


def grpc_port(deployment) -> int:
    ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
    return ports["grpc"]


def probe_target(probe: dict, deployment: dict) -> tuple[int, str]:
    """(port, health service) a probe checks: native gRPC, or `shopctl ... health [SERVICE]`."""
    if "grpc" in probe:
        return probe["grpc"]["port"], probe["grpc"].get("service", "")
    command = probe["exec"]["command"]
    assert command[0].endswith("/shopctl"), f"an exec probe runs shopctl: {command}"
    health = command.index("health")
    flags = long_options(" ".join(command))
    accepted = long_options(help_text("SHOPCTL_BIN", "shopctl")) | long_options(help_text("SHOPCTL_BIN", "shopctl", "health"))
    assert flags <= accepted, f"shopctl does not accept all of {flags}"
    target = command[command.index("--target") + 1]
    rest = [word for word in command[health + 1:] if not word.startswith("-")]
    return int(target.rsplit(":", 1)[1]), (rest[0] if rest else "")


@deployment_targets
def test_probes_check_the_grpc_port_and_a_health_service_that_exists(target):
    for deployment in shopserve_deployments(render(target)):
        spec = container(deployment)
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            port, service = probe_target(spec[kind], deployment)
            assert port == grpc_port(deployment), f"{kind} checks port {port}, not the gRPC port"
            assert service in health_service_names(), f"{kind}: the server has no health service {service!r}"
        _, readiness = probe_target(spec["readinessProbe"], deployment)
        assert readiness in model_backed_services(), \
            "readiness follows a model-backed service (SERVING only while its model is loaded)"


@deployment_targets
def test_the_metrics_port_is_declared_annotated_and_reachable(target):
    docs = render(target)
    for deployment in shopserve_deployments(docs):
        listen = container_environment(docs, deployment)["SHOPSERVE_METRICS_LISTEN"]
        port = int(listen.rsplit(":", 1)[1])
        ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        assert ports.get("metrics") == port, f"container port 'metrics' must be {port} (SHOPSERVE_METRICS_LISTEN)"
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(port) and annotations["prometheus.io/path"] == "/metrics"
    allowed = [port["port"] for policy in of_kind(docs, "NetworkPolicy") for rule in policy["spec"]["ingress"]
               for port in rule.get("ports", [])]
    assert "metrics" in allowed and "grpc" in allowed


@deployment_targets
def test_the_autoscaler_owns_the_replica_count(target):
    docs = render(target)
    scaled = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in of_kind(docs, "HorizontalPodAutoscaler")}
    for deployment in shopserve_deployments(docs):
        name = deployment["metadata"]["name"]
        assert name in scaled and "replicas" not in deployment["spec"], \
            f"{name}: a fixed replicas would fight the HPA on every apply"
        assert 1 <= scaled[name]["minReplicas"] <= scaled[name]["maxReplicas"]


@deployment_targets
def test_termination_grace_covers_pre_stop_and_drain(target):
    docs = render(target)
    for deployment in shopserve_deployments(docs):
        pod = deployment["spec"]["template"]["spec"]
        pre_stop = container(deployment).get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
        grace = float(container_environment(docs, deployment).get("SHOPSERVE_GRACE_PERIOD", 10))
        assert pod["terminationGracePeriodSeconds"] > pre_stop + grace, \
            f"{target_id(target)}: SIGKILL would cut the drain short"


@deployment_targets
def test_pods_run_locked_down(target):
    for deployment in of_kind(render(target), "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for spec in pod["containers"] + pod.get("initContainers", []):
            context = spec["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert spec["resources"]["limits"].keys() >= {"cpu", "memory"}
    for account in of_kind(render(target), "ServiceAccount"):
        assert account["automountServiceAccountToken"] is False


def test_prod_serves_tls_from_a_mounted_secret():
    docs = render(K8S / "overlays" / "prod")
    for deployment in shopserve_deployments(docs):
        environment = container_environment(docs, deployment)
        mounts = {m["mountPath"]: m["name"] for m in container(deployment)["volumeMounts"]}
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        for name in ("SHOPSERVE_TLS_CERT", "SHOPSERVE_TLS_KEY"):
            directory = environment[name].rsplit("/", 1)[0]
            assert "secret" in volumes[mounts[directory]], f"{name} is not read from a Secret volume"


def test_containerfile_matches_the_deployment():
    instructions = containerfile_instructions()
    values = {}
    for instruction, arguments in instructions:
        values.setdefault(instruction, []).append(arguments)
    assert "HEALTHCHECK" not in values, "probes check health in Kubernetes"
    assert values["STOPSIGNAL"] == ["SIGTERM"]
    user = values["USER"][-1].split(":")[0]
    assert user.isdigit() and int(user) > 0, "the image runs as a numeric non-root user"
    deployment = shopserve_deployments(render(K8S / "base"))[0]
    assert int(user) == deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
    assert values["EXPOSE"] == [f"{ports['grpc']} {ports['metrics']}"]


def test_envoy_balances_over_the_headless_service():
    config = envoy_config()
    base = render(K8S / "base")
    headless = {s["metadata"]["name"]: s for s in of_kind(base, "Service") if s["spec"].get("clusterIP") == "None"}
    [cluster] = config["static_resources"]["clusters"]
    assert cluster["type"] == "STRICT_DNS", "one upstream host per pod address"
    [endpoint] = [e["endpoint"]["address"]["socket_address"]
                  for group in cluster["load_assignment"]["endpoints"] for e in group["lb_endpoints"]]
    service = headless[endpoint["address"]]
    assert endpoint["port_value"] == service["spec"]["ports"][0]["port"]
    options = cluster["typed_extension_protocol_options"]["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
    assert "http2_protocol_options" in options["explicit_http_config"], "gRPC needs HTTP/2 upstream"
    [check] = cluster["health_checks"]
    readiness = container(shopserve_deployments(base)[0])["readinessProbe"]["grpc"]["service"]
    assert check["grpc_health_check"]["service_name"] == readiness
    assert cluster["circuit_breakers"]["thresholds"]


def test_envoy_routes_retry_only_safe_codes_with_limits():
    config = envoy_config()
    [listener] = config["static_resources"]["listeners"]
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            action = route["route"]
            assert "max_grpc_timeout" in action, "the client's grpc-timeout sets the deadline"
            policy = action.get("retry_policy")
            if policy:
                codes = set(policy["retry_on"].split(","))
                assert {"unavailable", "resource-exhausted"} <= codes
                assert not codes & {"cancelled", "deadline-exceeded", "internal", "5xx"}
                assert 0 < policy["num_retries"] <= 3
    envoy_service = of_kind(render(ENVOY), "Service")[0]
    envoy_deployment = of_kind(render(ENVOY), "Deployment")[0]
    assert container(envoy_deployment, "envoy")["ports"][0]["containerPort"] == \
        listener["address"]["socket_address"]["port_value"]
    assert envoy_service["spec"]["ports"][0]["targetPort"] == "grpc"


ENVOY_TYPED_CONFIG_MODULES = [
    "envoy.extensions.filters.http.router.v3.router_pb2",
    "envoy.extensions.filters.network.http_connection_manager.v3.http_connection_manager_pb2",
    "envoy.extensions.retry.host.previous_hosts.v3.previous_hosts_pb2",
    "envoy.extensions.upstreams.http.v3.http_protocol_options_pb2",
]


def test_envoy_config_matches_the_envoy_api():
    """Parses envoy.yaml into envoy.config.bootstrap.v3.Bootstrap (Envoy's own protos, from
    xds-protos): field names, types and every typed_config @type must exist."""
    pytest.importorskip("envoy.config.bootstrap.v3.bootstrap_pb2",
                        reason="xds-protos is not installed (Tests/DeployTests/setup-venv.sh)")
    from google.protobuf import json_format
    from envoy.config.bootstrap.v3 import bootstrap_pb2
    for module in ENVOY_TYPED_CONFIG_MODULES:  # registers each typed_config @type
        importlib.import_module(module)
    config = envoy_config()
    json_format.ParseDict(config, bootstrap_pb2.Bootstrap())
