"""Fast checks of the ImageSearch training pieces (no training run): gradients, the INT8 served
path's arithmetic, preprocessing invariants, and the served search simulation."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))

from quantize_lib.quantization import int8_linear, quantize_rows  # noqa: E402
from train.common.vector_index import build_index_tensors  # noqa: E402
from train.image_search import evaluation, int8_math, network, preprocess, training  # noqa: E402


def test_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    params = {k: v.astype(np.float64) for k, v in network.init_parameters(rng, 3, 4, 6, 5).items()}
    x = rng.random((2, 28, 28))
    labels = np.array([0, 2])
    classes = rng.standard_normal((3, 5))

    def loss():
        return training.cosface_loss(network.forward(params, x)[0], classes, labels, 8.0, 0.2)[0]
    e, cache = network.forward(params, x, cache=True)
    grads = network.backward(params, cache, training.cosface_loss(e, classes, labels, 8.0, 0.2)[1])
    for name in ("conv1.weight", "conv2.bias", "fc1.bias", "fc2.weight"):
        flat = params[name].reshape(-1)
        i = int(np.argmax(np.abs(grads[name]).reshape(-1)))
        old = flat[i]
        flat[i] = old + 1e-5
        up = loss()
        flat[i] = old - 1e-5
        down = loss()
        flat[i] = old
        assert abs((up - down) / 2e-5 - grads[name].reshape(-1)[i]) < 1e-5, name


def test_int8_math_equals_the_quantizers_int32_arithmetic():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, 300)).astype(np.float32)
    q, s = quantize_rows(rng.standard_normal((9, 300)).astype(np.float32))
    b = rng.standard_normal(9).astype(np.float32)
    reference = int8_linear(x, q, s, b)
    assert np.allclose(int8_math.linear(x, q, s, b), reference, rtol=1e-6, atol=1e-5)


def test_int8_forward_tracks_fp32():
    rng = np.random.default_rng(2)
    params = network.init_parameters(rng, 4, 8, 16, 8)
    x = rng.random((5, 28, 28)).astype(np.float32)
    fp32 = network.embed_fp32(params, x)
    int8 = network.embed_int8(network.quantized(params), x)
    assert (fp32 * int8).sum(axis=1).min() > 0.99


def test_preprocessing_is_the_identity_on_fashion_images_and_undoes_photo_polarity():
    rng = np.random.default_rng(3)
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 8:20] = rng.integers(60, 256, (20, 12))
    assert np.allclose(preprocess.model_input(image), image / 255.0, atol=1e-7)
    photo = np.kron(255 - image, np.ones((2, 2), np.uint8))
    assert np.allclose(preprocess.model_input(np.stack([photo] * 3, axis=2)), image / 255.0, atol=1e-6)


def test_served_search_simulation_finds_itself():
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((400, 16)).astype(np.float32)
    tensors = build_index_tensors(vectors, "p", categories=rng.integers(0, 3, 400), ivf_lists=8)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for searcher in (evaluation.IndexSearcher(tensors, "p"), evaluation.IndexSearcher(tensors, "p", nprobe=8)):
        top = evaluation.search(unit[:50], searcher, 3)
        assert (top[:, 0] == np.arange(50)).all()
