"""Reference rows for the Swift tests (Tests/ShopModelsTests/Fixtures/recsys): inputs and the outputs
the INT8 arithmetic gives in numpy, so the Swift model kinds can be checked against Python."""
import numpy as np

from quantize_lib.quantization import dequantize_rows, quantize_rows

from . import channels, merge, rank_model, two_tower
from .data import context_of, recent_first
from .int8 import Int8Weights
from .publishing import HOT_ITEMS, write_fixture

RECALL_USERS = (0, 10, 100, 300)
RANK_USERS = (0, 1, 2)


def write_recall_fixture(tensors, neighbours, neighbour_weights, hot, split, catalogue):
    ids = np.asarray(catalogue.ids)
    q8 = Int8Weights(tensors, two_tower.TENSORS)
    vectors = dequantize_rows(*quantize_rows(two_tower.item_vectors(tensors)))
    weights = dequantize_rows(*quantize_rows(neighbour_weights))
    hot_rows = np.argsort(-hot, kind="stable")[:HOT_ITEMS]
    hot_scores = hot[hot_rows].astype(np.float32)
    cases = []
    for k in RECALL_USERS:
        train = split.train[k]
        sequence = recent_first(train.items, two_tower.SEQUENCE)
        user = two_tower.user_vectors(q8, sequence[None, :])[0]
        exclude = np.unique(train.items)
        embedding = merge.channel_candidates(user @ vectors.T, merge.DEFAULT_QUOTAS[merge.EMBEDDING], exclude)
        i2i = channels.neighbour_scores(train.items[::-1], neighbours, weights, catalogue.count)
        excluded = np.zeros(catalogue.count, bool)
        excluded[exclude] = True
        keep = hot_rows[~excluded[hot_rows]][:merge.DEFAULT_QUOTAS[merge.HOT]]
        candidates = {
            merge.EMBEDDING: embedding,
            merge.ITEM_TO_ITEM: merge.channel_candidates(i2i, merge.DEFAULT_QUOTAS[merge.ITEM_TO_ITEM], exclude),
            merge.HOT: (keep, hot_scores[~excluded[hot_rows]][:len(keep)].astype(np.float64)),
        }
        merged = merge.merge(candidates, merge.DEFAULT_WEIGHTS, merge.DEFAULT_LIMIT)
        cases.append({
            "user_id": train.user_id,
            "sequence": ids[sequence[sequence >= 0]].tolist(),
            "user_vector": [round(float(v), 7) for v in user],
            "embedding_top10": ids[embedding[0][:10]].tolist(),
            "merged_item_ids": ids[[row for row, _, _ in merged]].tolist(),
            "merged_channels": [channel for _, _, channel in merged],
        })
    write_fixture("recall_reference.json", {"cases": cases})


def write_rank_fixture(tensors, dense, split, catalogue):
    ids = np.asarray(catalogue.ids)
    rng = np.random.default_rng(11)
    q8 = Int8Weights(tensors, rank_model.TENSORS)
    cases = []
    for n, k in enumerate(RANK_USERS):
        train, test = split.train[k], split.test[k]
        sequence = recent_first(train.items, rank_model.SEQUENCE)
        candidates = np.concatenate([test.items, rng.choice(catalogue.count, 5, replace=False)])
        hour, weekday = (int(v[0]) for v in context_of(test.times[:1]))
        if n == 2:   # one request without context
            hour, weekday = None, None
        batch = rank_model.Batch(candidates, np.tile(sequence, (len(candidates), 1)),
                                 np.full(len(candidates), 6 if hour is None else hour),
                                 np.full(len(candidates), 7 if weekday is None else weekday))
        ctr, cvr = rank_model.predict(q8, batch, catalogue.genres, dense)
        cases.append({
            "behavior": ids[sequence[sequence >= 0]].tolist(), "hour_bucket": hour, "weekday": weekday,
            "candidates": ids[candidates].tolist(),
            "ctr": [round(float(v), 7) for v in ctr], "cvr": [round(float(v), 7) for v in cvr],
        })
    write_fixture("rank_reference.json", {"cases": cases})
