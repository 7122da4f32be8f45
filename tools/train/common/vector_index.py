"""Vector index tensors for ShopServe's INT8 VectorIndex (docs/model-format.md, "Vector index").

`build_index_tensors` turns FP32 embeddings into the tensors the Swift `VectorIndex` loads: every
row L2-normalized (similarity = inner product = cosine), rotated by a seeded random orthogonal
matrix (stored as `P.rotation`; inner products are unchanged, but the energy is spread over the
dimensions so the per-row INT8 scale loses less), and quantized per row to INT8 with the project's
quantizer; optional external ids and categories, and optional IVF lists from a seeded spherical
k-means in numpy. Training scripts merge the returned dict into the tensors they publish:

    tensors.update(build_index_tensors(item_embeddings, "items", ids=item_ids, ivf_lists=64))
    publish(name, tensors, kind=..., config=..., keep_fp32=index_keep_fp32("items"))

The INT8 tensors pass through tools/quantize unchanged (integer tensors are copied; the 1-D F32
scales stay F32). The 2-D F32 rotation and IVF centroids would be quantized like weights unless
kept: `index_keep_fp32(prefix)` gives the --keep-fp32 globs (required for the rotation, which the
Swift loader checks for orthogonality; the loader does accept quantized centroids, I8 + `.scale`).
"""
import numpy as np

from quantize_lib.quantization import quantize_rows


def normalize_rows(vectors) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1)).astype(np.float32)


def random_rotation(dimension: int, seed: int = 0) -> np.ndarray:
    """A seeded random orthogonal matrix [d, d] (QR of a gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(np.random.default_rng([seed, 0x524F54]).standard_normal((dimension, dimension)))
    return (q * np.sign(np.diag(r))).astype(np.float32)


def _assign(vectors: np.ndarray, centroids: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Index of the centroid of largest inner product for every row (first on ties)."""
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), chunk):
        out[start:start + chunk] = np.argmax(vectors[start:start + chunk] @ centroids.T, axis=1)
    return out


def spherical_kmeans(vectors: np.ndarray, lists: int, *, iterations: int = 10, sample_size=None, seed: int = 0):
    """Unit-length centroids [lists, d] trained on a seeded sample of unit-length `vectors`, and the
    list of every row. An empty list is re-seeded with a random sampled vector."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    lists = max(1, min(lists, n))
    sample_count = min(n, sample_size or 40 * lists)
    sample = vectors[rng.choice(n, size=sample_count, replace=False)] if n else vectors
    centroids = sample[:lists].copy() if n else np.zeros((1, vectors.shape[1]), np.float32)
    for _ in range(iterations if n else 0):
        assignment = _assign(sample, centroids)
        sums = np.zeros_like(centroids, dtype=np.float64)
        np.add.at(sums, assignment, sample)
        empty = np.bincount(assignment, minlength=lists) == 0
        if empty.any():
            sums[empty] = sample[rng.integers(0, sample_count, size=int(empty.sum()))]
        centroids = normalize_rows(sums)
    return centroids.astype(np.float32), _assign(vectors, centroids) if n else np.zeros(0, np.int64)


def quantize_rows_int16(vectors: np.ndarray):
    """Per-row symmetric INT16 (scale = max|row| / 32767, round to nearest; a zero row gets scale 0):
    the `P.fine_vectors` rows the Swift index re-scores each query's shortlist with."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scale = (np.abs(vectors).max(axis=1) / np.float32(32767)).astype(np.float32) if vectors.size else \
        np.zeros(len(vectors), np.float32)
    inverse = np.where(scale > 0, 1 / np.where(scale > 0, scale, 1), 0).astype(np.float32)
    q = np.clip(np.round(vectors * inverse[:, None]), -32767, 32767).astype(np.int16)
    return q, scale


