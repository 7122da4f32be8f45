"""The INT8 arithmetic ShopServe uses: symmetric per-row weight scales, per-row dynamic activations.

Weights: for a tensor of shape [N, ...] (N = output channels, or rows of an embedding table),
row i gets scale[i] = max|w[i]| / 127 and q[i] = clip(round(w[i] / scale[i]), -127, 127), so
w ≈ q * scale[:, None]. A row of zeros gets scale 0 and q 0.

Activations (simulated here, done at run time by the kernels): each row x of the batch gets
s = max|x| / 127 and q = clip(round(x / s), -127, 127); a linear layer is then
y = (q_x · q_wᵀ) * s_x[:, None] * scale_w[None, :] + bias, accumulated exactly in int32.
Rounding is round-half-to-even (what the SIMD float→int conversion does by default).
"""
import numpy as np

QMAX = 127


def quantize_rows(w: np.ndarray):
    """Quantizes every row (first axis) of `w` symmetrically. Returns (int8 array of w's shape, f32 scales [N])."""
    w = np.asarray(w, dtype=np.float32)
    if w.ndim < 2:
        raise ValueError(f"per-row quantization needs at least 2 dimensions, got shape {list(w.shape)}")
    rows = w.reshape(w.shape[0], -1)
    max_abs = np.max(np.abs(rows), axis=1) if rows.shape[1] > 0 else np.zeros(rows.shape[0], np.float32)
    scale = (max_abs / QMAX).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1))
    q = np.clip(np.rint(rows / safe[:, None]), -QMAX, QMAX).astype(np.int8)
    return q.reshape(w.shape), scale


def dequantize_rows(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """q * scale per row, as float32."""
    rows = q.reshape(q.shape[0], -1).astype(np.float32) * scale[:, None]
    return rows.reshape(q.shape)


def quantize_activations(x: np.ndarray):
    """Per-row dynamic quantization of a batch [M, K]: (int8 [M, K], f32 scales [M])."""
    return quantize_rows(np.asarray(x, dtype=np.float32))


def int8_linear(x: np.ndarray, q_w: np.ndarray, scale_w: np.ndarray, bias=None) -> np.ndarray:
    """y = x · wᵀ + bias computed as the INT8 kernels do (w stored [N, K], per-row scales)."""
    q_x, scale_x = quantize_activations(x)
    acc = q_x.astype(np.int32) @ q_w.astype(np.int32).T            # exact int32 accumulation
    y = acc.astype(np.float32) * scale_x[:, None] * scale_w[None, :]
    return y if bias is None else y + bias.astype(np.float32)


def error_stats(reference: np.ndarray, approximation: np.ndarray) -> dict:
    """max abs, mean abs and relative (Frobenius) error of `approximation` against `reference`."""
    reference = np.asarray(reference, dtype=np.float64)
    diff = np.abs(reference - np.asarray(approximation, dtype=np.float64))
    norm = np.linalg.norm(reference)
    return {
        "max_abs": float(diff.max()) if diff.size else 0.0,
        "mean_abs": float(diff.mean()) if diff.size else 0.0,
        "relative": float(np.linalg.norm(diff) / norm) if norm > 0 else 0.0,
    }
