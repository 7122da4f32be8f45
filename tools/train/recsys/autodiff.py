"""A tiny reverse-mode automatic differentiation over numpy arrays, and Adam.

Enough for the recommendation models here (embedding gathers, linear layers, masked softmax
attention, mixtures of experts, sampled softmax): every op records its parents and a closure that
pushes the output gradient back. No torch: the models are small and train in CPU-seconds.
"""
import numpy as np


class Node:
    """A value in the computation graph; `grad` is filled by `backward`."""
    __slots__ = ("value", "grad", "parents", "push")

    def __init__(self, value, parents=(), push=None):
        self.value = value
        self.grad = None
        self.parents = parents
        self.push = push

    @property
    def shape(self):
        return self.value.shape


class Parameter(Node):
    """A trainable array (leaf node)."""

    def __init__(self, value):
        super().__init__(np.asarray(value, dtype=np.float32))


def constant(value) -> Node:
    return Node(np.asarray(value, dtype=np.float32))


def _accumulate(node: Node, grad):
    node.grad = grad if node.grad is None else node.grad + grad


def _unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def add(a: Node, b: Node) -> Node:
    def push(g):
        _accumulate(a, _unbroadcast(g, a.shape))
        _accumulate(b, _unbroadcast(g, b.shape))
    return Node(a.value + b.value, (a, b), push)


def sub(a: Node, b: Node) -> Node:
    def push(g):
        _accumulate(a, _unbroadcast(g, a.shape))
        _accumulate(b, _unbroadcast(-g, b.shape))
    return Node(a.value - b.value, (a, b), push)


def mul(a: Node, b: Node) -> Node:
    def push(g):
        _accumulate(a, _unbroadcast(g * b.value, a.shape))
        _accumulate(b, _unbroadcast(g * a.value, b.shape))
    return Node(a.value * b.value, (a, b), push)


def linear(x: Node, weight: Node, bias: Node = None) -> Node:
    """x [..., K] · weightᵀ (weight [N, K], the kernels' layout) + bias [N]."""
    out = x.value @ weight.value.T
    if bias is not None:
        out = out + bias.value

    def push(g):
        flat_g = g.reshape(-1, g.shape[-1])
        _accumulate(x, g @ weight.value)
        _accumulate(weight, flat_g.T @ x.value.reshape(-1, x.shape[-1]))
        if bias is not None:
            _accumulate(bias, flat_g.sum(axis=0))
    return Node(out, (x, weight) if bias is None else (x, weight, bias), push)


def relu(x: Node) -> Node:
    mask = x.value > 0
    return Node(x.value * mask, (x,), lambda g: _accumulate(x, g * mask))


def gather(table: Node, index: np.ndarray) -> Node:
    """table[index] (embedding lookup); the gradient is scattered back into the table."""
    def push(g):
        grad = np.zeros_like(table.value)
        np.add.at(grad, index.reshape(-1), g.reshape(-1, table.shape[-1]))
        _accumulate(table, grad)
    return Node(table.value[index], (table,), push)


def concat(nodes, axis=-1) -> Node:
    sizes = [n.shape[axis] for n in nodes]
    splits = np.cumsum(sizes)[:-1]

    def push(g):
        for node, part in zip(nodes, np.split(g, splits, axis=axis)):
            _accumulate(node, part)
    return Node(np.concatenate([n.value for n in nodes], axis=axis), tuple(nodes), push)


def masked_mean(x: Node, mask: np.ndarray) -> Node:
    """Mean of x [B, L, D] over the positions where mask [B, L] is 1 (0 when none are)."""
    weights = mask / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    return weighted_sum(x, constant(weights))


def weighted_sum(x: Node, weights: Node) -> Node:
    """Σ_l weights[b, l] · x[b, l, :] for x [B, L, D], weights [B, L]."""
    def push(g):
        _accumulate(x, g[:, None, :] * weights.value[:, :, None])
        _accumulate(weights, np.einsum("bld,bd->bl", x.value, g))
    return Node(np.einsum("bld,bl->bd", x.value, weights.value), (x, weights), push)


