"""`shopctl bench --workload` end to end: each built-in per-service generator draws its
requests from the bundled models/ (the model's own side files), and the real shopserve
serving that same repository answers every call OK. A short run per workload (bounded by
call count), so the test checks validity, not speed.
"""
import json

import pytest

from conftest import PACKAGE_ROOT, ServerProcess
from test_shopctl_bench import bench, validate

MODELS = PACKAGE_ROOT / "models"

WORKLOADS = [
    "recall",
    "recall:limit=50,recent=0",
    "rank",
    "rank:candidates=500,behavior=0",
    "price",
    "price:skus=50,jitter=0",
    "image_search",
    "image_search:format=png,mode=exact,limit=5",
    "image_search:format=jpeg,mode=ivf,nprobe=4",
    "dialogue",
    "dialogue:locale=en",
    "dialogue:locale=zh-CN",
]


@pytest.fixture(scope="module")
def model_server():
    """One server for every workload, serving the same repository the generators read."""
    if not all((MODELS / name).is_dir() for name in ("recall", "rank", "price", "image_search", "dialogue")):
        pytest.skip("the bundled models/ repository is incomplete")
    process = ServerProcess("--models", str(MODELS), "--model-poll-interval", "0")
    yield process
    process.kill()


@pytest.mark.parametrize("workload", WORKLOADS)
def test_shopctl_workload_runs_without_errors(model_server, workload):
    result = bench(model_server, "--workload", workload, "--models", str(MODELS), "--total", "40",
                   "--warmup", "0s", "--concurrency", "4", "--pool", "40", "--timeout", "20s",
                   "--format", "json", timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    document = json.loads(result.stdout)
    validate(document)
    run = document["runs"][0]
    assert run["calls"] == 40, run
    assert run["errors"] == 0, (run["status_counts"], run["error_messages"])
    assert run["ok"] == 40
    assert document["settings"]["request_source"] == f"workload:{workload}"
    assert run["bytes_received"] > 40 * 5, "every answer carries a response message"
    model_server.assert_alive()


def test_shopctl_workload_mistakes_exit_64(model_server):
    for workload, message in [("image_search:format=gif", "format=gif"),
                              ("dialogue:locale=fr", "locale=fr"),
                              ("image_search:nprobe=4", "nprobe= needs mode=ivf"),
                              ("price:skus=0", "skus=0")]:
        result = bench(model_server, "--workload", workload, "--models", str(MODELS), "--total", "1")
        assert result.returncode == 64, (workload, result.stderr)
        assert message in result.stderr, (workload, result.stderr)
