"""ImageSearch end to end: the real shopserve on the bundled models/ answers a stock grpcio
client with real Fashion-MNIST test images sent as PNG and JPEG (encoded here with Pillow), raw
pixels and embeddings; every hostile input is INVALID_ARGUMENT with a clear message.

The top match's category must agree with the image's label at about the rate measured at
training time (config.json `evaluation.top1_agreement` of the INT8 served path on all 10,000
test images), on a fixed sample of 100 images."""
import io
import json
import math
import struct
import sys
import zlib
from pathlib import Path

import grpc
import numpy as np
import pytest
from google.protobuf import json_format
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message_factory import GetMessageClass
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from PIL import Image

from conftest import PACKAGE_ROOT, ServerProcess, raw_unary

sys.path.insert(0, str(PACKAGE_ROOT / "tools"))
from train.image_search.data import CATEGORIES, load_split  # noqa: E402

SEARCH = "/shop.v1.ImageSearchService/Search"
MODEL = PACKAGE_ROOT / "models" / "image_search" / "1"
SAMPLE = np.arange(0, 10_000, 100)            # 100 fixed test images, all categories
# Allowed shortfall of the sample's top-1 agreement below the measured rate (100 samples: σ ≈ 0.03).
SHORTFALL = 0.08


@pytest.fixture(scope="module")
def served():
    process = ServerProcess("--models", str(PACKAGE_ROOT / "models"))
    yield process
    process.assert_alive()
    process.kill()


@pytest.fixture(scope="module")
def api(served):
    with grpc.insecure_channel(served.target) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        pool = DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
        method = pool.FindMethodByName("shop.v1.ImageSearchService.Search")
        request_class = GetMessageClass(method.input_type)
        response_class = GetMessageClass(method.output_type)
        call = raw_unary(channel, SEARCH)

        def search(body: dict, timeout: float = 30):
            request = json_format.ParseDict(body, request_class())
            reply = call(request.SerializeToString(), timeout=timeout)
            return response_class.FromString(reply)

        def search_bytes(payload: bytes, timeout: float = 30):
            return response_class.FromString(call(payload, timeout=timeout))

        search.raw_request = lambda body: json_format.ParseDict(body, request_class())
        search.bytes = search_bytes
        yield search


@pytest.fixture(scope="module")
def test_images():
    images, labels = load_split("t10k")
    return images[SAMPLE], labels[SAMPLE]


@pytest.fixture(scope="module")
def measured():
    config = json.loads((MODEL / "config.json").read_text())
    return config["architecture"]["evaluation"]


