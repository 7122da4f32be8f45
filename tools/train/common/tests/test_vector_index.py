"""Tests of the Python vector index builder (run: .venv/bin/python -m pytest tools/train/common/tests)."""
import os
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, TOOLS)

from quantize_lib.quantization import quantize_rows  # noqa: E402
from train.common.export import publish  # noqa: E402
from train.common.vector_index import (build_index_tensors, exact_top_k, index_keep_fp32,  # noqa: E402
                                       normalize_rows, random_rotation)


def clustered(rng, n, d=32, clusters=12, noise=0.6):
    centres = normalize_rows(rng.standard_normal((clusters, d)))
    points = centres[rng.integers(0, clusters, n)] + noise / np.sqrt(d) * rng.standard_normal((n, d))
    return (points * rng.uniform(0.5, 3.0, (n, 1))).astype(np.float32)  # unnormalized on purpose


def test_flat_tensors_are_normalized_rows_quantized_per_row():
    rng = np.random.default_rng(1)
    vectors = clustered(rng, 500)
    tensors = build_index_tensors(vectors, "items", ids=np.arange(500) * 7, categories=np.arange(500) % 3, seed=4)
    assert set(tensors) == {"items.vectors", "items.vectors.scale", "items.ids", "items.categories", "items.rotation"}
    rotation = tensors["items.rotation"]
    np.testing.assert_array_equal(rotation, random_rotation(32, 4))
    assert np.allclose(rotation @ rotation.T, np.eye(32), atol=1e-5)
    q, scale = quantize_rows(normalize_rows(vectors) @ rotation.T)
    np.testing.assert_array_equal(tensors["items.vectors"], q)
    np.testing.assert_array_equal(tensors["items.vectors.scale"], scale)
    assert tensors["items.vectors"].dtype == np.int8 and tensors["items.vectors.scale"].dtype == np.float32
    assert tensors["items.ids"].dtype == np.int64 and tensors["items.categories"].dtype == np.int32
    dequantized = q.astype(np.float32) * scale[:, None]
    assert np.allclose(np.linalg.norm(dequantized, axis=1), 1, atol=0.02)
    plain = build_index_tensors(vectors, "items", rotate=False)
    assert "items.rotation" not in plain
    np.testing.assert_array_equal(plain["items.vectors"], quantize_rows(normalize_rows(vectors))[0])


def test_ivf_lists_partition_the_rows_by_nearest_centroid():
    rng = np.random.default_rng(2)
    vectors = clustered(rng, 1200)
    tensors = build_index_tensors(vectors, "p", ivf_lists=16, seed=3)
    centroids, offsets, rows = tensors["p.ivf.centroids"], tensors["p.ivf.list_offsets"], tensors["p.ivf.rows"]
    assert centroids.shape == (16, 32) and centroids.dtype == np.float32
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1, atol=1e-5)
    assert offsets[0] == 0 and offsets[-1] == 1200 and np.all(np.diff(offsets) >= 0)
    assert sorted(rows.tolist()) == list(range(1200))
    np.testing.assert_array_equal(tensors["p.ivf.vectors"], tensors["p.vectors"][rows])
    np.testing.assert_array_equal(tensors["p.ivf.vectors.scale"], tensors["p.vectors.scale"][rows])
    unit = normalize_rows(vectors) @ tensors["p.rotation"].T
    for list_index in range(16):
        members = rows[offsets[list_index]:offsets[list_index + 1]]
        assert np.all(np.diff(members) > 0), "ascending rows inside a list"
        assert np.all(np.argmax(unit[members] @ centroids.T, axis=1) == list_index)
    again = build_index_tensors(vectors, "p", ivf_lists=16, seed=3)
    assert all(np.array_equal(tensors[name], again[name]) for name in tensors), "same seed, same index"