def masked_softmax(x: Node, mask: np.ndarray) -> Node:
    """Softmax over the last axis counting only positions where mask is 1 (all zero when none)."""
    logits = np.where(mask > 0, x.value, -np.inf)
    peak = np.max(logits, axis=-1, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    e = np.exp(logits - peak) * (mask > 0)
    p = e / np.maximum(e.sum(axis=-1, keepdims=True), 1e-30)

    def push(g):
        _accumulate(x, p * (g - (g * p).sum(axis=-1, keepdims=True)))
    return Node(p, (x,), push)


def softmax(x: Node) -> Node:
    return masked_softmax(x, np.ones(x.shape, dtype=np.float32))


def l2_normalize(x: Node) -> Node:
    norm = np.maximum(np.linalg.norm(x.value, axis=-1, keepdims=True), 1e-6)
    y = x.value / norm

    def push(g):
        _accumulate(x, (g - y * (g * y).sum(axis=-1, keepdims=True)) / norm)
    return Node(y, (x,), push)


def row_dot(a: Node, b: Node) -> Node:
    """Σ_d a[b, d] · b[b, d] → [B]."""
    def push(g):
        _accumulate(a, g[:, None] * b.value)
        _accumulate(b, g[:, None] * a.value)
    return Node((a.value * b.value).sum(axis=-1), (a, b), push)


def scale(x: Node, factor: float) -> Node:
    return Node(x.value * factor, (x,), lambda g: _accumulate(x, g * factor))


def squeeze_last(x: Node) -> Node:
    return Node(x.value[..., 0], (x,), lambda g: _accumulate(x, g[..., None]))


def expert_mixture(experts: Node, gate: Node, count: int) -> Node:
    """Σ_k gate[b, k] · experts[b, k·H:(k+1)·H] for experts [B, count·H], gate [B, count]."""
    batch = experts.shape[0]
    stacked = experts.value.reshape(batch, count, -1)

    def push(g):
        _accumulate(experts, (gate.value[:, :, None] * g[:, None, :]).reshape(batch, -1))
        _accumulate(gate, np.einsum("bkh,bh->bk", stacked, g))
    return Node(np.einsum("bkh,bk->bh", stacked, gate.value), (experts, gate), push)


def softmax_cross_entropy(logits: Node, labels: np.ndarray, valid=None) -> Node:
    """Mean over rows of -log softmax(logits)[label]; `valid` [B, C] masks out columns."""
    z = logits.value if valid is None else np.where(valid, logits.value, -1e9)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.log(np.maximum(p[rows, labels], 1e-30)).mean()

    def push(g):
        grad = p.copy()
        grad[rows, labels] -= 1
        _accumulate(logits, g * grad / len(labels))
    return Node(np.float64(loss), (logits,), push)


def binary_cross_entropy(logits: Node, labels: np.ndarray, weights: np.ndarray) -> Node:
    """Σ weights · BCE(sigmoid(logits), labels) / Σ weights, logits and labels [B]."""
    z = logits.value
    total = max(float(weights.sum()), 1e-9)
    loss = (weights * (np.maximum(z, 0) - z * labels + np.log1p(np.exp(-np.abs(z))))).sum() / total

    def push(g):
        _accumulate(logits, g * weights * (sigmoid_array(z) - labels) / total)
    return Node(np.float64(loss), (logits,), push)


def sum_nodes(*nodes) -> Node:
    def push(g):
        for node in nodes:
            _accumulate(node, g)
    return Node(sum(n.value for n in nodes), tuple(nodes), push)


def sigmoid_array(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def backward(loss: Node):
    """Fills `.grad` of every node that `loss` depends on."""
    order, seen = [], set()
    stack = [(loss, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in node.parents)
    for node in order:
        node.grad = None
    loss.grad = np.float32(1)
    for node in reversed(order):
        if node.push is not None and node.grad is not None:
            node.push(node.grad)


class Adam:
    """Adam with decoupled weight decay over a dict of Parameters."""

    def __init__(self, parameters: dict, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.parameters = parameters
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m = {k: np.zeros_like(p.value) for k, p in parameters.items()}
        self.v = {k: np.zeros_like(p.value) for k, p in parameters.items()}
        self.t = 0

    def step(self):
        self.t += 1
        b1, b2 = self.betas
        correction = np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        for name, p in self.parameters.items():
            if p.grad is None:
                continue
            self.m[name] = b1 * self.m[name] + (1 - b1) * p.grad
            self.v[name] = b2 * self.v[name] + (1 - b2) * p.grad * p.grad
            p.value -= self.lr * correction * self.m[name] / (np.sqrt(self.v[name]) + self.eps)
            if self.weight_decay:
                p.value -= self.lr * self.weight_decay * p.value
            p.grad = None
