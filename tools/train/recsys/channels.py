"""Non-neural recall channels and the recall baselines, all from training history only.

- item-to-item: co-occurrence of items close together in a user's history, decayed by the distance
  in positions and in time, normalised like a cosine; top neighbours per item.
- hot: popularity decayed by age relative to the end of the training period.
- cold start: the most popular items with per-context (hour bucket, weekday) lifts.
- baselines: popularity, and item-KNN (cosine over the binary user × item matrix) summed over each
  user's last 20 items.
"""
import numpy as np
import scipy.sparse as sparse

from .data import HOUR_BUCKETS, WEEKDAYS, context_of

NEIGHBOURS = 100
WINDOW = 100               # positions either side that count as co-occurring
POSITION_DECAY = 40.0       # e-folding distance in positions
TIME_DECAY_DAYS = 30.0      # e-folding distance in time, mixed with a floor
HISTORY_DECAY = 0.95        # weight of the k-th most recent history item: HISTORY_DECAY ** k
HISTORY_ITEMS = 50
HOT_HALF_LIFE_DAYS = 365.0
COLD_ITEMS = 1000


def cooccurrence_neighbours(split, item_count: int, count: int = NEIGHBOURS):
    """(neighbour rows [N, count] int32, -1 padded; weights [N, count] float32, descending)."""
    rows, cols, values = [], [], []
    for user in split.train:
        n = len(user.items)
        for gap in range(1, min(WINDOW, n - 1) + 1):
            a, b = user.items[:-gap], user.items[gap:]
            days = np.abs(user.times[gap:] - user.times[:-gap]) / 86400.0
            w = np.exp(-gap / POSITION_DECAY) * (0.3 + 0.7 * np.exp(-days / TIME_DECAY_DAYS))
            rows += [a, b]
            cols += [b, a]
            values += [w, w]
    matrix = sparse.coo_matrix((np.concatenate(values).astype(np.float32),
                                (np.concatenate(rows), np.concatenate(cols))),
                               shape=(item_count, item_count)).tocsr()
    matrix.sum_duplicates()
    strength = np.asarray(matrix.sum(axis=1)).ravel() + 1.0
    norm = np.sqrt(strength)
    neighbours = np.full((item_count, count), -1, dtype=np.int32)
    weights = np.zeros((item_count, count), dtype=np.float32)
    for row in range(item_count):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        if start == end:
            continue
        cand = matrix.indices[start:end]
        sim = matrix.data[start:end] / (norm[row] * norm[cand])
        take = np.argsort(-sim, kind="stable")[:count]
        neighbours[row, :len(take)] = cand[take]
        weights[row, :len(take)] = sim[take]
    return neighbours, weights


def neighbour_scores(history_recent_first, neighbours, weights, item_count, decay=HISTORY_DECAY,
                     limit=HISTORY_ITEMS):
    """Σ_k decay^k · weight(h_k → j) over the `limit` most recent history items (dense [N]; -inf
    for items no history item has as a neighbour: they are not candidates of this channel)."""
    scores = np.zeros(item_count, dtype=np.float64)
    touched = np.zeros(item_count, dtype=bool)
    for k, item in enumerate(history_recent_first[:limit]):
        if item < 0:
            break
        valid = neighbours[item] >= 0
        np.add.at(scores, neighbours[item][valid], (decay ** k) * weights[item][valid])
        touched[neighbours[item][valid]] = True
    scores[~touched] = -np.inf
    return scores


def hot_scores(split, item_count: int):
    """(scores [N], as_of unix time): Σ over training events of 2^(-age / half-life)."""
    times = np.concatenate([u.times for u in split.train])
    items = np.concatenate([u.items for u in split.train])
    as_of = int(times.max())
    age_days = (as_of - times) / 86400.0
    return np.bincount(items, weights=0.5 ** (age_days / HOT_HALF_LIFE_DAYS), minlength=item_count), as_of


def cold_start_tables(split, popularity_counts, count: int = COLD_ITEMS):
    """(items [H] int32, base [H], hour lift [H, HOUR_BUCKETS], weekday lift [H, WEEKDAYS]).

    lift[i, c] = smoothed P(c | item i) / P(c): how much more item i is chosen in context c."""
    items_all = np.concatenate([u.items for u in split.train])
    hour, weekday = context_of(np.concatenate([u.times for u in split.train]))
    top = np.argsort(-popularity_counts, kind="stable")[:count]
    position = np.full(len(popularity_counts), -1)
    position[top] = np.arange(len(top))
    keep = position[items_all] >= 0

    def lift(context, buckets):
        counts = np.zeros((len(top), buckets))
        np.add.at(counts, (position[items_all[keep]], context[keep]), 1)
        prior = np.bincount(context, minlength=buckets) / len(context)
        smoothing = 20.0
        share = (counts + smoothing * prior) / (counts.sum(axis=1, keepdims=True) + smoothing)
        return (share / prior).astype(np.float32)
    base = popularity_counts[top] / popularity_counts[top].max()
    return top.astype(np.int32), base.astype(np.float32), lift(hour, HOUR_BUCKETS), lift(weekday, WEEKDAYS)


def cold_start_scores(tables, item_count, hour_bucket=None, weekday=None):
    """Dense [N] cold-start scores for one context (None = unknown, no lift)."""
    items, base, hour_lift, weekday_lift = tables
    score = base.astype(np.float64).copy()
    if hour_bucket is not None:
        score *= hour_lift[:, hour_bucket]
    if weekday is not None:
        score *= weekday_lift[:, weekday]
    dense = np.zeros(item_count)
    dense[items] = score
    return dense


def item_knn_scores(split, item_count: int, last: int = 20):
    """Baseline: per user, Σ over the last `last` items of cosine(item, j) on the binary matrix."""
    users = np.concatenate([np.full(len(u.items), k) for k, u in enumerate(split.train)])
    items = np.concatenate([u.items for u in split.train])
    matrix = sparse.csr_matrix((np.ones(len(items), np.float32), (users, items)),
                               shape=(len(split.train), item_count))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    columns = matrix.tocsc()
    norms = np.sqrt(np.asarray(matrix.sum(axis=0)).ravel()) + 1e-9
    for k, user in enumerate(split.train):
        recent = np.unique(user.items[-last:])
        co = (columns[:, recent].T @ matrix).toarray()
        yield k, (co / norms[recent][:, None] / norms[None, :]).sum(axis=0)
