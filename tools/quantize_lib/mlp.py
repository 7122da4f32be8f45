"""A forward spec for whole-model error measurement: a sequence of linear layers and activations.

Spec syntax (``--mlp``): comma-separated layers ``WEIGHT[+BIAS][:ACTIVATION]``; if WEIGHT is not a
tensor name but ``WEIGHT.weight`` is, the layer uses ``WEIGHT.weight`` and (if present) ``WEIGHT.bias``.
Weights are [N, K] (output × input, PyTorch's Linear layout). Activations: relu, sigmoid, tanh, none.
Example: ``fc1:relu,fc2:relu,fc3:none`` or ``w1+b1:relu,w2+b2:sigmoid``.
"""
from dataclasses import dataclass

import numpy as np

from .quantization import int8_linear

ACTIVATIONS = {
    "none": lambda y: y,
    "relu": lambda y: np.maximum(y, 0),
    "sigmoid": lambda y: 1.0 / (1.0 + np.exp(-y)),
    "tanh": np.tanh,
}


@dataclass
class Layer:
    weight: str
    bias: str | None
    activation: str


def parse_spec(spec: str, tensor_names) -> list[Layer]:
    """Parses an --mlp spec against the checkpoint's tensor names; raises ValueError with the reason."""
    names = set(tensor_names)
    layers = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        body, _, activation = item.partition(":")
        activation = activation or "none"
        if activation not in ACTIVATIONS:
            raise ValueError(f"layer '{item}': unknown activation '{activation}' (use {', '.join(ACTIVATIONS)})")
        weight, _, bias = body.partition("+")
        if weight not in names and f"{weight}.weight" in names:
            if not bias and f"{weight}.bias" in names:
                bias = f"{weight}.bias"
            weight = f"{weight}.weight"
        for name in filter(None, (weight, bias)):
            if name not in names:
                raise ValueError(f"layer '{item}': no tensor named '{name}'")
        layers.append(Layer(weight, bias or None, activation))
    if not layers:
        raise ValueError("empty --mlp spec")
    return layers


def forward_fp32(layers: list[Layer], tensors: dict, x: np.ndarray) -> np.ndarray:
    """The reference forward pass in FP32 on the original checkpoint."""
    y = np.asarray(x, dtype=np.float32)
    for layer in layers:
        w = tensors[layer.weight].astype(np.float32)
        _check_shapes(layer, w, y)
        y = y @ w.T
        if layer.bias:
            y = y + tensors[layer.bias].astype(np.float32)
        y = ACTIVATIONS[layer.activation](y).astype(np.float32)
    return y


def forward_int8(layers: list[Layer], quantized: dict, scale_suffix: str, x: np.ndarray) -> np.ndarray:
    """The forward pass the server runs: INT8 layers where the weight was quantized, FP32 otherwise."""
    y = np.asarray(x, dtype=np.float32)
    for layer in layers:
        w = quantized[layer.weight]
        _check_shapes(layer, w, y)
        bias = quantized[layer.bias] if layer.bias else None
        if w.dtype == np.int8:
            y = int8_linear(y, w, quantized[layer.weight + scale_suffix], bias)
        else:
            y = y @ w.astype(np.float32).T + (0 if bias is None else bias)
        y = ACTIVATIONS[layer.activation](y).astype(np.float32)
    return y


def _check_shapes(layer: Layer, w: np.ndarray, x: np.ndarray):
    if w.ndim != 2 or w.shape[1] != x.shape[1]:
        raise ValueError(f"layer '{layer.weight}' has shape {list(w.shape)} but its input has {x.shape[1]} "
                         "features (weights are [out, in]; use --transpose for [in, out] checkpoints)")
