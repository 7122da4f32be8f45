"""Recall@K of every channel, the merged answer and the baselines on the held-out split.

The merged answer is computed the way the server answers a known user who sends only `user_id`
(stored history → embedding + item-to-item + hot). The real-time channel is evaluated as if the
user's 5 most recent training items came in `recent_item_ids`; cold start as if the user were
unknown, with the context (hour bucket, weekday) of their first held-out event.
"""
import numpy as np

from . import channels, two_tower
from .data import context_of, recent_first
from .merge import (COLD_START, DEFAULT_LIMIT, DEFAULT_QUOTAS, DEFAULT_WEIGHTS, EMBEDDING, HOT,
                    ITEM_TO_ITEM, REAL_TIME, channel_candidates, merge)
from .metrics import recall_at, top_k

KS = (50, 200)
REAL_TIME_ITEMS = 5


class RecallModel:
    """Everything the recall channels need, in FP32 or INT8 arithmetic."""

    def __init__(self, weights, item_vectors, neighbours, neighbour_weights, hot, cold_tables, item_count):
        self.weights = weights
        self.item_vectors = item_vectors
        self.neighbours = neighbours
        self.neighbour_weights = neighbour_weights
        self.hot = hot
        self.cold_tables = cold_tables
        self.item_count = item_count

    def embedding_scores(self, sequences: np.ndarray, int8: bool) -> np.ndarray:
        users = two_tower.user_vectors(self.weights, sequences)
        if int8:   # the INT8 index re-scores its candidates as FP32 query · dequantized INT8 rows
            from quantize_lib.quantization import dequantize_rows
            return users @ dequantize_rows(*self.item_vectors).T
        return users @ self.item_vectors.T

    def neighbour_scores(self, recent_first_items, **kw):
        return channels.neighbour_scores(recent_first_items, self.neighbours, self.neighbour_weights,
                                         self.item_count, **kw)


def evaluate(model: RecallModel, split, popularity_counts, knn_scores, int8: bool) -> dict:
    """{row name: {k: mean recall}} over all users."""
    count = model.item_count
    histories = np.stack([recent_first(u.items, two_tower.SEQUENCE) for u in split.train])
    embedding = model.embedding_scores(histories, int8)
    results = {}

    def record(name, ranked, targets):
        for k in KS:
            results.setdefault(name, {}).setdefault(k, []).append(recall_at(ranked, targets, k))

    for index, (train, test) in enumerate(zip(split.train, split.test)):
        exclude = np.unique(train.items)
        stored = recent_first(train.items, two_tower.SEQUENCE)
        i2i = model.neighbour_scores(stored)
        candidates = {
            EMBEDDING: channel_candidates(embedding[index], DEFAULT_QUOTAS[EMBEDDING], exclude),
            ITEM_TO_ITEM: channel_candidates(i2i, DEFAULT_QUOTAS[ITEM_TO_ITEM], exclude),
            HOT: channel_candidates(model.hot, DEFAULT_QUOTAS[HOT], exclude),
        }
        merged = np.array([row for row, _, _ in merge(candidates, DEFAULT_WEIGHTS, DEFAULT_LIMIT)])
        record("merged (user_id only)", merged, test.items)
        record("  embedding (two-tower)", top_k(embedding[index], 200, exclude), test.items)
        record("  item-to-item", top_k(i2i, 200, exclude), test.items)
        record("  hot", top_k(model.hot, 200, exclude), test.items)
        recent = recent_first(train.items, REAL_TIME_ITEMS)
        record("  real-time (last 5 as recent)", top_k(model.neighbour_scores(recent), 200, exclude), test.items)
        hour, weekday = context_of(test.times[:1])
        cold = channels.cold_start_scores(model.cold_tables, count, int(hour[0]), int(weekday[0]))
        record("  cold start (context only)", top_k(cold, 200, np.zeros(0, np.int64)), test.items)
        if knn_scores is not None:
            record("baseline popularity", top_k(popularity_counts, 200, exclude), test.items)
            record("baseline popularity (no exclusions)", top_k(popularity_counts, 200, np.zeros(0, np.int64)), test.items)
            record("baseline item-KNN (last 20)", top_k(knn_scores[index], 200, exclude), test.items)
    return {name: {k: float(np.mean(v)) for k, v in by_k.items()} for name, by_k in results.items()}
