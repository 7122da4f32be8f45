"""Tests of tools/quantize on small random models (run: .venv/bin/python -m pytest tools/quantize_lib/tests)."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TOOLS)

from quantize_lib.quantization import dequantize_rows, int8_linear, quantize_rows  # noqa: E402

QUANTIZE = os.path.join(TOOLS, "quantize")


def run(*args, check=True):
    result = subprocess.run([sys.executable, QUANTIZE, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"quantize failed ({result.returncode}): {result.stdout}{result.stderr}")
    return result


def random_mlp(rng, sizes=(32, 64, 16, 4)):
    tensors = {}
    for i, (k, n) in enumerate(zip(sizes, sizes[1:]), start=1):
        tensors[f"fc{i}.weight"] = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
        tensors[f"fc{i}.bias"] = (0.1 * rng.standard_normal(n)).astype(np.float32)
    return tensors


@pytest.fixture
def model(tmp_path):
    rng = np.random.default_rng(7)
    tensors = random_mlp(rng)
    tensors["item_embedding"] = rng.standard_normal((100, 8)).astype(np.float32)
    tensors["item_embedding"][3] = 0.0                       # an all-zero row
    tensors["step"] = np.array([42], dtype=np.int64)
    path = tmp_path / "ckpt.safetensors"
    save_file(tensors, str(path))
    calibration = tmp_path / "calib.safetensors"
    save_file({"x": rng.standard_normal((256, 32)).astype(np.float32)}, str(calibration))
    return tensors, path, calibration


def test_help():
    result = run("--help")
    assert "usage: tools/quantize" in result.stdout
    assert "--calibration" in result.stdout and "--keep-fp32" in result.stdout


def test_quantize_rows_bounds_error_by_half_a_step():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((17, 33)).astype(np.float32) * rng.uniform(0.01, 10, (17, 1)).astype(np.float32)
    q, scale = quantize_rows(w)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (17,)
    assert np.all(np.abs(q.astype(int)).max(axis=1) == 127)   # every row uses the full range
    assert np.all(np.abs(w - dequantize_rows(q, scale)) <= scale[:, None] / 2 + 1e-6)


def test_int8_linear_matches_fp32_closely():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 64)).astype(np.float32)
    w = rng.standard_normal((16, 64)).astype(np.float32)
    q, scale = quantize_rows(w)
    y = int8_linear(x, q, scale)
    assert np.linalg.norm(y - x @ w.T) / np.linalg.norm(x @ w.T) < 0.02


def test_quantizes_layout_config_and_reports(model, tmp_path):
    tensors, path, calibration = model
    template = tmp_path / "template.json"
    template.write_text(json.dumps({"kind": "mlp", "description": "test model",
                                    "architecture": {"hidden": [64, 16]},
                                    "batching": {"max_batch_rows": 32}}))
    out = tmp_path / "models" / "mlp" / "1"
    result = run(path, "-o", out, "--config-template", template, "--name", "mlp",
                 "--keep-fp32", "fc3.*", "--embedding", "*embedding", "--calibration", calibration,
                 "--mlp", "fc1:relu,fc2:relu,fc3:none")

    quantized = load_file(str(out / "model.safetensors"))
    for name in ("fc1.weight", "fc2.weight", "item_embedding"):
        assert quantized[name].dtype == np.int8 and quantized[name].shape == tensors[name].shape
        assert quantized[name + ".scale"].dtype == np.float32
        assert quantized[name + ".scale"].shape == (tensors[name].shape[0],)
        scale = quantized[name + ".scale"]
        assert np.all(np.abs(tensors[name] - dequantize_rows(quantized[name], scale)) <= scale[:, None] / 2 + 1e-6)
    assert quantized["fc3.weight"].dtype == np.float32 and "fc3.weight.scale" not in quantized
    assert quantized["fc1.bias"].dtype == np.float32
    assert quantized["step"].dtype == np.int64 and quantized["step"][0] == 42
    assert quantized["item_embedding.scale"][3] == 0 and not quantized["item_embedding"][3].any()
    with safe_open(str(out / "model.safetensors"), "np") as file:
        assert file.metadata()["format"] == "shopserve-int8"

    config = json.loads((out / "config.json").read_text())
    assert config["schema_version"] == 1 and config["kind"] == "mlp" and config["name"] == "mlp"
    assert config["description"] == "test model" and config["batching"] == {"max_batch_rows": 32}
    assert config["architecture"] == {"hidden": [64, 16]}
    assert config["sha256"] == hashlib.sha256((out / "model.safetensors").read_bytes()).hexdigest()
    assert config["quantization"]["fp32_tensors"] == ["fc3.weight"]
    assert config["quantization"]["embedding_tensors"] == ["item_embedding"]
    assert sorted(config["quantization"]["int8_tensors"]) == ["fc1.weight", "fc2.weight", "item_embedding"]

    assert "fc1.weight" in result.stdout and "relative" in result.stdout
    line = next(l for l in result.stdout.splitlines() if l.startswith("model output error"))
    relative = float(line.split("relative ")[1].split(",")[0])
    assert 0 < relative < 0.05, line
    assert "argmax agreement" in line


def test_transpose_and_include(tmp_path):
    rng = np.random.default_rng(3)
    w = rng.standard_normal((32, 8)).astype(np.float32)        # numpy-style [in, out]
    save_file({"w": w, "other": rng.standard_normal((4, 4)).astype(np.float32)}, str(tmp_path / "c.safetensors"))
    save_file({"x": rng.standard_normal((10, 32)).astype(np.float32)}, str(tmp_path / "x.safetensors"))
    out = tmp_path / "out"
    result = run(tmp_path / "c.safetensors", "-o", out, "--kind", "k", "--transpose", "w", "--include", "w",
                 "--calibration", tmp_path / "x.safetensors", "--mlp", "w:none")
    quantized = load_file(str(out / "model.safetensors"))
    assert quantized["w"].shape == (8, 32) and quantized["w"].dtype == np.int8
    assert quantized["other"].dtype == np.float32
    assert "model output error on 10 calibration rows" in result.stdout


@pytest.mark.parametrize("args, message", [
    ([], "no model kind"),
    (["--kind", "k", "--mlp", "fc1:relu"], "--calibration and --mlp go together"),
    (["--kind", "k", "--calibration", "{calib}", "--mlp", "fc9:relu"], "no tensor named 'fc9'"),
    (["--kind", "k", "--calibration", "{calib}", "--mlp", "fc1:gelu"], "unknown activation 'gelu'"),
    (["--kind", "k", "--calibration", "{calib}", "--mlp", "fc2:relu"], "has shape [16, 64] but its input has 32"),
])
def test_errors_are_clear(model, tmp_path, args, message):
    _, path, calibration = model
    args = [a.replace("{calib}", str(calibration)) for a in args]
    result = run(path, "-o", tmp_path / "out", *args, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_unreadable_checkpoint(tmp_path):
    (tmp_path / "bad.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    result = run(tmp_path / "bad.safetensors", "-o", tmp_path / "out", "--kind", "k", check=False)
    assert result.returncode != 0 and "cannot read safetensors checkpoint" in result.stderr
