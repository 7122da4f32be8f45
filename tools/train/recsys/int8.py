"""The served (INT8) arithmetic in numpy, exactly as the kernels compute it.

Weights are quantized per output row (`quantize_rows`), embedding rows per row; linear layers
quantize their input per row at run time and accumulate in int32 (`int8_linear`). Evaluating a
model through `Int8Weights` therefore gives the numbers the server gives.
"""
import numpy as np

from quantize_lib.quantization import dequantize_rows, int8_linear, quantize_rows


class Int8Weights:
    """FP32 tensors → their quantized form, with the two operations models need."""

    def __init__(self, tensors: dict, quantized_names):
        self.tensors = tensors
        self.quantized = {name: quantize_rows(tensors[name]) for name in quantized_names}

    def embedding(self, name: str) -> np.ndarray:
        """The dequantized table (what an INT8 embedding lookup yields)."""
        q, scale = self.quantized[name]
        return dequantize_rows(q, scale)

    def linear(self, x: np.ndarray, name: str) -> np.ndarray:
        """x · Wᵀ + b with per-row activation quantization; `name` is the layer prefix."""
        q, scale = self.quantized[f"{name}.weight"]
        shape = x.shape
        y = int8_linear(x.reshape(-1, shape[-1]), q, scale, self.tensors.get(f"{name}.bias"))
        return y.reshape(*shape[:-1], -1)


class Fp32Weights:
    """The same interface on the FP32 tensors (the reference the INT8 model is compared with)."""

    def __init__(self, tensors: dict):
        self.tensors = tensors

    def embedding(self, name: str) -> np.ndarray:
        return self.tensors[name]

    def linear(self, x: np.ndarray, name: str) -> np.ndarray:
        y = x @ self.tensors[f"{name}.weight"].T
        bias = self.tensors.get(f"{name}.bias")
        return y if bias is None else y + bias
