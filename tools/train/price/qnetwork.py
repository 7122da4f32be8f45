"""The Q-network (features → 64 → 64 → 5 Q-values, ReLU) and its DQN training in numpy.

Double DQN: experience replay, a target network synced every TARGET_SYNC updates, Huber loss,
Adam; the bootstrap max runs over the actions the guardrails allow on the next day.
Tensors use PyTorch's Linear layout (weight [out, in]) so tools/quantize and the Swift layers read
them directly; forward_int8 runs exactly the kernels' arithmetic (quantize_lib int8_linear).
"""
import numpy as np

from quantize_lib.quantization import int8_linear

from . import features, guardrails
from .simulator import Market, MAX_DAYS

HIDDEN = [64, 64]
ACTIONS = 5
LAYERS = ["fc1", "fc2", "head"]
GAMMA = 0.99
TARGET_SYNC = 400
BATCH = 256


def init(rng) -> dict:
    sizes = [features.FEATURE_COUNT] + HIDDEN + [ACTIONS]
    params = {}
    for name, fan_in, fan_out in zip(LAYERS, sizes[:-1], sizes[1:]):
        params[f"{name}.weight"] = (rng.normal(0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))).astype(np.float32)
        params[f"{name}.bias"] = np.zeros(fan_out, np.float32)
    return params


def forward(params, x):
    """FP32 Q-values [n, 5]."""
    h = np.asarray(x, np.float32)
    for i, name in enumerate(LAYERS):
        h = h @ params[f"{name}.weight"].T + params[f"{name}.bias"]
        if i < len(LAYERS) - 1:
            h = np.maximum(h, 0)
    return h


def forward_int8(quantized, x):
    """Q-values [n, 5] with the served INT8 arithmetic (per-row activations, per-channel weights)."""
    h = np.asarray(x, np.float32)
    for i, name in enumerate(LAYERS):
        h = int8_linear(h, quantized[f"{name}.weight"], quantized[f"{name}.weight.scale"], quantized[f"{name}.bias"])
        if i < len(LAYERS) - 1:
            h = np.maximum(h, 0)
    return h


def _gradients(params, x, actions, targets):
    """Huber-loss gradients of Q(x, a) towards targets."""
    activations = [x]
    h = x
    for i, name in enumerate(LAYERS):
        h = h @ params[f"{name}.weight"].T + params[f"{name}.bias"]
        if i < len(LAYERS) - 1:
            h = np.maximum(h, 0)
        activations.append(h)
    rows = np.arange(len(x))
    error = h[rows, actions] - targets
    grad_out = np.zeros_like(h)
    grad_out[rows, actions] = np.clip(error, -1, 1) / len(x)
    grads = {}
    g = grad_out
    for i in reversed(range(len(LAYERS))):
        name = LAYERS[i]
        grads[f"{name}.weight"] = g.T @ activations[i]
        grads[f"{name}.bias"] = g.sum(axis=0)
        if i > 0:
            g = (g @ params[f"{name}.weight"]) * (activations[i] > 0)
    return grads, float(np.mean(np.minimum(np.abs(error), 1) * np.abs(error)))


class Adam:
    def __init__(self, params, lr):
        self.lr, self.t = lr, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        for k in params:
            self.m[k] = 0.9 * self.m[k] + 0.1 * grads[k]
            self.v[k] = 0.999 * self.v[k] + 0.001 * grads[k] ** 2
            m_hat = self.m[k] / (1 - 0.9 ** self.t)
            v_hat = self.v[k] / (1 - 0.999 ** self.t)
            params[k] -= (self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)).astype(np.float32)


def train(archetypes, *, waves: int, envs: int, seed: int, log=print) -> dict:
    """DQN on fresh simulated seasons (seeds seed, seed+1, ...). Returns the FP32 parameters."""
    rng = np.random.default_rng(seed)
    params = init(rng)
    target = {k: v.copy() for k, v in params.items()}
    optimizer = Adam(params, lr=1e-3)
    capacity = 400_000
    store = {"s": np.zeros((capacity, features.FEATURE_COUNT), np.float32), "a": np.zeros(capacity, np.int64),
             "r": np.zeros(capacity, np.float32), "s2": np.zeros((capacity, features.FEATURE_COUNT), np.float32),
             "done": np.zeros(capacity, bool), "mask2": np.zeros((capacity, ACTIONS), bool)}
    size = cursor = updates = 0
    total_steps = waves * MAX_DAYS
    step_count = 0
    for wave in range(waves):
        market = Market(archetypes, envs, seed=seed * 1000 + wave)
        losses = []
        while market.active.any():
            epsilon = max(0.05, 1.0 - step_count / (0.5 * total_steps))
            step_count += 1
            active = market.active
            state = market.observe()
            lo, hi = market.bounds()
            q = forward(params, state)
            explore = rng.random(envs) < epsilon
            q = np.where(explore[:, None], rng.random((envs, ACTIONS)), q)
            action, new_price = guardrails.apply(q, market.price, lo, hi)
            reward, _, done = market.step(new_price)
            next_state = market.observe()
            lo2, hi2 = market.bounds()
            mask2 = guardrails.allowed_mask(market.price, lo2, hi2)
            keep = np.flatnonzero(active & (action >= 0))
            slots = (cursor + np.arange(len(keep))) % capacity
            for key, values in (("s", state), ("a", action), ("r", reward), ("s2", next_state), ("done", done),
                                ("mask2", mask2)):
                store[key][slots] = values[keep]
            cursor = (cursor + len(keep)) % capacity
            size = min(size + len(keep), capacity)
            if size < 5 * BATCH:
                continue
            for _ in range(2):
                idx = rng.integers(0, size, BATCH)
                s2, mask = store["s2"][idx], store["mask2"][idx]
                mask = np.where(mask.any(axis=1, keepdims=True), mask, True)
                best = np.argmax(np.where(mask, forward(params, s2), -np.inf), axis=1)
                bootstrap = forward(target, s2)[np.arange(BATCH), best]
                y = store["r"][idx] + GAMMA * np.where(store["done"][idx], 0.0, bootstrap)
                grads, loss = _gradients(params, store["s"][idx], store["a"][idx], y.astype(np.float32))
                optimizer.step(params, grads)
                losses.append(loss)
                updates += 1
                if updates % TARGET_SYNC == 0:
                    target = {k: v.copy() for k, v in params.items()}
            optimizer.lr = 1e-3 * (1 - 0.9 * wave / waves)
        if wave % 10 == 0 or wave == waves - 1:
            log(f"  wave {wave + 1}/{waves}: ε={epsilon:.2f} updates={updates} loss={np.mean(losses) if losses else 0:.4f}"
                f" mean season profit/(p_ref·b)={np.mean(market.total_profit / (market.p_ref * market.base)):.2f}")
    return params
