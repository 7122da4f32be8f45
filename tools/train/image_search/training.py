"""Training objective and loop: normalised-softmax (CosFace) classification on the L2-normalised
embedding, so that same-category images end up at a small angle from each other and cosine
nearest neighbours share the category (classification-then-embed; the class weights are dropped
after training, only the embedding network is served).
"""
import time

import numpy as np

from . import network


def normalize_rows(v: np.ndarray):
    norm = np.sqrt((v ** 2).sum(axis=1, keepdims=True)) + np.float32(1e-12)
    return v / norm, norm


def normalize_rows_backward(unit: np.ndarray, norm: np.ndarray, grad_unit: np.ndarray) -> np.ndarray:
    return (grad_unit - unit * (unit * grad_unit).sum(axis=1, keepdims=True)) / norm


def cosface_loss(embedding: np.ndarray, class_weights: np.ndarray, labels: np.ndarray, scale: float, margin: float):
    """(mean loss, d/d embedding, d/d class weights, accuracy) of CosFace on unnormalised inputs."""
    n, n_norm = normalize_rows(embedding)
    w, w_norm = normalize_rows(class_weights)
    cosine = n @ w.T
    onehot = np.zeros_like(cosine)
    onehot[np.arange(len(labels)), labels] = 1
    logits = scale * (cosine - margin * onehot)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = float(-np.log(p[np.arange(len(labels)), labels] + 1e-12).mean())
    d_cos = scale * (p - onehot) / len(labels)
    grad_n = d_cos @ w
    grad_w = d_cos.T @ n
    accuracy = float((cosine.argmax(axis=1) == labels).mean())
    return (loss, normalize_rows_backward(n, n_norm, grad_n), normalize_rows_backward(w, w_norm, grad_w), accuracy)


class Adam:
    def __init__(self, params: dict, lr: float, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: dict, grads: dict, lr: float):
        self.t += 1
        c1 = 1 - self.beta1 ** self.t
        c2 = 1 - self.beta2 ** self.t
        for k, g in grads.items():
            self.m[k] = self.beta1 * self.m[k] + (1 - self.beta1) * g
            self.v[k] = self.beta2 * self.v[k] + (1 - self.beta2) * g * g
            params[k] -= (lr * (self.m[k] / c1) / (np.sqrt(self.v[k] / c2) + self.eps)).astype(np.float32)


def train(images: np.ndarray, labels: np.ndarray, *, c1: int, c2: int, hidden: int, dimension: int,
          epochs: int, batch: int, lr: float, scale: float, margin: float, seed: int, log=print) -> dict:
    """Trains on images [N, 28, 28] float32 in [0, 1]; returns the FP32 embedding parameters."""
    rng = np.random.default_rng(seed)
    params = network.init_parameters(rng, c1, c2, hidden, dimension)
    params["classes"] = (rng.standard_normal((int(labels.max()) + 1, dimension))).astype(np.float32)
    optimizer = Adam(params, lr)
    steps_per_epoch = len(images) // batch
    total = epochs * steps_per_epoch
    step = 0
    for epoch in range(epochs):
        started = time.time()
        order = rng.permutation(len(images))
        losses, accuracies = [], []
        for s in range(steps_per_epoch):
            index = order[s * batch:(s + 1) * batch]
            x = images[index]
            if rng.random() < 0.5:          # horizontal flip: products are (mostly) mirror-symmetric
                x = x[:, :, ::-1]
            e, cache = network.forward(params, x, cache=True)
            loss, grad_e, grad_classes, accuracy = cosface_loss(e, params["classes"], labels[index], scale, margin)
            grads = network.backward(params, cache, grad_e.astype(np.float32))
            grads["classes"] = grad_classes.astype(np.float32)
            lr_now = lr * 0.5 * (1 + np.cos(np.pi * step / total))   # cosine decay to 0
            optimizer.step(params, grads, lr_now)
            losses.append(loss)
            accuracies.append(accuracy)
            step += 1
        log(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}, train accuracy {np.mean(accuracies):.4f} "
            f"({time.time() - started:.0f} s)")
    del params["classes"]
    return params
