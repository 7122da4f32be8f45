"""The one definition of how any image becomes the model's input (28×28 gray floats in [0, 1]).

Serving (Sources/ShopImaging/ModelInputImage.swift) implements the same steps; the parity test
compares both on fixed inputs (fixtures written by `fixtures.py`).

1. Pixels: 8-bit gray or RGB, row-major (decoders turn 16-bit into 8-bit, palettes into RGB, and
   composite alpha over black: v = (v·a + 127) // 255).
2. Gray: ITU-R BT.601 luma in integers, Y = (299·R + 587·G + 114·B + 500) // 1000.
3. Polarity: Fashion-MNIST shows a light object on a dark background. A photo usually shows a dark
   object on a light background, so when the mean of the outermost ring of pixels is ≥ 128
   (2·sum ≥ 255·count) every pixel is inverted, v = 255 − v. (No Fashion-MNIST image has a ring
   mean ≥ 128, so the data set passes through unchanged.)
4. Letterbox: the image is centred on a dark (0) square of side max(w, h), at offset
   ((side − w) // 2, (side − h) // 2), keeping its aspect ratio.
5. Resize: area averaging from side × side to 28 × 28 — output pixel (i, j) is the mean of the
   source square [i·side/28, (i+1)·side/28) × [j·side/28, (j+1)·side/28) with fractional coverage
   of the pixels on its edges (separable; exact identity for a 28 × 28 input, and each source
   pixel is stretched over the outputs it covers when the image is smaller).
6. Scale: v / 255 as float32.
"""
import numpy as np

SIZE = 28


def to_gray(pixels: np.ndarray) -> np.ndarray:
    """uint8 [H, W] or [H, W, 3] → uint8 [H, W] (step 2)."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise ValueError(f"pixels must be uint8, got {pixels.dtype}")
    if pixels.ndim == 2:
        return pixels
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"pixels must be [H, W] or [H, W, 3], got {list(pixels.shape)}")
    rgb = pixels.astype(np.int64)
    return ((299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2] + 500) // 1000).astype(np.uint8)


def composite_over_black(rgba: np.ndarray) -> np.ndarray:
    """uint8 [H, W, 2|4] (gray+alpha or RGBA) → uint8 [H, W] or [H, W, 3] (step 1)."""
    values = rgba[..., :-1].astype(np.int64)
    alpha = rgba[..., -1:].astype(np.int64)
    out = ((values * alpha + 127) // 255).astype(np.uint8)
    return out[..., 0] if out.shape[-1] == 1 else out


def fix_polarity(gray: np.ndarray) -> np.ndarray:
    """Inverts a light-background image (step 3)."""
    g = gray.astype(np.int64)
    h, w = g.shape
    if h <= 2 or w <= 2:
        ring = g.ravel()
    else:
        ring = np.concatenate([g[0, :], g[-1, :], g[1:-1, 0], g[1:-1, -1]])
    if 2 * int(ring.sum()) >= 255 * ring.size:
        return (255 - gray).astype(np.uint8)
    return gray


def area_weights(length: int, offset: int, side: int, size: int = SIZE) -> np.ndarray:
    """[size, length] matrix: output cell o averages source cells [o·side/size, (o+1)·side/size) of
    the letterboxed axis; source cell k sits at letterboxed position offset + k."""
    weights = np.zeros((size, length), dtype=np.float64)
    for o in range(size):
        start = o * side / size
        end = (o + 1) * side / size
        first = int(np.floor(start))
        last = int(np.ceil(end))
        for p in range(first, last):
            k = p - offset
            if 0 <= k < length:
                coverage = min(end, p + 1) - max(start, p)
                if coverage > 0:
                    weights[o, k] = coverage / (end - start)
    return weights


def model_input(pixels: np.ndarray) -> np.ndarray:
    """uint8 [H, W] or [H, W, 3] → float32 [28, 28] in [0, 1] (steps 2–6)."""
    gray = fix_polarity(to_gray(pixels))
    h, w = gray.shape
    if h < 1 or w < 1:
        raise ValueError("an image needs at least one pixel")
    side = max(h, w)
    rows = area_weights(h, (side - h) // 2, side)
    cols = area_weights(w, (side - w) // 2, side)
    resized = rows @ gray.astype(np.float64) @ cols.T
    return (resized / 255.0).astype(np.float32)
