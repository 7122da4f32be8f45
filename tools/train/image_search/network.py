"""The embedding CNN in numpy, NHWC, with the FP32 training path and the INT8 served path.

    input [B, 28, 28, 1] (model_input floats)
    conv1 3×3, 1→C1, zero padding 1 → ReLU → max-pool 2×2 → [B, 14, 14, C1]
    conv2 3×3, C1→C2, zero padding 1 → ReLU → max-pool 2×2 → [B, 7, 7, C2]
    flatten in (h, w, c) order → fc1 (7·7·C2 → H) → ReLU → fc2 (H → D) → L2 normalize

Tensor names and layouts are the served ones: `conv{1,2}.weight` [outC, kh, kw, inC] (a conv is a
GEMM of the im2col patch rows, flattened in (kh, kw, inC) order, against weight rows),
`fc{1,2}.weight` [out, in], biases `*.bias` [out]. The INT8 path (`embed_int8`) is the kernels'
arithmetic exactly: a linear layer is int8_linear (one activation scale per row); a convolution
(shop_conv2d_nhwc_f32) quantizes each whole image with one scale (max|x| / 127 over H·W·C), gathers
int8 patches (padding 0), accumulates in int32 and computes acc · (s_image · s_w) + bias.
"""
import numpy as np

from quantize_lib.quantization import quantize_rows

from . import int8_math

KERNEL = 3
PAD = 1


def init_parameters(rng: np.random.Generator, c1: int, c2: int, hidden: int, dimension: int) -> dict:
    """He-initialised FP32 parameters."""
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    flat = 7 * 7 * c2
    return {
        "conv1.weight": he((c1, KERNEL, KERNEL, 1), KERNEL * KERNEL),
        "conv1.bias": np.zeros(c1, np.float32),
        "conv2.weight": he((c2, KERNEL, KERNEL, c1), KERNEL * KERNEL * c1),
        "conv2.bias": np.zeros(c2, np.float32),
        "fc1.weight": he((hidden, flat), flat),
        "fc1.bias": np.zeros(hidden, np.float32),
        "fc2.weight": (rng.standard_normal((dimension, hidden)) * np.sqrt(1.0 / hidden)).astype(np.float32),
        "fc2.bias": np.zeros(dimension, np.float32),
    }


def im2col(x: np.ndarray) -> np.ndarray:
    """[B, H, W, C] → patch rows [B·H·W, 3·3·C] in (kh, kw, c) order, zero padding 1."""
    b, h, w, c = x.shape
    padded = np.pad(x, ((0, 0), (PAD, PAD), (PAD, PAD), (0, 0)))
    s = padded.strides
    windows = np.lib.stride_tricks.as_strided(
        padded, shape=(b, h, w, KERNEL, KERNEL, c), strides=(s[0], s[1], s[2], s[1], s[2], s[3]), writeable=False)
    return windows.reshape(b * h * w, KERNEL * KERNEL * c)


def col2im(columns: np.ndarray, shape) -> np.ndarray:
    """Adjoint of im2col: patch-row gradients [B·H·W, 9·C] → input gradient [B, H, W, C]."""
    b, h, w, c = shape
    cols = columns.reshape(b, h, w, KERNEL, KERNEL, c)
    padded = np.zeros((b, h + 2 * PAD, w + 2 * PAD, c), dtype=columns.dtype)
    for i in range(KERNEL):
        for j in range(KERNEL):
            padded[:, i:i + h, j:j + w, :] += cols[:, :, :, i, j, :]
    return padded[:, PAD:PAD + h, PAD:PAD + w, :]


