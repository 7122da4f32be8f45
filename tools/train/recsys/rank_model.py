"""Rank: MMoE (shared experts, one gate and one tower per task) over DIN target attention.

Per candidate row: the candidate's item embedding c attends over the behaviour sequence s_1..s_L
(most recent first, at most SEQUENCE): a_l = attention.out(relu(attention.hidden([c, s_l, c − s_l,
c ⊙ s_l]))), softmax over the valid positions, pooled = Σ softmax(a)_l s_l. The feature row is
[c, pooled, mean(s), c·pooled, genres(c), dense(c), hour one-hot, weekday one-hot]; experts =
relu(experts(x)) split into EXPERTS blocks; per task, gate = softmax(gate.T(x)), tower =
tower.T.out(relu(tower.T.hidden(Σ gate_k expert_k))), probability = sigmoid(tower).
Tasks: ctr (interaction vs sampled non-interaction), cvr (rating ≥ 4 given an interaction).
"""
import numpy as np

from . import autodiff as ad
from .data import HOUR_BUCKETS, WEEKDAYS

SEQUENCE = 30
DIMENSION = 32
ATTENTION_HIDDEN = 32
EXPERTS = 4
EXPERT_HIDDEN = 64
TOWER_HIDDEN = 32
TASKS = ("ctr", "cvr")
BATCH = 512

LINEARS = ("attention.hidden", "attention.out", "experts", "gate.ctr", "gate.cvr",
           "tower.ctr.hidden", "tower.ctr.out", "tower.cvr.hidden", "tower.cvr.out")
TENSORS = ("item_embedding",) + tuple(f"{name}.weight" for name in LINEARS)


def feature_width(genre_count: int) -> int:
    return 4 * DIMENSION + genre_count + 2 + (HOUR_BUCKETS + 1) + (WEEKDAYS + 1)


