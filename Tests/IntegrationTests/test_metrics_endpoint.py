"""The Prometheus endpoint (`--metrics-listen`): scraped over HTTP/1.1 with urllib and parsed with
the official prometheus_client parser, around real Rank calls made with grpcio: the scheduler's
per-model series and the transport's per-method call counts move exactly with the calls."""
import re
import shutil
import urllib.error
import urllib.request

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import PACKAGE_ROOT, ServerProcess

METRICS_LINE = re.compile(r"metrics on http://(\S+):(\d+)/metrics")
CANDIDATES = 50


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server over the bundled rank model with the metrics endpoint on a free port."""
    root = tmp_path_factory.mktemp("models")
    shutil.copytree(PACKAGE_ROOT / "models" / "rank", root / "rank")
    process = ServerProcess("--models", str(root), "--metrics-listen", "127.0.0.1:0")
    match = METRICS_LINE.search(process.log)
    assert match, f"no metrics line in the log:\n{process.log}"
    process.metrics_base = f"http://127.0.0.1:{match.group(2)}"
    yield process
    process.assert_alive()
    process.kill()


def scrape(served) -> dict:
    """(sample name, sorted labels) → value, from one scrape."""
    with urllib.request.urlopen(served.metrics_base + "/metrics", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def rpc_count(samples: dict, service: str, method: str, code: str) -> float:
    key = ("grpc_server_handled_total",
           tuple(sorted({"grpc_service": service, "grpc_method": method, "grpc_code": code}.items())))
    return samples.get(key, 0.0)


def rank_sample(samples: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted({"model": "rank", "version": "1", **labels}.items())))
    assert key in samples, f"{key} missing from the scrape"
    return samples[key]


def test_scheduler_metrics_follow_real_rank_calls(served, shop_stubs):
    rank, rank_grpc = shop_stubs["rank_service_pb2"], shop_stubs["rank_service_pb2_grpc"]
    items = (PACKAGE_ROOT / "models" / "rank" / "1" / "item_ids.txt").read_text().split()
    before = scrape(served)
    calls = 12
    with grpc.insecure_channel(served.target) as channel:
        stub = rank_grpc.RankServiceStub(channel)
        for call in range(calls):
            candidates = items[call * CANDIDATES:(call + 1) * CANDIDATES]
            reply = stub.Rank(rank.RankRequest(user_id="1", behavior_item_ids=items[500:510],
                                               candidate_item_ids=candidates), timeout=30)
            assert len(reply.items) == CANDIDATES
        with pytest.raises(grpc.RpcError) as refused:  # refused before it reaches the scheduler
            stub.Rank(rank.RankRequest(user_id="1", candidate_item_ids=[]), timeout=30)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        with pytest.raises(grpc.RpcError) as unknown:
            channel.unary_unary("/shop.v1.NoSuchService/Call")(b"", timeout=30)
        assert unknown.value.code() == grpc.StatusCode.UNIMPLEMENTED
    after = scrape(served)

    # The transport's per-method counts (grpc_server_*): every call, whatever its status.
    rank_ok = [rpc_count(s, "shop.v1.RankService", "Rank", "OK") for s in (before, after)]
    assert rank_ok[1] - rank_ok[0] == calls
    invalid = [rpc_count(s, "shop.v1.RankService", "Rank", "INVALID_ARGUMENT") for s in (before, after)]
    assert invalid[1] - invalid[0] == 1
    unimplemented = [rpc_count(s, "unknown", "unknown", "UNIMPLEMENTED") for s in (before, after)]
    assert unimplemented[1] - unimplemented[0] == 1
    handled = after[("grpc_server_handling_seconds_count",
                     (("grpc_method", "Rank"), ("grpc_service", "shop.v1.RankService")))]
    assert handled == rank_ok[1] + invalid[1]

    def delta(name, **labels):
        return rank_sample(after, name, **labels) - rank_sample(before, name, **labels)

    assert delta("shopserve_scheduler_requests_total", outcome="ok") == calls
    assert delta("shopserve_scheduler_requests_total", outcome="rejected") == 0
    assert delta("shopserve_scheduler_batch_rows_sum") == calls * CANDIDATES  # every candidate computed once
    assert delta("shopserve_scheduler_queue_wait_seconds_count") == calls
    batches = delta("shopserve_scheduler_batch_rows_count")
    assert 1 <= batches and delta("shopserve_scheduler_compute_seconds_count") == batches
    assert delta("shopserve_scheduler_compute_seconds_sum") > 0
    assert rank_sample(after, "shopserve_scheduler_queued_rows") == 0
    assert rank_sample(after, "shopserve_scheduler_estimated_seconds_per_row") > 0
    # Histogram buckets are cumulative and the +Inf bucket is the count.
    for family in ("batch_rows", "compute_seconds", "queue_wait_seconds"):
        name = f"shopserve_scheduler_{family}_bucket"
        buckets = sorted(((float(dict(labels)["le"]), value) for (sample, labels), value in after.items()
                          if sample == name and dict(labels)["model"] == "rank"))
        counts = [value for _, value in buckets]
        assert counts == sorted(counts), family
        assert buckets[-1][0] == float("inf")
        assert counts[-1] == rank_sample(after, f"shopserve_scheduler_{family}_count")


def test_other_paths_and_methods_are_refused(served):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(served.metrics_base + "/", timeout=10)
    assert missing.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as post:
        urllib.request.urlopen(urllib.request.Request(served.metrics_base + "/metrics", data=b"x=1", method="POST"), timeout=10)
    assert post.value.code == 405
    assert post.value.headers["Allow"] == "GET, HEAD"
    scrape(served)  # still answering


def test_an_unusable_metrics_address_stops_startup(tmp_path):
    with pytest.raises(RuntimeError, match="cannot start the metrics endpoint|invalid value"):
        ServerProcess("--models", str(tmp_path), "--metrics-listen", "256.1.1.1:0")