def max_pool(x: np.ndarray):
    """2×2 stride-2 max pooling; returns (pooled, mask of the chosen inputs for the backward pass)."""
    b, h, w, c = x.shape
    blocks = x.reshape(b, h // 2, 2, w // 2, 2, c)
    pooled = blocks.max(axis=(2, 4))
    mask = blocks == pooled[:, :, None, :, None, :]
    return pooled, mask


def max_pool_backward(grad: np.ndarray, mask: np.ndarray) -> np.ndarray:
    b, h2, _, w2, _, c = mask.shape
    return (mask * grad[:, :, None, :, None, :]).reshape(b, h2 * 2, w2 * 2, c)


def _rows(weight: np.ndarray) -> np.ndarray:
    return weight.reshape(weight.shape[0], -1)


def forward(params: dict, x: np.ndarray, cache: bool = False):
    """FP32 forward of images [B, 28, 28] → (unnormalised embedding [B, D], cache or None)."""
    b = x.shape[0]
    a0 = x.reshape(b, 28, 28, 1).astype(np.float32)
    p1 = im2col(a0)
    z1 = p1 @ _rows(params["conv1.weight"]).T + params["conv1.bias"]
    r1 = np.maximum(z1, 0).reshape(b, 28, 28, -1)
    a1, m1 = max_pool(r1)
    p2 = im2col(a1)
    z2 = p2 @ _rows(params["conv2.weight"]).T + params["conv2.bias"]
    r2 = np.maximum(z2, 0).reshape(b, 14, 14, -1)
    a2, m2 = max_pool(r2)
    f = a2.reshape(b, -1)
    z3 = f @ params["fc1.weight"].T + params["fc1.bias"]
    h = np.maximum(z3, 0)
    e = h @ params["fc2.weight"].T + params["fc2.bias"]
    if not cache:
        return e, None
    return e, dict(p1=p1, z1=z1, m1=m1, a1_shape=a1.shape, p2=p2, z2=z2, m2=m2, f=f, z3=z3, h=h)


def backward(params: dict, c: dict, grad_e: np.ndarray) -> dict:
    """Gradients of every parameter given d loss / d embedding (unnormalised)."""
    g = {}
    g["fc2.weight"] = grad_e.T @ c["h"]
    g["fc2.bias"] = grad_e.sum(0)
    dh = (grad_e @ params["fc2.weight"]) * (c["z3"] > 0)
    g["fc1.weight"] = dh.T @ c["f"]
    g["fc1.bias"] = dh.sum(0)
    df = dh @ params["fc1.weight"]
    b = df.shape[0]
    c2 = params["conv2.weight"].shape[0]
    da2 = df.reshape(b, 7, 7, c2)
    dr2 = max_pool_backward(da2, c["m2"]).reshape(-1, c2) * (c["z2"] > 0)
    g["conv2.weight"] = (dr2.T @ c["p2"]).reshape(params["conv2.weight"].shape)
    g["conv2.bias"] = dr2.sum(0)
    da1 = col2im(dr2 @ _rows(params["conv2.weight"]), c["a1_shape"])
    c1 = params["conv1.weight"].shape[0]
    dr1 = max_pool_backward(da1, c["m1"]).reshape(-1, c1) * (c["z1"] > 0)
    g["conv1.weight"] = (dr1.T @ c["p1"]).reshape(params["conv1.weight"].shape)
    g["conv1.bias"] = dr1.sum(0)
    return g


def l2_normalize(e: np.ndarray) -> np.ndarray:
    norm = np.sqrt((e.astype(np.float32) ** 2).sum(axis=1, keepdims=True))
    return e / np.maximum(norm, np.float32(1e-12))


def embed_fp32(params: dict, images: np.ndarray, batch: int = 250) -> np.ndarray:
    """L2-normalised FP32 embeddings of images [N, 28, 28] (floats in [0, 1])."""
    out = [forward(params, images[i:i + batch])[0] for i in range(0, len(images), batch)]
    return l2_normalize(np.concatenate(out))


def _int8_layer(tensors: dict, name: str, rows: np.ndarray) -> np.ndarray:
    return int8_math.linear(rows, tensors[f"{name}.weight"], tensors[f"{name}.weight.scale"], tensors[f"{name}.bias"])


def _int8_conv(tensors: dict, name: str, x: np.ndarray) -> np.ndarray:
    """shop_conv2d_nhwc_f32 with ReLU: one activation scale per image, int32 accumulation."""
    b, h, w, _ = x.shape
    q_x, s_x = quantize_rows(x.reshape(b, -1))
    patches = im2col(q_x.reshape(x.shape))
    acc = int8_math.int8_matmul(patches, tensors[f"{name}.weight"].reshape(len(tensors[f"{name}.bias"]), -1))
    y = int8_math.epilogue(acc, np.repeat(s_x, h * w), tensors[f"{name}.weight.scale"], tensors[f"{name}.bias"])
    return np.maximum(y, 0).reshape(b, h, w, -1)


def forward_int8(tensors: dict, x: np.ndarray) -> np.ndarray:
    """The served INT8 forward (published tensors: I8 weights + .scale, F32 biases) → unnormalised [B, D]."""
    b = x.shape[0]
    a0 = x.reshape(b, 28, 28, 1).astype(np.float32)
    a1, _ = max_pool(_int8_conv(tensors, "conv1", a0))
    a2, _ = max_pool(_int8_conv(tensors, "conv2", a1))
    h = np.maximum(_int8_layer(tensors, "fc1", a2.reshape(b, -1)), 0)
    return _int8_layer(tensors, "fc2", h)


def embed_int8(tensors: dict, images: np.ndarray, batch: int = 250) -> np.ndarray:
    """L2-normalised embeddings through the INT8 served path."""
    out = [forward_int8(tensors, images[i:i + batch]) for i in range(0, len(images), batch)]
    return l2_normalize(np.concatenate(out))


def quantized(params: dict) -> dict:
    """The served tensors of the network as tools/quantize writes them (I8 weights + .scale, F32 biases)."""
    out = {}
    for name, value in params.items():
        if name.endswith(".weight"):
            out[name], out[f"{name}.scale"] = quantize_rows(value)
        else:
            out[name] = value
    return out
