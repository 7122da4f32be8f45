"""Retrieval quality: precision@k (same category) of test queries against the training catalogue.

Queries run in chunks (a 10,000 × 60,000 score matrix does not fit comfortably in memory). The
served search is simulated with the Swift VectorIndex's arithmetic (docs/model-format.md, "Vector
index"): the query is rotated (when the index has `P.rotation`), quantized per row and scored against the INT8 rows in int32 (int8_linear);
IVF first scores the quantized query against the quantized centroids and scans only the `nprobe`
best lists; the best k + max(k, 16) candidates are re-scored with the FP32 query against the
dequantized INT8 rows, and the best k returned.
"""
import numpy as np

from quantize_lib.quantization import quantize_rows

from .int8_math import linear as int8_linear

CHUNK = 500


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores per row, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def precision_at_k(neighbours: np.ndarray, catalogue_labels: np.ndarray, query_labels: np.ndarray) -> float:
    return float((catalogue_labels[neighbours] == query_labels[:, None]).mean())


def search(queries: np.ndarray, searcher, k: int) -> np.ndarray:
    """Top-k catalogue rows of every query; searcher(chunk of queries, k) → rows [m, k]."""
    return np.concatenate([searcher(queries[i:i + CHUNK], k) for i in range(0, len(queries), CHUNK)])


def cosine_searcher(catalogue: np.ndarray):
    """FP32 exact search over unit vectors."""
    return lambda q, k: top_k(q @ catalogue.T, k)


def l2_pixel_searcher(catalogue_pixels: np.ndarray):
    """Raw-pixel L2 kNN baseline: largest −‖q − x‖² (up to a per-query constant)."""
    catalogue = catalogue_pixels.reshape(len(catalogue_pixels), -1).astype(np.float32)
    squared = (catalogue ** 2).sum(axis=1)
    return lambda q, k: top_k(2 * (q.reshape(len(q), -1) @ catalogue.T) - squared[None, :], k)


class IndexSearcher:
    """The served VectorIndex search over published index tensors under `prefix` (exact, or IVF
    with `nprobe` lists)."""

    def __init__(self, tensors: dict, prefix: str, nprobe=None):
        self.vectors = tensors[f"{prefix}.vectors"]
        self.scales = tensors[f"{prefix}.vectors.scale"]
        self.dequantized = self.vectors.astype(np.float32) * self.scales[:, None]
        self.nprobe = nprobe
        self.rotation = tensors.get(f"{prefix}.rotation")
        if nprobe is not None:
            self.centroids_q, self.centroid_scales = quantize_rows(tensors[f"{prefix}.ivf.centroids"])
            offsets = tensors[f"{prefix}.ivf.list_offsets"]
            rows = tensors[f"{prefix}.ivf.rows"]
            self.list_of_row = np.empty(len(rows), np.int64)
            for list_index in range(len(offsets) - 1):
                self.list_of_row[rows[offsets[list_index]:offsets[list_index + 1]]] = list_index

    def int8_scores(self, q: np.ndarray) -> np.ndarray:
        scores = int8_linear(q, self.vectors, self.scales)
        if self.nprobe is None:
            return scores
        coarse = int8_linear(q, self.centroids_q, self.centroid_scales)
        probed = top_k(coarse, self.nprobe)
        allowed = np.zeros(coarse.shape, dtype=bool)
        np.put_along_axis(allowed, probed, True, axis=1)
        return np.where(allowed[:, self.list_of_row], scores, -np.inf)

    def similarities(self, q: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """FP32 re-scoring: q · dequantized row / ‖q‖ for rows [m, r] (q already rotated)."""
        unit = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        return np.einsum("md,mrd->mr", unit, self.dequantized[rows])

    def rotated(self, q: np.ndarray) -> np.ndarray:
        return q if self.rotation is None else (q @ self.rotation.T).astype(np.float32)

    def __call__(self, q: np.ndarray, k: int) -> np.ndarray:
        q = self.rotated(q)
        candidates = top_k(self.int8_scores(q), k + max(k, 16))
        rescored = self.similarities(q, candidates)
        order = np.argsort(-rescored, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(candidates, order, axis=1)
