"""Numpy models over hashed n-gram bags: embedding-bag (mean) → MLP heads, trained with Adam.

One `BagModel` holds an embedding table and one or more MLP heads that read the same bag mean:
- text model: table `text.embedding`, heads `intent` (fc1 relu, fc2 → intents) and `sentiment`
  (fc1 relu, fc2 → 3 labels + 3 intensities);
- slot model: table `slot.embedding`, head `slot` (fc1 relu, fc2 → BIO tags), one bag per character.
Weights are stored [out, in] (tools/quantize layout). `forward(..., int8=True)` runs the serving
arithmetic: per-row INT8 embedding rows, bag mean in F32, then `int8_linear` per layer.
"""
import numpy as np

from quantize_lib.quantization import dequantize_rows, int8_linear, quantize_rows


# The small output layers are published in FP32 (tools/quantize --keep-fp32), the rest INT8.
FP32_LAYERS = ("intent.fc2.weight", "sentiment.fc2.weight", "slot.fc2.weight")


class Bags:
    """A batch of bags as flat bucket ids + start offsets (the EmbeddingTable bag layout)."""

    def __init__(self, lists):
        self.lengths = np.array([len(x) for x in lists], dtype=np.int64)
        self.ids = np.fromiter((i for x in lists for i in x), dtype=np.int64, count=int(self.lengths.sum()))
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)

    def subset(self, rows):
        bags = Bags.__new__(Bags)
        bags.lengths = self.lengths[rows]
        bags.ids = np.concatenate([self.ids[self.starts[r]:self.starts[r] + self.lengths[r]] for r in rows]) if len(rows) else self.ids[:0]
        bags.starts = np.concatenate([[0], np.cumsum(bags.lengths)[:-1]]).astype(np.int64)
        return bags

    def __len__(self):
        return len(self.lengths)


def bag_mean(table, bags: Bags):
    if bags.ids.size and (bags.lengths == bags.lengths[0]).all():  # fixed-size bags (slot features)
        return table[bags.ids].reshape(len(bags), bags.lengths[0], -1).mean(axis=1, dtype=np.float32)
    sums = np.zeros((len(bags), table.shape[1]), dtype=np.float32)
    nonempty = bags.lengths > 0
    if bags.ids.size:
        rows = np.repeat(np.arange(len(bags)), bags.lengths)
        sums = segment_sum(table[bags.ids], rows, len(bags))
    sums[nonempty] /= bags.lengths[nonempty, None]
    return sums


def segment_sum(values, segments, count):
    """Σ values[i] over i with segments[i] == s, for s in 0..<count (faster than np.add.at)."""
    order = np.argsort(segments, kind="stable")
    sorted_segments = segments[order]
    out = np.zeros((count, values.shape[1]), dtype=np.float32)
    present = np.unique(sorted_segments)
    sums = np.add.reduceat(values[order], np.searchsorted(sorted_segments, present), axis=0)
    out[present] = sums
    return out


