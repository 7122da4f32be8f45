"""Channel merge, the way RecallService does it (the Swift side mirrors this function).

Every channel produces at most `quota` candidates (its best, after removing excluded items). A
channel's scores are min-max normalised over its candidates to [0, 1] (a single candidate gets 1)
and multiplied by the channel's weight; the weights sum to 1. An item's merge score is the sum over
the channels that found it, so it stays in [0, 1]; it is tagged with the channel whose weighted
score for it is largest (ties: the lower channel number).
"""
import numpy as np

EMBEDDING, ITEM_TO_ITEM, HOT, REAL_TIME, COLD_START = 1, 2, 3, 4, 5
CHANNEL_NAMES = {EMBEDDING: "embedding", ITEM_TO_ITEM: "item_to_item", HOT: "hot",
                 REAL_TIME: "real_time", COLD_START: "cold_start"}
DEFAULT_QUOTAS = {EMBEDDING: 200, ITEM_TO_ITEM: 200, HOT: 50, REAL_TIME: 200, COLD_START: 200}
DEFAULT_WEIGHTS = {EMBEDDING: 0.35, ITEM_TO_ITEM: 0.35, HOT: 0.05, REAL_TIME: 0.2, COLD_START: 0.05}
DEFAULT_LIMIT = 200


def channel_candidates(scores: np.ndarray, quota: int, exclude: np.ndarray):
    """(rows, scores) of the `quota` best items with a positive-or-finite score, best first."""
    if quota <= 0:
        return np.zeros(0, np.int64), np.zeros(0)
    scores = scores.astype(np.float64, copy=True)
    scores[exclude] = -np.inf
    k = min(quota, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.isfinite(scores[part])]
    part = part[np.lexsort((part, -scores[part]))]
    return part, scores[part]


def normalise(scores: np.ndarray) -> np.ndarray:
    if len(scores) == 0:
        return scores
    low, high = scores.min(), scores.max()
    return np.ones_like(scores) if high <= low else (scores - low) / (high - low)


def merge(candidates: dict, weights: dict, limit: int):
    """candidates: channel → (rows, scores). Returns [(row, merge score, channel)] best first."""
    total, best = {}, {}
    for channel in sorted(candidates):
        rows, scores = candidates[channel]
        for row, value in zip(rows.tolist(), (weights[channel] * normalise(scores)).tolist()):
            total[row] = total.get(row, 0.0) + value
            if row not in best or value > best[row][0]:
                best[row] = (value, channel)
    ordered = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(row, score, best[row][1]) for row, score in ordered]
