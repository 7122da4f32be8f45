"""Publishing models/recall/<v> and models/rank/<v>, and the Swift test fixtures.

Recall (kind `recall.multichannel`) tensors:
  user.item_embedding I8 [N, 64] (+ .scale)        user tower bag table
  user.hidden.{weight,bias}, user.out.{weight,bias}  user tower MLP (INT8 weights)
  items.vectors I8 [N, 64] (+ .scale)              the vector index (L2-normalised item tower)
  i2i.neighbours I32 [N, K], i2i.weights I8 [N, K] (+ .scale)   co-occurrence neighbours, best first
  hot.items I32 [H], hot.scores F32 [H]            recent popularity, best first
  cold.items I32 [C], cold.base F32 [C], cold.hour_lift F32 [C, 6], cold.weekday_lift F32 [C, 7]
  users.history_offsets I64 [U+1], users.history_rows I32   stored histories of known users (CSR), recent first
Side files: item_ids.txt (movieId per row), user_ids.txt (userId per users.history row); items.json and
users.json (the same ids as JSON arrays, for `shopctl bench`'s recall/rank workloads).

Rank (kind `rank.mmoe`) tensors: item_embedding I8 [N, 32] (+ .scale); attention.hidden, attention.out,
experts, gate.ctr, gate.cvr, tower.{ctr,cvr}.{hidden,out} (INT8 weights + F32 biases);
item_genres U8 [N, G]; item_dense F32 [N, 2]. Side files: item_ids.txt, genres.txt, items.json, users.json.
"""
import json
import os

import numpy as np

from quantize_lib.quantization import quantize_rows
from train.common.export import REPOSITORY_ROOT, publish

from . import channels, merge, rank_model, two_tower
from .data import HOUR_BUCKETS, WEEKDAYS

HOT_ITEMS = 500
FIXTURES = os.path.join(REPOSITORY_ROOT, "Tests", "ShopModelsTests", "Fixtures", "recsys")


def _lines(values) -> str:
    return "".join(f"{v}\n" for v in values)


def index_tensors(vectors: np.ndarray, prefix: str = "items") -> dict:
    """The vector index layout (`P.vectors` I8 + `P.vectors.scale`) of L2-normalised rows."""
    q, scale = quantize_rows(vectors)
    return {f"{prefix}.vectors": q, f"{prefix}.vectors.scale": scale}


def publish_recall(tensors, neighbours, neighbour_weights, hot, as_of, cold, histories, catalogue, user_ids,
                   version=1):
    hot_rows = np.argsort(-hot, kind="stable")[:HOT_ITEMS]
    cold_items, cold_base, hour_lift, weekday_lift = cold
    out = {name: value for name, value in tensors.items() if not name.startswith("item.")}
    out.update(index_tensors(two_tower.item_vectors(tensors)))
    out.update({
        "i2i.neighbours": neighbours.astype(np.int32), "i2i.weights": neighbour_weights.astype(np.float32),
        "hot.items": hot_rows.astype(np.int32), "hot.scores": hot[hot_rows].astype(np.float32),
        "cold.items": cold_items, "cold.base": cold_base, "cold.hour_lift": hour_lift,
        "cold.weekday_lift": weekday_lift,
        "users.history_offsets": np.concatenate([[0], np.cumsum([len(h) for h in histories])]).astype(np.int64),
        "users.history_rows": np.concatenate(histories).astype(np.int32),
    })
    quotas = {merge.CHANNEL_NAMES[c]: q for c, q in merge.DEFAULT_QUOTAS.items()}
    weights = {merge.CHANNEL_NAMES[c]: w for c, w in merge.DEFAULT_WEIGHTS.items()}
    config = {
        "description": "multi-channel recall on MovieLens 100k: two-tower (sampled softmax) + co-occurrence "
                       "item-to-item + hot + real-time + context-shaped cold start",
        "architecture": {
            "items": catalogue.count, "dimension": two_tower.DIMENSION, "hidden": two_tower.HIDDEN,
            "sequence_length": two_tower.SEQUENCE, "short_length": two_tower.SHORT,
            "index_prefix": "items", "default_limit": merge.DEFAULT_LIMIT, "max_limit": 1000,
            "channel_quotas": quotas, "channel_weights": weights,
            "history_decay": channels.HISTORY_DECAY, "history_items": channels.HISTORY_ITEMS,
            "dislike_penalty": 0.5, "hour_buckets": HOUR_BUCKETS, "weekdays": WEEKDAYS,
            "hot_as_of_unix": as_of,
        },
        "inputs": [{"name": "behaviour", "dtype": "I32", "shape": [-1, two_tower.SEQUENCE]}],
        "outputs": [{"name": "user_vector", "dtype": "F32", "shape": [-1, two_tower.DIMENSION]}],
        "batching": {"max_batch_rows": 64, "max_queue_delay_us": 0},
    }
    return publish("recall", out, kind="recall.multichannel", config=config, version=version, replace=True,
                   include=list(two_tower.TENSORS[:3]) + ["i2i.weights"],
                   embeddings=["user.item_embedding", "i2i.weights"],
                   side_files={"item_ids.txt": _lines(catalogue.ids), "user_ids.txt": _lines(user_ids),
                               "items.json": json.dumps(catalogue.ids), "users.json": json.dumps(list(user_ids))})


def publish_rank(tensors, dense, catalogue, user_ids, version=1):
    out = dict(tensors)
    out.update({"item_genres": catalogue.genres.astype(np.uint8), "item_dense": dense.astype(np.float32)})
    config = {
        "description": "MMoE (4 experts, ctr + cvr towers) over DIN target attention, MovieLens 100k",
        "architecture": {
            "items": catalogue.count, "dimension": rank_model.DIMENSION, "sequence_length": rank_model.SEQUENCE,
            "attention_hidden": rank_model.ATTENTION_HIDDEN, "experts": rank_model.EXPERTS,
            "expert_hidden": rank_model.EXPERT_HIDDEN, "tower_hidden": rank_model.TOWER_HIDDEN,
            "genres": len(catalogue.genre_names), "hour_buckets": HOUR_BUCKETS, "weekdays": WEEKDAYS,
            "features": ["candidate", "attention_pooled", "mean_pooled", "candidate*attention_pooled",
                         "genres", "dense", "hour_one_hot", "weekday_one_hot"],
            "max_candidates": 2000,
        },
        "inputs": [{"name": "candidate", "dtype": "I32", "shape": [-1]},
                   {"name": "behaviour", "dtype": "I32", "shape": [-1, rank_model.SEQUENCE]}],
        "outputs": [{"name": "ctr", "dtype": "F32", "shape": [-1]}, {"name": "cvr", "dtype": "F32", "shape": [-1]}],
        "batching": {"max_batch_rows": 256, "max_queue_delay_us": 0},
    }
    return publish("rank", out, kind="rank.mmoe", config=config, version=version, replace=True,
                   include=list(rank_model.TENSORS), embeddings=["item_embedding"],
                   side_files={"item_ids.txt": _lines(catalogue.ids), "genres.txt": _lines(catalogue.genre_names),
                               "items.json": json.dumps(catalogue.ids), "users.json": json.dumps(list(user_ids))})


def write_fixture(name: str, content: dict):
    os.makedirs(FIXTURES, exist_ok=True)
    with open(os.path.join(FIXTURES, name), "w") as file:
        json.dump(content, file, indent=1)
        file.write("\n")