class BagModel:
    def __init__(self, prefix, buckets, dim, heads, seed):
        """heads: name → [hidden, outputs]."""
        rng = np.random.default_rng(seed)
        self.prefix = prefix
        self.params = {f"{prefix}.embedding": (rng.standard_normal((buckets, dim)) * 0.1).astype(np.float32)}
        self.heads = heads
        for name, (hidden, outputs) in heads.items():
            self.params[f"{name}.fc1.weight"] = (rng.standard_normal((hidden, dim)) * np.sqrt(2 / dim)).astype(np.float32)
            self.params[f"{name}.fc1.bias"] = np.zeros(hidden, np.float32)
            self.params[f"{name}.fc2.weight"] = (rng.standard_normal((outputs, hidden)) * np.sqrt(1 / hidden)).astype(np.float32)
            self.params[f"{name}.fc2.bias"] = np.zeros(outputs, np.float32)
        self.moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in self.params.items()}
        self.step = 0

    @property
    def table_name(self):
        return f"{self.prefix}.embedding"

    def forward(self, bags, int8=False, quantized=None):
        """Returns (bag means, {head: (hidden, logits)}). INT8: the output layers (FP32_LAYERS)
        stay FP32, as they are published."""
        p = self.params
        if int8:
            q = quantized or {k: quantize_rows(v) for k, v in p.items() if v.ndim == 2 and k not in FP32_LAYERS}
            x = bag_mean(dequantize_rows(*q[self.table_name]), bags)
            outs = {}
            for name in self.heads:
                h = np.maximum(int8_linear(x, *q[f"{name}.fc1.weight"], p[f"{name}.fc1.bias"]), 0)
                outs[name] = (h, h @ p[f"{name}.fc2.weight"].T + p[f"{name}.fc2.bias"])
            return x, outs
        x = bag_mean(p[self.table_name], bags)
        outs = {}
        for name in self.heads:
            h = np.maximum(x @ p[f"{name}.fc1.weight"].T + p[f"{name}.fc1.bias"], 0)
            outs[name] = (h, h @ p[f"{name}.fc2.weight"].T + p[f"{name}.fc2.bias"])
        return x, outs

    def train_step(self, bags, grad_fns, lr):
        """grad_fns: head → function(logits) → (loss, dlogits). Adam; sparse rows for the table."""
        p = self.params
        x, outs = self.forward(bags)
        dx = np.zeros_like(x)
        grads, total = {}, 0.0
        for name, fn in grad_fns.items():
            h, logits = outs[name]
            loss, dlogits = fn(logits)
            total += loss
            grads[f"{name}.fc2.weight"] = dlogits.T @ h
            grads[f"{name}.fc2.bias"] = dlogits.sum(0)
            dh = (dlogits @ p[f"{name}.fc2.weight"]) * (h > 0)
            grads[f"{name}.fc1.weight"] = dh.T @ x
            grads[f"{name}.fc1.bias"] = dh.sum(0)
            dx += dh @ p[f"{name}.fc1.weight"]
        self.step += 1
        for key, grad in grads.items():
            self._adam(key, grad, lr)
        # embedding: gradient of a mean spreads dx / length over the bag's rows
        per_id = np.repeat(dx / np.maximum(bags.lengths, 1)[:, None], bags.lengths, axis=0)
        unique, inverse = np.unique(bags.ids, return_inverse=True)
        g = segment_sum(per_id, inverse.reshape(-1), len(unique))
        self._adam(self.table_name, g, lr, rows=unique)
        return total

    def _adam(self, key, grad, lr, rows=None, b1=0.9, b2=0.999, eps=1e-8):
        m, v = self.moments[key]
        param = self.params[key]
        index = slice(None) if rows is None else rows
        m[index] = b1 * m[index] + (1 - b1) * grad
        v[index] = b2 * v[index] + (1 - b2) * grad * grad
        mhat = m[index] / (1 - b1 ** self.step)
        vhat = v[index] / (1 - b2 ** self.step)
        param[index] -= lr * mhat / (np.sqrt(vhat) + eps)


def softmax(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(targets, smoothing=0.0):
    """A grad_fn for integer targets (mean over the batch), with optional label smoothing."""
    def fn(logits):
        probs = softmax(logits)
        n, classes = probs.shape
        loss = -np.log(probs[np.arange(n), targets] + 1e-9).mean()
        want = np.full_like(probs, smoothing / classes)
        want[np.arange(n), targets] += 1 - smoothing
        return float(loss), ((probs - want) / n).astype(np.float32)
    return fn


def drop_ngrams(bags: Bags, rate: float, rng) -> Bags:
    """Training-time n-gram dropout: each bag keeps a random (1 - rate) share of its ids (at least
    one), so a head cannot lean on a single template-specific n-gram."""
    if rate <= 0:
        return bags
    keep = rng.random(bags.ids.size) >= rate
    rows = np.repeat(np.arange(len(bags)), bags.lengths)
    keep[bags.starts[bags.lengths > 0]] |= ~np.bincount(rows[keep], minlength=len(bags)).astype(bool)[bags.lengths > 0]
    out = Bags.__new__(Bags)
    out.ids = bags.ids[keep]
    out.lengths = np.bincount(rows[keep], minlength=len(bags)).astype(np.int64)
    out.starts = np.concatenate([[0], np.cumsum(out.lengths)[:-1]]).astype(np.int64)
    return out


def sentiment_loss(labels, intensities):
    """Two softmaxes over the 6 sentiment logits: 3 labels, 3 intensities."""
    label_fn, intensity_fn = cross_entropy(labels), cross_entropy(intensities)

    def fn(logits):
        l1, d1 = label_fn(logits[:, :3])
        l2, d2 = intensity_fn(logits[:, 3:])
        return l1 + l2, np.concatenate([d1, d2], axis=1)
    return fn