def build_index_tensors(vectors_fp32, prefix: str, ids=None, categories=None, ivf_lists=None, seed: int = 0,
                        iterations: int = 10, sample_size=None, rotate: bool = True, fine_vectors: bool = False) -> dict:
    """The tensors of a vector index over `vectors_fp32` [n, d] under `prefix`, as numpy arrays.

    - `P.vectors` I8 [n, d] + `P.vectors.scale` F32 [n]: normalized (and rotated) rows quantized per row.
    - `P.rotation` F32 [d, d] (unless rotate=False): the orthogonal R; a stored row is R·v.
    - with `fine_vectors`: `P.fine_vectors` I16 [n, d] + `P.fine_vectors.scale` F32 [n], the same rows
      quantized to INT16; the index re-scores each query's shortlist with them (recall against FP32
      no longer capped by INT8 rounding; 2·d bytes per row).
    - `P.ids` I64 [n] (if `ids` is given; the default id is the row), `P.categories` I32 [n] (if given).
    - with `ivf_lists`: `P.ivf.centroids` F32 [C, d], `P.ivf.list_offsets` I64 [C+1], `P.ivf.rows`
      I64 [n] (flat row of each entry in list order, ascending inside a list), and `P.ivf.vectors`
      I8 [n, d] + `P.ivf.vectors.scale` F32 [n] (the same rows in list order).
    """
    vectors = np.asarray(vectors_fp32, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[1] < 1:
        raise ValueError(f"vectors must be [n, d] with d >= 1, got shape {list(vectors.shape)}")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors contain NaN or infinity")
    n = len(vectors)
    unit = normalize_rows(vectors)
    tensors = {}
    if rotate:
        rotation = random_rotation(vectors.shape[1], seed)
        unit = (unit @ rotation.T).astype(np.float32)
        tensors[f"{prefix}.rotation"] = rotation
    q, scale = quantize_rows(unit)
    tensors.update({f"{prefix}.vectors": q, f"{prefix}.vectors.scale": scale})
    if fine_vectors:
        fine, fine_scale = quantize_rows_int16(unit)
        tensors.update({f"{prefix}.fine_vectors": fine, f"{prefix}.fine_vectors.scale": fine_scale})
    if ids is not None:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.shape != (n,):
            raise ValueError(f"ids must have shape [{n}], got {list(ids.shape)}")
        tensors[f"{prefix}.ids"] = ids
    if categories is not None:
        categories = np.asarray(categories)
        if categories.shape != (n,) or not np.issubdtype(categories.dtype, np.integer):
            raise ValueError(f"categories must be integers of shape [{n}], got {categories.dtype} {list(categories.shape)}")
        if n and (categories.min() < np.iinfo(np.int32).min or categories.max() > np.iinfo(np.int32).max):
            raise ValueError("categories must fit in int32")
        tensors[f"{prefix}.categories"] = categories.astype(np.int32)
    if ivf_lists:
        centroids, assignment = spherical_kmeans(unit, int(ivf_lists), iterations=iterations,
                                                 sample_size=sample_size, seed=seed)
        rows = np.argsort(assignment, kind="stable").astype(np.int64)
        counts = np.bincount(assignment, minlength=len(centroids))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        tensors.update({
            f"{prefix}.ivf.centroids": centroids,
            f"{prefix}.ivf.list_offsets": offsets,
            f"{prefix}.ivf.rows": rows,
            f"{prefix}.ivf.vectors": np.ascontiguousarray(q[rows]),
            f"{prefix}.ivf.vectors.scale": np.ascontiguousarray(scale[rows]),
        })
    return tensors


def index_keep_fp32(prefix: str) -> list:
    """tools/quantize --keep-fp32 globs that keep an index's rotation and IVF centroids in F32
    (pass as publish(keep_fp32=...)); both are 2-D F32 and would otherwise be quantized."""
    return [f"{prefix}.rotation", f"{prefix}.ivf.centroids"]


def exact_top_k(tensors: dict, prefix: str, queries, k: int) -> np.ndarray:
    """Reference search in numpy: FP32 queries · dequantized rows (the INT16 `P.fine_vectors` if present,
    else the INT8 `P.vectors`), rows [m, k]."""
    stored = f"{prefix}.fine_vectors" if f"{prefix}.fine_vectors" in tensors else f"{prefix}.vectors"
    rows = tensors[stored].astype(np.float32) * tensors[f"{stored}.scale"][:, None]
    queries = normalize_rows(np.atleast_2d(queries))
    if f"{prefix}.rotation" in tensors:
        queries = queries @ tensors[f"{prefix}.rotation"].T
    scores = queries @ rows.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]
