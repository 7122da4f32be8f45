"""Fashion-MNIST from the Debian package `dataset-fashion-mnist` (gzip'd IDX files, read with numpy).

70,000 real Zalando product images, 28×28 gray, light object on a dark background; 60,000 train
(the catalogue) and 10,000 test (the queries).
"""
import gzip
import os

import numpy as np

DATA_DIRECTORY = "/usr/share/datasets/fashion-mnist"

#: Category names in label order (the names image_search_service.proto documents).
CATEGORIES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
              "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """Reads one (gzip'd) IDX file: magic 0x0000 TT DD, DD big-endian u32 dimensions, then the data."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        raw = file.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path}: not an IDX file")
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * dims)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {data.size} values, header says {shape}")
    return data.reshape(shape)


def load_split(split: str, directory: str = DATA_DIRECTORY):
    """(images uint8 [N, 28, 28], labels int64 [N]) for split 'train' or 't10k'."""
    images = read_idx(os.path.join(directory, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError(f"{directory}: {split} images {images.shape} and labels {labels.shape} disagree")
    return images, labels
