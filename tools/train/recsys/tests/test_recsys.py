"""Fast checks of the recsys training pieces: autodiff gradients (finite differences on the rank
network), the channel merge the server mirrors, and the metrics."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))

from train.recsys import autodiff as ad, merge, rank_model  # noqa: E402
from train.recsys.int8 import Fp32Weights  # noqa: E402
from train.recsys.metrics import auc, gauc, recall_at  # noqa: E402


def test_rank_network_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    items, genres, rows = 40, 20, 5
    item_genres = (rng.random((items, genres)) < 0.2).astype(np.uint8)
    dense = rng.random((items, 2)).astype(np.float32)
    sequences = rng.integers(0, items, (rows, rank_model.SEQUENCE))
    sequences[:, 4:] = -1
    sequences[0] = -1
    batch = rank_model.Batch(rng.integers(0, items, rows), sequences, rng.integers(0, 7, rows), rng.integers(0, 8, rows))
    params = rank_model.init_params(items, genres, rng)
    for p in params.values():
        p.value = p.value.astype(np.float64)
    labels = rng.integers(0, 2, rows).astype(np.float64)

    def loss():
        ctr, cvr = rank_model._forward_nodes(params, batch, item_genres, dense)
        return ad.sum_nodes(ad.binary_cross_entropy(ctr, labels, np.ones(rows)),
                            ad.binary_cross_entropy(cvr, 1 - labels, np.ones(rows)))

    ctr, cvr = rank_model._forward_nodes(params, batch, item_genres, dense)
    reference = rank_model.predict(Fp32Weights({k: p.value for k, p in params.items()}), batch, item_genres, dense)
    np.testing.assert_allclose(ad.sigmoid_array(ctr.value), reference[0], atol=1e-9)
    ad.backward(loss())
    for name in ("item_embedding", "attention.hidden.weight", "experts.weight", "gate.ctr.weight", "tower.cvr.out.weight"):
        p = params[name]
        index = (int(batch.candidates[1]), 3) if name == "item_embedding" else tuple(rng.integers(0, s) for s in p.value.shape)
        analytic = p.grad[index]
        old = p.value[index]
        p.value[index] = old + 1e-6
        up = float(loss().value)
        p.value[index] = old - 1e-6
        down = float(loss().value)
        p.value[index] = old
        assert abs(analytic - (up - down) / 2e-6) < 1e-6 + 1e-4 * abs(analytic), name


def test_merge_sums_normalised_weighted_scores_and_keeps_the_best_channel():
    merged = merge.merge({merge.HOT: (np.array([7, 8]), np.array([10.0, 5.0])),
                          merge.EMBEDDING: (np.array([8, 9]), np.array([0.9, 0.1]))},
                         {merge.HOT: 0.4, merge.EMBEDDING: 0.6}, limit=10)
    assert [row for row, _, _ in merged] == [8, 7, 9]
    assert merged[0][2] == merge.EMBEDDING and abs(merged[0][1] - 0.6) < 1e-12


def test_metrics():
    assert recall_at(np.array([3, 1, 2]), np.array([1, 5]), 2) == 0.5
    assert auc(np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.8, 0.85])) == 0.75
    assert gauc(np.array([0, 0, 1, 1]), np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.2, 0.3])) == 0.5
