"""Fixtures for the Swift tests, written at training time (Tests/Fixtures/image_search/):

- preprocessing.json: raw images (gray / RGB, several sizes and backgrounds) with the model input
  this module's preprocess.model_input computes, for the Swift parity test (ShopImagingTests);
  tiny PNG/JPEG files made by Pillow (alpha, palette, gray+alpha, 16-bit, progressive, CMYK)
  with the pixels Pillow decodes them to, for the decoder tests.
- embeddings.json: model inputs of real test images with the INT8 served-path embeddings and
  the top catalogue matches computed in numpy, for the Swift model parity test (ShopModelsTests).
"""
import base64
import io
import json
import os

import numpy as np

from . import preprocess

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "Tests", "Fixtures", "image_search")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw_case(name: str, pixels: np.ndarray) -> dict:
    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else 3
    return {"name": name, "width": w, "height": h, "channels": channels,
            "pixels": _b64(np.ascontiguousarray(pixels).tobytes()),
            "model_input": [float(v) for v in preprocess.model_input(pixels).ravel()]}


def _encoded_cases(rng: np.random.Generator) -> list:
    from PIL import Image
    cases = []

    def add(name, image, fmt, expected, **save):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **save)
        entry = {"name": name, "format": fmt, "data": _b64(buffer.getvalue()),
                 "width": image.width, "height": image.height}
        if expected is not None:
            entry["channels"] = 1 if expected.ndim == 2 else 3
            entry["pixels"] = _b64(np.ascontiguousarray(expected).tobytes())
        cases.append(entry)

    rgba = rng.integers(0, 256, (5, 7, 4), dtype=np.uint8)
    add("png_rgba", Image.fromarray(rgba, "RGBA"), "PNG", preprocess.composite_over_black(rgba))
    la = rng.integers(0, 256, (6, 4, 2), dtype=np.uint8)
    add("png_gray_alpha", Image.fromarray(la, "LA"), "PNG", preprocess.composite_over_black(la))
    palette = Image.fromarray(rng.integers(0, 256, (4, 9, 3), dtype=np.uint8), "RGB").quantize(colors=8)
    add("png_palette", palette, "PNG", np.asarray(palette.convert("RGB")))
    gray16 = Image.fromarray((rng.integers(0, 65536, (3, 5))).astype(np.uint16))
    add("png_gray16", gray16, "PNG", None)
    smooth = np.add.outer(np.arange(16) * 12, np.arange(24) * 8).astype(np.uint8)
    rgb = np.stack([smooth, 255 - smooth, smooth // 2], axis=2)
    progressive = Image.fromarray(rgb, "RGB")
    buffer = io.BytesIO()
    progressive.save(buffer, format="JPEG", quality=95, progressive=True)
    add("jpeg_progressive", progressive, "JPEG", np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")),
        quality=95, progressive=True)
    add("jpeg_cmyk", Image.fromarray(rgb, "RGB").convert("CMYK"), "JPEG", None, quality=90)
    return cases


def write_preprocessing_fixtures(test_images: np.ndarray, directory: str = FIXTURES) -> str:
    """Writes preprocessing.json; test_images are Fashion-MNIST uint8 [N, 28, 28]."""
    rng = np.random.default_rng(2024)
    light = 255 - test_images[1]                                             # dark object on white
    photo = np.clip(np.kron(light, np.ones((3, 2), np.uint8)).astype(np.int64)[..., None]
                    + np.array([0, -20, 15]), 0, 255).astype(np.uint8)       # 84×56 RGB, tinted
    cases = [
        _raw_case("fashion_test_0", test_images[0]),
        _raw_case("photo_rgb_84x56_light_background", photo),
        _raw_case("random_rgb_45x31", rng.integers(0, 256, (31, 45, 3), dtype=np.uint8)),
        _raw_case("random_gray_3x2", rng.integers(0, 256, (2, 3), dtype=np.uint8)),
        _raw_case("gray_1x1", np.array([[200]], np.uint8)),
        _raw_case("gray_tall_100x13", rng.integers(0, 120, (100, 13), dtype=np.uint8)),
    ]
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "preprocessing.json")
    with open(path, "w") as file:
        json.dump({"raw": cases, "encoded": _encoded_cases(rng)}, file)
    return path


def write_embedding_fixtures(model_inputs: np.ndarray, labels: np.ndarray, embeddings: np.ndarray,
                             matches: np.ndarray, similarities: np.ndarray, directory: str = FIXTURES) -> str:
    """Writes embeddings.json: per case the 784 inputs, the INT8-path embedding, top ids and scores."""
    cases = [{"label": int(labels[i]), "input": [float(v) for v in model_inputs[i].ravel()],
              "embedding": [float(v) for v in embeddings[i]],
              "top_ids": [int(v) for v in matches[i]], "top_similarities": [float(v) for v in similarities[i]]}
             for i in range(len(labels))]
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "embeddings.json")
    with open(path, "w") as file:
        json.dump({"cases": cases}, file)
    return path