def test_int8_search_finds_the_fp32_neighbours():
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((2000, 64)).astype(np.float32)
    queries = rng.standard_normal((50, 64)).astype(np.float32)
    tensors = build_index_tensors(vectors, "x")
    truth = np.argsort(-(normalize_rows(queries) @ normalize_rows(vectors).T), axis=1, kind="stable")[:, :10]
    found = exact_top_k(tensors, "x", queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    assert recall >= 0.99


def test_fine_vectors_are_int16_rows_that_lift_recall_past_int8():
    rng = np.random.default_rng(6)
    centres = normalize_rows(rng.standard_normal((40, 32)))
    vectors = (centres[rng.integers(0, 40, 3000)] + 0.05 * rng.standard_normal((3000, 32))).astype(np.float32)
    queries = (centres[rng.integers(0, 40, 60)] + 0.05 * rng.standard_normal((60, 32))).astype(np.float32)
    tensors = build_index_tensors(vectors, "x", fine_vectors=True, seed=2)
    fine, scale = tensors["x.fine_vectors"], tensors["x.fine_vectors.scale"]
    assert fine.dtype == np.int16 and fine.shape == (3000, 32) and scale.dtype == np.float32 and scale.shape == (3000,)
    unit = normalize_rows(vectors) @ tensors["x.rotation"].T
    assert np.abs(np.abs(fine).max(axis=1) - 32767).max() <= 1, "every row uses the full INT16 range"
    assert np.abs(fine * scale[:, None] - unit).max() <= scale.max() / 2 * 1.001
    truth = np.argsort(-(normalize_rows(queries) @ normalize_rows(vectors).T), axis=1, kind="stable")[:, :10]

    def recall(t):
        return np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact_top_k(t, "x", queries, 10), truth)])
    without = {k: v for k, v in tensors.items() if not k.startswith("x.fine_vectors")}
    assert recall(tensors) >= 0.995 and recall(tensors) > recall(without) + 0.02, (recall(tensors), recall(without))
    assert "x.fine_vectors" not in build_index_tensors(vectors, "x"), "off by default"


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="\\[n, d\\]"):
        build_index_tensors(np.zeros(5, np.float32), "x")
    with pytest.raises(ValueError, match="NaN"):
        build_index_tensors(np.array([[1.0, np.nan]], np.float32), "x")
    with pytest.raises(ValueError, match="ids"):
        build_index_tensors(np.ones((3, 2), np.float32), "x", ids=[1, 2])
    with pytest.raises(ValueError, match="categories"):
        build_index_tensors(np.ones((3, 2), np.float32), "x", categories=[0.5, 1, 2])


@pytest.mark.parametrize("keep_centroids", [True, False])
def test_index_tensors_pass_through_tools_quantize(tmp_path, keep_centroids):
    rng = np.random.default_rng(5)
    index = build_index_tensors(clustered(rng, 300), "items", ids=np.arange(300) + 100,
                                categories=np.arange(300) % 4, ivf_lists=8, fine_vectors=True)
    tensors = dict(index, **{"tower.weight": rng.standard_normal((8, 32)).astype(np.float32)})
    directory, written = publish("index_model", tensors, kind="test.index", config={},
                                 keep_fp32=index_keep_fp32("items") if keep_centroids else (),
                                 models_root=str(tmp_path))
    assert os.path.exists(os.path.join(directory, "config.json"))
    for name, value in index.items():
        if name in ("items.ivf.centroids", "items.rotation") and not keep_centroids:
            continue
        assert written[name].dtype == value.dtype, name
        np.testing.assert_array_equal(written[name], value, err_msg=name)
    assert written["tower.weight"].dtype == np.int8, "the model's own weights are still quantized"
    if keep_centroids:
        assert "items.ivf.centroids.scale" not in written and "items.rotation.scale" not in written
    else:  # quantized like a weight: the Swift loader dequantizes I8 + .scale centroids
        assert written["items.ivf.centroids"].dtype == np.int8
        restored = written["items.ivf.centroids"] * written["items.ivf.centroids.scale"][:, None]
        assert np.allclose(restored, index["items.ivf.centroids"], atol=0.01)
    assert set(load_file(os.path.join(directory, "model.safetensors"))) == set(written)