def encoded(pixels: np.ndarray, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    import base64
    return base64.b64encode(data).decode("ascii")


def agreement(api, images, labels, query) -> float:
    hits = 0
    for image, label in zip(images, labels):
        response = api({**query(image), "limit": 10})
        assert len(response.matches) == 10
        assert response.model_version == "1"
        similarities = [m.similarity for m in response.matches]
        assert similarities == sorted(similarities, reverse=True)
        assert all(-1.0 <= s <= 1.0 for s in similarities)
        hits += response.matches[0].category == CATEGORIES[label]
    return hits / len(labels)


def test_png_queries_find_their_category_at_the_measured_rate(api, test_images, measured):
    images, labels = test_images
    rate = agreement(api, images, labels, lambda image: {"pngImage": b64(encoded(image, "PNG"))})
    assert rate >= measured["top1_agreement"] - SHORTFALL, (rate, measured)


def test_jpeg_queries_find_their_category_at_about_the_measured_rate(api, test_images, measured):
    images, labels = test_images
    rate = agreement(api, images, labels, lambda image: {"jpegImage": b64(encoded(image, "JPEG", quality=90))})
    assert rate >= measured["top1_agreement"] - SHORTFALL - 0.02, (rate, measured)


def test_photo_style_images_are_normalised_like_training_data(api, test_images, measured):
    """Dark product on a white background, RGB, 4× larger: the preprocessing (gray, polarity,
    area resize) brings it back to Fashion-MNIST's form, so it answers like the original."""
    images, labels = test_images

    def photo(image):
        light = 255 - np.kron(image, np.ones((4, 4), np.uint8))
        rgb = np.stack([light, light, light], axis=2)
        return {"pngImage": b64(encoded(rgb, "PNG"))}
    rate = agreement(api, images, labels, photo)
    assert rate >= measured["top1_agreement"] - SHORTFALL, (rate, measured)


def test_non_square_and_tiny_images_are_letterboxed_and_answered(api, test_images):
    image = test_images[0][5]
    wide = np.pad(image, ((0, 0), (30, 30)))
    for pixels in (wide, wide.T.copy(), image[:1, :3], np.array([[255]], np.uint8)):
        response = api({"pngImage": b64(encoded(pixels, "PNG")), "limit": 3})
        assert len(response.matches) == 3


def test_raw_gray_and_rgb_pixels_answer_like_png(api, test_images):
    image = test_images[0][3]
    png = api({"pngImage": b64(encoded(image, "PNG")), "limit": 5})
    gray = api({"rawImage": {"width": 28, "height": 28, "channels": 1, "pixels": b64(image.tobytes())}, "limit": 5})
    rgb_pixels = np.repeat(image[:, :, None], 3, axis=2)
    rgb = api({"rawImage": {"width": 28, "height": 28, "channels": 3, "pixels": b64(rgb_pixels.tobytes())}, "limit": 5})
    ids = [m.item_id for m in png.matches]
    assert [m.item_id for m in gray.matches] == ids
    assert [m.item_id for m in rgb.matches] == ids


def test_category_filter_returns_only_those_categories(api, test_images):
    image = test_images[0][0]
    for wanted in (["Bag"], ["Sandal", "Sneaker"]):
        response = api({"pngImage": b64(encoded(image, "PNG")), "categories": wanted, "limit": 25})
        assert len(response.matches) == 25
        assert {m.category for m in response.matches} <= set(wanted)


def test_exact_and_ivf_agree_on_the_nearest_items(api, test_images):
    images, _ = test_images
    same_top, overlap = 0, 0.0
    for image in images[:40]:
        query = {"pngImage": b64(encoded(image, "PNG")), "limit": 10}
        exact = api({**query, "mode": "SEARCH_MODE_EXACT"})
        ivf = api({**query, "mode": "SEARCH_MODE_APPROXIMATE"})
        assert exact.mode == 1 and ivf.mode == 2          # SEARCH_MODE_EXACT, SEARCH_MODE_APPROXIMATE
        a, b = [m.item_id for m in exact.matches], [m.item_id for m in ivf.matches]
        same_top += a[0] == b[0]
        overlap += len(set(a) & set(b)) / 10
        everything = api({**query, "mode": "SEARCH_MODE_APPROXIMATE", "nprobe": 100000})
        assert [m.item_id for m in everything.matches] == a      # all lists scanned = exact
    assert same_top >= 36 and overlap / 40 >= 0.8, (same_top, overlap)


def test_default_mode_is_exact_and_limit_defaults_to_ten(api, test_images):
    response = api({"pngImage": b64(encoded(test_images[0][1], "PNG"))})
    assert response.mode == 1 and len(response.matches) == 10


def test_embedding_queries_reproduce_the_image_search(api, test_images):
    image = test_images[0][7]
    by_image = api({"pngImage": b64(encoded(image, "PNG")), "returnQueryEmbedding": True})
    embedding = list(by_image.query_embedding.values)
    assert len(embedding) == 64
    assert math.isclose(sum(v * v for v in embedding), 1.0, rel_tol=1e-4)
    scaled = [3.5 * v for v in embedding]                    # the server normalises
    by_embedding = api({"embedding": {"values": scaled}})
    assert [m.item_id for m in by_embedding.matches] == [m.item_id for m in by_image.matches]
    assert not api({"embedding": {"values": scaled}}).HasField("query_embedding")


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose IHDR (CRC re-computed) claims width × height: a decompression bomb header."""
    png = bytearray(encoded(np.zeros((1, 1), np.uint8), "PNG"))
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A valid JPEG whose frame header (SOF0) claims width × height."""
    jpeg = bytearray(encoded(np.full((8, 8), 128, np.uint8), "JPEG"))
    i = 2
    while jpeg[i + 1] not in (0xC0, 0xC1, 0xC2):
        i += 2 + struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    jpeg[i + 5:i + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


def hostile_requests(image: np.ndarray):
    png = encoded(image, "PNG")
    jpeg = encoded(image, "JPEG", quality=90)
    raw = {"width": 28, "height": 28, "channels": 1, "pixels": b64(image.tobytes())}
    return [
        ("truncated PNG", {"pngImage": b64(png[:len(png) // 2])}, "png_image"),
        ("truncated JPEG", {"jpegImage": b64(jpeg[:len(jpeg) // 2])}, "jpeg_image"),
        ("corrupt PNG", {"pngImage": b64(png[:40] + bytes(200) + png[240:])}, "png_image"),
        ("random bytes as JPEG", {"jpegImage": b64(bytes(range(256)) * 4)}, "jpeg_image"),
        ("a JPEG sent as PNG", {"pngImage": b64(jpeg)}, "png_image"),
        ("PNG bomb", {"pngImage": b64(png_claiming(100_000, 100_000))}, "pixel"),
        ("JPEG bomb", {"jpegImage": b64(jpeg_claiming(65_000, 65_000))}, "pixel"),
        ("raw zero width", {"rawImage": {**raw, "width": 0, "pixels": ""}}, "raw_image.width"),
        ("raw huge", {"rawImage": {**raw, "width": 100_000, "height": 100_000}}, "pixel limit"),
        ("raw short", {"rawImage": {**raw, "pixels": b64(image.tobytes()[:-1])}}, "raw_image.pixels"),
        ("raw long", {"rawImage": {**raw, "pixels": b64(image.tobytes() + b"x")}}, "raw_image.pixels"),
        ("raw 2 channels", {"rawImage": {**raw, "channels": 2}}, "raw_image.channels"),
        ("embedding too short", {"embedding": {"values": [0.1] * 63}}, "embedding"),
        ("embedding too long", {"embedding": {"values": [0.1] * 65}}, "embedding"),
        ("embedding NaN", {"embedding": {"values": [0.1] * 63 + ["NaN"]}}, "embedding"),
        ("embedding zero", {"embedding": {"values": [0.0] * 64}}, "embedding"),
        ("no query", {"limit": 5}, "query"),
        ("unknown category", {"pngImage": b64(png), "categories": ["Hat"]}, "categories"),
        ("limit too large", {"pngImage": b64(png), "limit": 1001}, "limit"),
        ("negative nprobe", {"pngImage": b64(png), "nprobe": -1}, "nprobe"),
    ]


@pytest.mark.parametrize("case", range(20))
def test_hostile_input_is_invalid_argument(api, test_images, served, case):
    name, body, field = hostile_requests(test_images[0][0])[case]
    with pytest.raises(grpc.RpcError) as error:
        api(body)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, error.value.details())
    assert field in error.value.details(), (name, error.value.details())
    served.assert_alive()


def test_unknown_pinned_version_is_not_found(api, test_images):
    with pytest.raises(grpc.RpcError) as error:
        api({"pngImage": b64(encoded(test_images[0][0], "PNG")), "modelVersion": "99"})
    assert error.value.code() == grpc.StatusCode.NOT_FOUND, error.value.details()