def one_hot(index: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros((len(index), width), dtype=np.float32)
    out[np.arange(len(index)), index] = 1
    return out


class Batch:
    """Rows to score: candidate rows [B], sequences [B, SEQUENCE] (-1 padded), hour bucket and
    weekday [B] (HOUR_BUCKETS / WEEKDAYS = unknown)."""

    def __init__(self, candidates, sequences, hours, weekdays):
        self.candidates, self.sequences, self.hours, self.weekdays = candidates, sequences, hours, weekdays
        self.mask = (sequences >= 0).astype(np.float32)

    def take(self, rows):
        return Batch(self.candidates[rows], self.sequences[rows], self.hours[rows], self.weekdays[rows])

    def __len__(self):
        return len(self.candidates)


def side_features(batch: Batch, item_genres, item_dense):
    return np.concatenate([item_genres[batch.candidates].astype(np.float32), item_dense[batch.candidates],
                           one_hot(batch.hours, HOUR_BUCKETS + 1), one_hot(batch.weekdays, WEEKDAYS + 1)], axis=1)


def predict(weights, batch: Batch, item_genres, item_dense):
    """(ctr, cvr) probabilities [B] with FP32 or INT8 arithmetic (per `weights`)."""
    table = weights.embedding("item_embedding")
    c = table[batch.candidates]
    s = table[np.maximum(batch.sequences, 0)] * batch.mask[:, :, None]
    cb = np.broadcast_to(c[:, None, :], s.shape)
    pairs = np.concatenate([cb, s, cb - s, cb * s], axis=2)
    hidden = np.maximum(weights.linear(pairs, "attention.hidden"), 0)
    logits = np.where(batch.mask > 0, weights.linear(hidden, "attention.out")[..., 0], -np.inf)
    peak = np.max(logits, axis=1, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    e = np.exp(logits - peak) * batch.mask
    attention = e / np.maximum(e.sum(axis=1, keepdims=True), 1e-30)
    pooled = np.einsum("bl,bld->bd", attention, s)
    mean = s.sum(axis=1) / np.maximum(batch.mask.sum(axis=1), 1)[:, None]
    x = np.concatenate([c, pooled, mean, c * pooled, side_features(batch, item_genres, item_dense)], axis=1)
    experts = np.maximum(weights.linear(x, "experts"), 0).reshape(len(batch), EXPERTS, EXPERT_HIDDEN)
    out = []
    for task in TASKS:
        gate = weights.linear(x, f"gate.{task}")
        gate = np.exp(gate - gate.max(axis=1, keepdims=True))
        gate /= gate.sum(axis=1, keepdims=True)
        mixed = np.einsum("bk,bkh->bh", gate, experts)
        tower = np.maximum(weights.linear(mixed, f"tower.{task}.hidden"), 0)
        out.append(ad.sigmoid_array(weights.linear(tower, f"tower.{task}.out")[:, 0]))
    return tuple(out)


def _forward_nodes(params, batch: Batch, item_genres, item_dense):
    """The same network as `predict`, on autodiff nodes (training)."""
    table = params["item_embedding"]
    c = ad.gather(table, batch.candidates)
    s = ad.mul(ad.gather(table, np.maximum(batch.sequences, 0)), ad.constant(batch.mask[:, :, None]))
    cb = ad.mul(ad.Node(c.value[:, None, :], (c,), lambda g, n=c: ad._accumulate(n, g.sum(axis=1))),
                ad.constant(np.ones((1, SEQUENCE, 1), np.float32)))
    pairs = ad.concat([cb, s, ad.sub(cb, s), ad.mul(cb, s)], axis=2)
    hidden = ad.relu(ad.linear(pairs, params["attention.hidden.weight"], params["attention.hidden.bias"]))
    scores = ad.squeeze_last(ad.linear(hidden, params["attention.out.weight"], params["attention.out.bias"]))
    attention = ad.masked_softmax(scores, batch.mask)
    pooled = ad.weighted_sum(s, attention)
    mean = ad.masked_mean(s, batch.mask)
    x = ad.concat([c, pooled, mean, ad.mul(c, pooled), ad.constant(side_features(batch, item_genres, item_dense))])
    experts = ad.relu(ad.linear(x, params["experts.weight"], params["experts.bias"]))
    logits = []
    for task in TASKS:
        gate = ad.softmax(ad.linear(x, params[f"gate.{task}.weight"], params[f"gate.{task}.bias"]))
        mixed = ad.expert_mixture(experts, gate, EXPERTS)
        tower = ad.relu(ad.linear(mixed, params[f"tower.{task}.hidden.weight"], params[f"tower.{task}.hidden.bias"]))
        logits.append(ad.squeeze_last(ad.linear(tower, params[f"tower.{task}.out.weight"], params[f"tower.{task}.out.bias"])))
    return logits


def init_params(item_count: int, genre_count: int, rng) -> dict:
    width = feature_width(genre_count)
    shapes = {"attention.hidden": (ATTENTION_HIDDEN, 4 * DIMENSION), "attention.out": (1, ATTENTION_HIDDEN),
              "experts": (EXPERTS * EXPERT_HIDDEN, width), "gate.ctr": (EXPERTS, width), "gate.cvr": (EXPERTS, width),
              "tower.ctr.hidden": (TOWER_HIDDEN, EXPERT_HIDDEN), "tower.ctr.out": (1, TOWER_HIDDEN),
              "tower.cvr.hidden": (TOWER_HIDDEN, EXPERT_HIDDEN), "tower.cvr.out": (1, TOWER_HIDDEN)}
    params = {"item_embedding": ad.Parameter(rng.normal(0, 0.1, (item_count, DIMENSION)))}
    for name, (rows, cols) in shapes.items():
        params[f"{name}.weight"] = ad.Parameter(rng.normal(0, np.sqrt(2 / cols), (rows, cols)))
        params[f"{name}.bias"] = ad.Parameter(np.zeros(rows))
    return params


def train(batch: Batch, ctr_labels, cvr_labels, cvr_weights, item_genres, item_dense, rng,
          epochs: int = 3, log=print) -> dict:
    params = init_params(item_genres.shape[0], item_genres.shape[1], rng)
    optimizer = ad.Adam(params, lr=2e-3)
    for epoch in range(epochs):
        order = rng.permutation(len(batch))
        total, steps = 0.0, 0
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            ctr, cvr = _forward_nodes(params, batch.take(rows), item_genres, item_dense)
            loss = ad.sum_nodes(ad.binary_cross_entropy(ctr, ctr_labels[rows], np.ones(len(rows), np.float32)),
                                ad.binary_cross_entropy(cvr, cvr_labels[rows], cvr_weights[rows]))
            ad.backward(loss)
            optimizer.step()
            total += float(loss.value)
            steps += 1
        log(f"  rank epoch {epoch + 1}/{epochs}: ctr + cvr loss {total / steps:.4f}")
    return {name: p.value.astype(np.float32) for name, p in params.items()}
