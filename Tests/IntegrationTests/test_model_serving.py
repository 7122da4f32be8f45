"""Model serving through the real binary: `--models DIR` is served, shop-service health follows
the served set, and a version published at runtime is picked up by SIGHUP (the admin reload) or
by polling, without a restart. Models here are of the built-in `tensors` kind (written with the
`safetensors` package), so only availability is checked, not inference."""
import json
import os
import signal

import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from safetensors.numpy import save_file

import grpc
from conftest import wait_until

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def publish(root, model: str, version: int, kind: str = "tensors"):
    """Writes root/model/version under a staging name, then renames it into place (atomic)."""
    staging = root / model / f"{version}.staging"
    staging.mkdir(parents=True)
    save_file({"w": np.arange(8, dtype=np.float32)}, str(staging / "model.safetensors"))
    (staging / "config.json").write_text(json.dumps({"schema_version": 1, "kind": kind}))
    os.rename(staging, root / model / str(version))


def health(server, service: str):
    with grpc.insecure_channel(server.target) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_health_follows_the_served_models_and_sighup_reloads(tmp_path, start_server):
    publish(tmp_path, "rank", 1)
    server = start_server("--models", str(tmp_path), "--model-poll-interval", "0")
    assert "model 'rank' version 1 loaded" in server.log
    assert health(server, "shop.v1.RankService") == SERVING
    assert health(server, "shop.v1.PriceService") == NOT_SERVING

    publish(tmp_path, "price", 3)
    publish(tmp_path, "dialogue", 1, kind="no.such.kind")
    server.signal(signal.SIGHUP)
    assert wait_until(lambda: "reload done" in server.log, timeout=10), server.log
    assert "model 'price' version 3 loaded" in server.log
    assert "model 'dialogue' version 1 refused" in server.log and "unknown model kind 'no.such.kind'" in server.log
    assert health(server, "shop.v1.PriceService") == SERVING
    assert health(server, "shop.v1.DialogueService") == NOT_SERVING

    for entry in (tmp_path / "rank" / "1").iterdir():
        entry.unlink()
    (tmp_path / "rank" / "1").rmdir()
    server.signal(signal.SIGHUP)
    assert wait_until(lambda: health(server, "shop.v1.RankService") == NOT_SERVING, timeout=10), server.log
    assert "model 'rank' version 1 unloaded" in server.log
    server.assert_alive()

    server.signal(signal.SIGTERM)
    assert server.wait(timeout=20) == 0
    assert "scheduler drained and stopped" in server.log


def test_polling_picks_up_a_new_version_without_a_signal(tmp_path, start_server):
    (tmp_path / "recall").mkdir()
    server = start_server("--models", str(tmp_path), "--model-poll-interval", "0.2")
    assert health(server, "shop.v1.RecallService") == NOT_SERVING
    publish(tmp_path, "recall", 2)
    assert wait_until(lambda: health(server, "shop.v1.RecallService") == SERVING, timeout=15), server.log
    assert "model 'recall' version 2 loaded" in server.log


def test_a_models_directory_that_does_not_exist_is_a_startup_error(tmp_path):
    from conftest import ServerProcess
    with pytest.raises(RuntimeError) as error:
        ServerProcess("--models", str(tmp_path / "missing"))
    assert "cannot open the model repository" in str(error.value)
