"""The kernels' INT8 arithmetic at BLAS speed for evaluating 70,000 images.

quantize_lib.quantization.int8_linear accumulates in numpy int32, which does not use BLAS and
takes minutes here. Sums of K products of int8 values (|q| ≤ 127) are integers below K·127², so
they are exact in float32 while K·127² < 2^24 (K ≤ 1040) and in float64 always: `int8_matmul`
gives bit-identical accumulators through sgemm / dgemm. `linear` then
applies the kernels' epilogue order, acc · (s_x · s_w) + bias (docs/model-format.md, Layers).
"""
import numpy as np

from quantize_lib.quantization import quantize_activations


def int8_matmul(q_x: np.ndarray, q_w: np.ndarray) -> np.ndarray:
    """Exact int32 accumulators of q_x [M, K] · q_wᵀ [K, N] (as float32 or float64)."""
    exact = np.float32 if q_x.shape[1] * 127 * 127 < 2 ** 24 else np.float64
    return q_x.astype(exact) @ q_w.astype(exact).T


def epilogue(acc: np.ndarray, scale_x: np.ndarray, scale_w: np.ndarray, bias=None) -> np.ndarray:
    """acc · (s_x · s_w) + bias in float32, per row m and column n."""
    scale = scale_x.astype(np.float32)[:, None] * scale_w.astype(np.float32)[None, :]
    y = acc.astype(np.float32) * scale
    return y if bias is None else y + bias.astype(np.float32)


def linear(x: np.ndarray, q_w: np.ndarray, scale_w: np.ndarray, bias=None) -> np.ndarray:
    """The INT8 linear layer: per-row dynamic activation quantization, exact accumulation."""
    q_x, scale_x = quantize_activations(x)
    return epilogue(int8_matmul(q_x, q_w.reshape(q_w.shape[0], -1)), scale_x, scale_w, bias)
