"""`queries.json`, the side file `shopctl bench -w image_search` draws requests from
(docs/shopctl-bench.md): real test images as the service receives them, PNG and JPEG bytes
(base64, proto3 JSON field names), encoded with Pillow."""
import base64
import io
import json

import numpy as np

FILE_NAME = "queries.json"


def queries_json(test_images: np.ndarray, count: int = 200, jpeg_every: int = 4) -> str:
    """JSON array of `count` query objects from evenly spaced test images; every `jpeg_every`-th is JPEG."""
    from PIL import Image
    queries = []
    for n, i in enumerate(np.linspace(0, len(test_images) - 1, count).astype(int)):
        buffer = io.BytesIO()
        jpeg = n % jpeg_every == jpeg_every - 1
        Image.fromarray(test_images[i]).save(buffer, format="JPEG" if jpeg else "PNG", **({"quality": 90} if jpeg else {}))
        field = "jpeg_image" if jpeg else "png_image"
        queries.append({field: base64.b64encode(buffer.getvalue()).decode("ascii")})
    return json.dumps(queries)
