"""Offline metrics: Recall@K over held-out items, AUC and GAUC (user-weighted AUC)."""
import numpy as np


def top_k(scores: np.ndarray, k: int, exclude: np.ndarray) -> np.ndarray:
    """Rows of the k best-scoring items (items with score ≤ -inf or in `exclude` never)."""
    scores = scores.astype(np.float64, copy=True)
    scores[exclude] = -np.inf
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.isfinite(scores[part])]
    return part[np.argsort(-scores[part], kind="stable")]


def recall_at(ranked: np.ndarray, targets: np.ndarray, k: int) -> float:
    """|first k of `ranked` ∩ targets| / |targets|."""
    targets = np.unique(targets)
    return float(np.isin(targets, ranked[:k]).sum()) / len(targets)


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count one half); nan without both classes."""
    labels = np.asarray(labels) > 0.5
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = np.asarray(scores)[order]
    ranks = np.empty(len(scores))
    # average ranks over ties
    unique, start, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = start + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def gauc(groups: np.ndarray, labels: np.ndarray, scores: np.ndarray) -> float:
    """Σ_u n_u · AUC_u / Σ_u n_u over groups (users) that have both classes."""
    total, weight = 0.0, 0
    for group in np.unique(groups):
        mask = groups == group
        value = auc(labels[mask], scores[mask])
        if not np.isnan(value):
            total += mask.sum() * value
            weight += mask.sum()
    return total / max(weight, 1)
