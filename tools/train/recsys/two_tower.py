"""Two-tower recall model trained with sampled softmax.

User tower: two bag means over an INT8 item-embedding table (the last `SEQUENCE` items and the
last `SHORT` items of the behaviour sequence, most recent first) → Linear + ReLU → Linear →
L2 normalisation. Item tower: a second embedding table, L2-normalised; these vectors are what the
vector index serves. Score = cosine / temperature. Negatives: a shared sample per batch from the
popularity^0.75 distribution with log-Q correction; accidental hits are masked.
"""
import numpy as np

from . import autodiff as ad

SEQUENCE = 50
SHORT = 5
DIMENSION = 64
HIDDEN = 128
TEMPERATURE = 0.1
NEGATIVES = 1024
BATCH = 1024

TENSORS = ("user.item_embedding", "user.hidden.weight", "user.out.weight", "item.embedding")
EMBEDDINGS = ("user.item_embedding", "item.embedding")


def training_examples(split):
    """(sequences [E, SEQUENCE] recent-first -1 padded, targets [E]): every position t ≥ 1."""
    sequences, targets = [], []
    for user in split.train:
        items = user.items
        for t in range(1, len(items)):
            before = items[max(0, t - SEQUENCE):t][::-1]
            row = np.full(SEQUENCE, -1, dtype=np.int64)
            row[:len(before)] = before
            sequences.append(row)
            targets.append(items[t])
    return np.stack(sequences), np.asarray(targets)


def user_features(weights, sequences: np.ndarray) -> np.ndarray:
    """[B, 2·D]: mean over the whole sequence and over its SHORT most recent items."""
    table = weights.embedding("user.item_embedding")
    mask = (sequences >= 0).astype(np.float32)
    rows = table[np.maximum(sequences, 0)] * mask[:, :, None]
    long = rows.sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
    short = rows[:, :SHORT].sum(axis=1) / np.maximum(mask[:, :SHORT].sum(axis=1), 1)[:, None]
    return np.concatenate([long, short], axis=1).astype(np.float32)


def user_vectors(weights, sequences: np.ndarray) -> np.ndarray:
    """The user tower (FP32 or INT8 arithmetic, per `weights`), L2-normalised [B, D]."""
    hidden = np.maximum(weights.linear(user_features(weights, sequences), "user.hidden"), 0)
    out = weights.linear(hidden, "user.out")
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


def item_vectors(tensors: dict) -> np.ndarray:
    table = tensors["item.embedding"]
    return (table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-6)).astype(np.float32)


def train(split, item_count: int, popularity_counts, rng, epochs: int = 4, log=print) -> dict:
    """Returns the FP32 tensors (names in TENSORS + biases)."""
    sequences, targets = training_examples(split)
    params = {
        "user.item_embedding": ad.Parameter(rng.normal(0, 0.1, (item_count, DIMENSION))),
        "user.hidden.weight": ad.Parameter(rng.normal(0, np.sqrt(2 / (2 * DIMENSION)), (HIDDEN, 2 * DIMENSION))),
        "user.hidden.bias": ad.Parameter(np.zeros(HIDDEN)),
        "user.out.weight": ad.Parameter(rng.normal(0, np.sqrt(1 / HIDDEN), (DIMENSION, HIDDEN))),
        "user.out.bias": ad.Parameter(np.zeros(DIMENSION)),
        "item.embedding": ad.Parameter(rng.normal(0, 0.1, (item_count, DIMENSION))),
    }
    optimizer = ad.Adam(params, lr=3e-3)
    sampling = (popularity_counts + 1) ** 0.75
    sampling /= sampling.sum()
    log_q = np.log(sampling * NEGATIVES).astype(np.float32)
    for epoch in range(epochs):
        order = rng.permutation(len(targets))
        total, steps = 0.0, 0
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            seq, target = sequences[batch], targets[batch]
            negatives = rng.choice(item_count, size=NEGATIVES, p=sampling)
            mask = (seq >= 0).astype(np.float32)
            rows = ad.gather(params["user.item_embedding"], np.maximum(seq, 0))
            long = ad.masked_mean(rows, mask)
            short_mask = mask.copy()
            short_mask[:, SHORT:] = 0
            short = ad.masked_mean(rows, short_mask)
            hidden = ad.relu(ad.linear(ad.concat([long, short]), params["user.hidden.weight"], params["user.hidden.bias"]))
            user = ad.l2_normalize(ad.linear(hidden, params["user.out.weight"], params["user.out.bias"]))
            positive = ad.l2_normalize(ad.gather(params["item.embedding"], target))
            sampled = ad.l2_normalize(ad.gather(params["item.embedding"], negatives))
            pos_logit = ad.scale(ad.row_dot(user, positive), 1 / TEMPERATURE)
            neg_logit = ad.scale(ad.linear(user, sampled), 1 / TEMPERATURE)
            logits = ad.concat([ad.Node(pos_logit.value[:, None], (pos_logit,),
                                        lambda g, n=pos_logit: ad._accumulate(n, g[:, 0])), neg_logit])
            corrected = ad.sub(logits, ad.constant(np.concatenate([log_q[target][:, None],
                                                                   np.tile(log_q[negatives], (len(batch), 1))], axis=1)))
            valid = np.concatenate([np.ones((len(batch), 1), bool), negatives[None, :] != target[:, None]], axis=1)
            loss = ad.softmax_cross_entropy(corrected, np.zeros(len(batch), dtype=np.int64), valid)
            ad.backward(loss)
            optimizer.step()
            total += float(loss.value)
            steps += 1
        log(f"  two-tower epoch {epoch + 1}/{epochs}: sampled-softmax loss {total / steps:.3f}")
    return {name: p.value.astype(np.float32) for name, p in params.items()}
