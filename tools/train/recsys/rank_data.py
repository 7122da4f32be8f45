"""Rank training and evaluation rows, and the logistic-regression baseline.

Every interaction is a positive (ctr = 1; cvr label = rating ≥ 4); each positive gets NEGATIVES
sampled items the user never interacted with (half uniform, half popularity-weighted), with the
positive's sequence and context (ctr = 0, no cvr label). Training rows (each user's last
TRAINING_EVENTS_PER_USER training events) use the items before the event as the sequence; held-out rows use the user's whole training history (what serving sees).
"""
import numpy as np
import scipy.sparse as sparse

from . import rank_model
from .data import context_of, recent_first
from .metrics import auc, gauc

NEGATIVES = 2
TRAINING_EVENTS_PER_USER = 80   # each user's most recent training events (bounds the CPU time)


class RankRows:
    def __init__(self, batch, users, ctr, cvr, cvr_weight):
        self.batch, self.users, self.ctr, self.cvr, self.cvr_weight = batch, users, ctr, cvr, cvr_weight


def _sample_negatives(users, seen_keys, item_count, sampling, rng):
    negatives = np.empty((len(users), NEGATIVES), dtype=np.int64)
    for column in range(NEGATIVES):
        p = None if column % 2 == 0 else sampling
        draw = rng.choice(item_count, size=len(users), p=p)
        for _ in range(10):
            clash = np.isin(users * item_count + draw, seen_keys)
            if not clash.any():
                break
            draw[clash] = rng.choice(item_count, size=int(clash.sum()), p=p)
        negatives[:, column] = draw
    return negatives


def build_rows(split, item_count, popularity_counts, rng, held_out: bool) -> RankRows:
    seen = np.unique(np.concatenate([k * item_count + np.concatenate([tr.items, te.items])
                                     for k, (tr, te) in enumerate(zip(split.train, split.test))]))
    users, items, ratings, times, sequences = [], [], [], [], []
    for k, (train, test) in enumerate(zip(split.train, split.test)):
        events = test if held_out else train.tail(min(len(train.items), TRAINING_EVENTS_PER_USER))
        first = 0 if held_out else len(train.items) - len(events.items)
        for t in range(len(events.items)):
            before = train.items if held_out else train.items[:first + t]
            sequences.append(recent_first(before, rank_model.SEQUENCE))
        users.append(np.full(len(events.items), k))
        items.append(events.items)
        ratings.append(events.ratings)
        times.append(events.times)
    users, items, ratings, times = map(np.concatenate, (users, items, ratings, times))
    sequences = np.stack(sequences)
    sampling = popularity_counts / popularity_counts.sum()
    negatives = _sample_negatives(users, seen, item_count, sampling, rng)
    hours, weekdays = context_of(times)
    repeat = NEGATIVES + 1
    candidates = np.concatenate([items[:, None], negatives], axis=1).reshape(-1)
    batch = rank_model.Batch(candidates, np.repeat(sequences, repeat, axis=0),
                             np.repeat(hours, repeat), np.repeat(weekdays, repeat))
    ctr = np.tile(np.r_[1.0, np.zeros(NEGATIVES)], len(items)).astype(np.float32)
    cvr = np.repeat((ratings >= 4).astype(np.float32), repeat) * ctr
    return RankRows(batch, np.repeat(users, repeat), ctr, cvr, ctr.copy())


def logistic_features(batch, item_genres, item_dense, item_count):
    """Sparse [item one-hot | genres | user genre profile | genres × profile | dense | context]."""
    genres = item_genres[batch.candidates].astype(np.float32)
    seq_genres = item_genres[np.maximum(batch.sequences, 0)].astype(np.float32) * batch.mask[:, :, None]
    profile = seq_genres.sum(axis=1) / np.maximum(batch.mask.sum(axis=1), 1)[:, None]
    dense = np.concatenate([genres, profile, genres * profile, rank_model.side_features(batch, item_genres, item_dense)[:, genres.shape[1]:]], axis=1)
    one_hot = sparse.csr_matrix((np.ones(len(batch)), (np.arange(len(batch)), batch.candidates)),
                                shape=(len(batch), item_count))
    return sparse.hstack([one_hot, sparse.csr_matrix(dense)]).tocsr()


def logistic_baseline(train: RankRows, test: RankRows, item_genres, item_dense, item_count):
    """(ctr scores, cvr scores) on `test` from two scikit-learn logistic regressions."""
    from sklearn.linear_model import LogisticRegression
    x_train = logistic_features(train.batch, item_genres, item_dense, item_count)
    x_test = logistic_features(test.batch, item_genres, item_dense, item_count)
    ctr = LogisticRegression(max_iter=300, C=1.0).fit(x_train, train.ctr)
    positives = train.ctr > 0
    cvr = LogisticRegression(max_iter=300, C=1.0).fit(x_train[positives], train.cvr[positives])
    return ctr.predict_proba(x_test)[:, 1], cvr.predict_proba(x_test)[:, 1]


def rank_metrics(rows: RankRows, ctr_scores, cvr_scores) -> dict:
    positives = rows.ctr > 0
    return {
        "ctr AUC": auc(rows.ctr, ctr_scores),
        "ctr GAUC": gauc(rows.users, rows.ctr, ctr_scores),
        "cvr AUC (on interactions)": auc(rows.cvr[positives], cvr_scores[positives]),
        "cvr GAUC (on interactions)": gauc(rows.users[positives], rows.cvr[positives], cvr_scores[positives]),
    }
