#!/usr/bin/env python3
"""Vector search: ShopServe's INT8 VectorIndex (Benchmarks/VectorSearchBench) against faiss-cpu on
the same data in the same run (run it through tools/bench-vector-search.sh, which pins one core).

Datasets
  synthetic  N x 64 (default 1M), 4,096 clusters with heavy noise (each point = unit centre + a
             gaussian of 1.35x its norm, then normalized: the true top-10 spread over ~100+ clusters,
             so faiss IVF needs nprobe ~128+ for recall 0.95), fixed seed; queries drawn the same way.
  fashion    Fashion-MNIST (/usr/share/datasets/fashion-mnist): the 60,000 training images are the
             catalogue, test images the queries; vectors = PCA-64 of the pixels (fit on the training
             images, centred), normalized.
  fashion-cnn  the served image_search catalogue (models/image_search/1, 60,000 CNN embeddings):
             catalogue = its stored rows dequantized and un-rotated (what the served index holds),
             queries = the served INT8 CNN's embeddings of the test images (~1 CPU s).
Ground truth = exact FP32 inner-product top-10 (faiss IndexFlatIP). Throughput = queries per CPU
second of the one search thread (faiss with omp 1 thread), i.e. queries/s per core, robust to other
processes sharing the machine. IVF: both sides train k-means on the same number of sampled points
(40 per list) and sweep nprobe finely (every nprobe up to 8 on the 60k sets); "at equal recall"
compares each INT8 setting with the fastest faiss setting whose recall is at least as high. Our
index runs twice: INT8 only (rotated, as the served indexes), and "+i16 norot" (an INT16 copy of
the rows re-scores each query's shortlist, VectorIndex(..., rotate: false, fineVectors: true): with
INT16 re-scoring the rotation is not needed for recall and its d² multiply-adds per query go). Our batch = all queries in one call, as faiss gets
them (--batch to change).
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"
K = 10


def normalize(x):
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def synthetic(count, queries, dim=64, clusters=4096, noise=1.35, seed=0):
    rng = np.random.default_rng(seed)
    centres = normalize(rng.standard_normal((clusters, dim), dtype=np.float32))

    def draw(n):
        jitter = rng.standard_normal((n, dim), dtype=np.float32) * np.float32(noise / np.sqrt(dim))
        return normalize(centres[rng.integers(0, clusters, n)] + jitter)
    return draw(count), draw(queries)


def idx_images(name):
    with gzip.open(os.path.join(FASHION, name)) as file:
        data = file.read()
    count, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols).astype(np.float32) / 255


def fashion(queries, dim=64):
    train, test = idx_images("train-images-idx3-ubyte.gz"), idx_images("t10k-images-idx3-ubyte.gz")
    mean = train.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov((train - mean).T))
    components = vectors[:, ::-1][:, :dim].astype(np.float32)
    return normalize((train - mean) @ components), normalize((test[:queries] - mean) @ components)


def fashion_cnn(queries, model="models/image_search/1"):
    from safetensors.numpy import load_file
    sys.path[:0] = ["tools", "tools/quantize"]
    from train.image_search import data, network
    tensors = load_file(os.path.join(model, "model.safetensors"))
    stored = tensors["catalogue.vectors"].astype(np.float32) * tensors["catalogue.vectors.scale"][:, None]
    test, _ = data.load_split("t10k")
    embedded = network.embed_int8(tensors, test[:queries].astype(np.float32) / 255)
    return normalize(stored @ tensors["catalogue.rotation"]), normalize(embedded)


def cpu_rate(count, fn, repeats):
    """Best queries per CPU second over `repeats` runs of fn() (which searches `count` queries)."""
    best, result = 0.0, None
    for _ in range(repeats):
        start = time.process_time()
        result = fn()
        best = max(best, count / max(time.process_time() - start, 1e-9))
    return best, result


def recall(found, truth):
    return float(np.mean([len(set(f[f >= 0]) & set(t)) / len(t) for f, t in zip(found, truth)]))


def faiss_runs(faiss, base, queries, lists, nprobes, repeats, flat_repeats):
    rows, dim = base.shape
    flat = faiss.IndexFlatIP(dim)
    flat.add(base)
    qps, (_, truth) = cpu_rate(len(queries), lambda: flat.search(queries, K), flat_repeats)
    results = [{"method": "faiss IndexFlatIP", "recall": 1.0, "qps": qps}]
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10
    sample = base[np.random.default_rng(1).choice(rows, size=min(rows, 40 * lists), replace=False)]
    start = time.process_time()
    ivf.train(sample)
    ivf.add(base)
    results.append({"method": "faiss build", "seconds": time.process_time() - start})
    for nprobe in nprobes:
        ivf.nprobe = nprobe
        qps, (_, found) = cpu_rate(len(queries), lambda: ivf.search(queries, K), repeats)
        results.append({"method": "faiss IndexIVFFlat", "nprobe": nprobe, "recall": recall(found, truth), "qps": qps})
    return truth, results


def swift_runs(bench, label, base, queries, truth, lists, nprobes, repeats, batch, variants):
    with tempfile.TemporaryDirectory(prefix="vector-search-") as scratch:
        paths = {name: os.path.join(scratch, name) for name in ("base.f32", "queries.f32", "truth.i64")}
        base.astype(np.float32).tofile(paths["base.f32"])
        queries.astype(np.float32).tofile(paths["queries.f32"])
        truth.astype(np.int64).tofile(paths["truth.i64"])
        command = [bench, "--label", label, "--base", paths["base.f32"], "--queries", paths["queries.f32"],
                   "--truth", paths["truth.i64"], "--dim", str(base.shape[1]), "--k", str(K), "--lists", str(lists),
                   "--sample", str(40 * lists), "--iterations", "10", "--repeats", str(repeats),
                   "--nprobe", ",".join(map(str, nprobes)), "--batch", str(batch)]
        rows = []
        for extra in variants:
            output = subprocess.run(command + extra, check=True, capture_output=True, text=True).stdout
            rows += [json.loads(line[len("RESULT "):]) for line in output.splitlines() if line.startswith("RESULT ")]
    return rows


def table(label, rows):
    faiss_flat = next(r["qps"] for r in rows if r["method"] == "faiss IndexFlatIP")
    faiss_ivf = [r for r in rows if r["method"] == "faiss IndexIVFFlat"]
    print(f"{'dataset':11} {'method':22} {'nprobe':>6} {'recall@10':>9} {'queries/s/core':>14} {'ratio vs faiss':>15}")
    for r in rows:
        if "qps" not in r:
            print(f"{label:11} {r['method']:22} {'':>6} {'':>9} {'':>14} {'':>15}   build {r['seconds']:.1f} CPU s")
            continue
        ratio = ""
        if r["method"].startswith(("int8 exact", "int8 gemm only")):
            ratio = f"{r['qps'] / faiss_flat:.1f}x flat"
        elif r["method"].startswith("int8 ivf"):
            peers = [f for f in faiss_ivf if f["recall"] >= r["recall"]]
            ratio = f"{r['qps'] / max(f['qps'] for f in peers):.1f}x ivf" if peers else "(faiss < recall)"
        recall_text = f"{r['recall']:.4f}" if "recall" in r else ""
        print(f"{label:11} {r['method']:22} {str(r.get('nprobe', '')):>6} {recall_text:>9} {r['qps']:14.1f} {ratio:>15}")


def summary(label, rows, target, variant=""):
    flat = next(r["qps"] for r in rows if r["method"] == "faiss IndexFlatIP")
    exact = next((r for r in rows if r["method"] == "int8 exact" + variant), None)
    if exact is None:
        return
    line = f"{label}: int8{variant} exact {exact['qps'] / flat:.1f}x faiss IndexFlatIP (recall {exact['recall']:.4f})"
    ours = [r for r in rows if r["method"] == "int8 ivf" + variant and r["recall"] >= target]
    theirs = [r for r in rows if r["method"] == "faiss IndexIVFFlat" and r["recall"] >= target]
    if ours and theirs:
        best_ours, best_theirs = max(ours, key=lambda r: r["qps"]), max(theirs, key=lambda r: r["qps"])
        line += (f"; at recall@10 >= {target}: int8{variant} IVF {best_ours['qps']:.0f} q/s (nprobe {best_ours['nprobe']}, "
                 f"recall {best_ours['recall']:.4f}) vs faiss IVFFlat {best_theirs['qps']:.0f} q/s (nprobe "
                 f"{best_theirs['nprobe']}, recall {best_theirs['recall']:.4f}) = {best_ours['qps'] / best_theirs['qps']:.1f}x")
    else:
        line += f"; recall@10 >= {target} not reached by {'int8 IVF' if not ours else 'faiss IVFFlat'} in the sweep"
    print(line)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True, help="the VectorSearchBench executable (release build)")
    parser.add_argument("--datasets", default="synthetic,fashion,fashion-cnn")
    parser.add_argument("--count", type=int, default=1_000_000, help="synthetic catalogue size")
    parser.add_argument("--noise", type=float, default=1.35, help="synthetic noise norm / centre norm")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="alternating faiss / ours rounds on the 60k sets")
    parser.add_argument("--batch", type=int, default=0, help="queries per VectorIndex.search call (0: all)")
    parser.add_argument("--variants", default="int8,i16", help="int8 (INT8 only), i16 (INT16 re-scoring rows)")
    parser.add_argument("--quick", action="store_true", help="100k synthetic vectors, 300 queries, one repeat")
    parser.add_argument("--json", help="also write every result to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.queries, args.repeats = 100_000, 300, 1
    import faiss
    faiss.omp_set_num_threads(1)
    everything = []
    for label in args.datasets.split(","):
        if label == "synthetic":
            base, queries = synthetic(args.count, args.queries, noise=args.noise)
            lists = 4096 if args.count >= 500_000 else 1024
            nprobes = ([32, 48, 64, 96, 128, 160, 192, 256, 384, 512, 768, 1024] if lists == 4096
                       else [8, 12, 16, 24, 32, 48, 64, 128, 256])
        elif label in ("fashion", "fashion-cnn"):
            base, queries = fashion(args.queries) if label == "fashion" else fashion_cnn(args.queries)
            lists, nprobes = 256, [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32]
        else:
            sys.exit(f"unknown dataset {label}")
        print(f"== {label}: {base.shape[0]} x {base.shape[1]}, {len(queries)} queries, IVF {lists} lists", flush=True)
        variants = [{"int8": [], "i16": ["--fine", "--no-rotate"]}[v] for v in args.variants.split(",")]
        # Small sets: more repeats, and both sides measured in alternating rounds (best of each row
        # kept), so a busy spell on a shared machine does not land on one side only.
        small = len(base) <= 100_000
        repeats, rounds = (max(args.repeats, 5), args.rounds) if small else (args.repeats, 1)
        best = {}
        for _ in range(rounds):
            truth, faiss_rows = faiss_runs(faiss, base, queries, lists, nprobes, repeats, 1)
            swift_rows = swift_runs(args.bench, label, base, queries, truth, lists, nprobes, repeats,
                                    args.batch or len(queries), variants)
            for r in faiss_rows + swift_rows:
                key = (r["method"], r.get("nprobe"))
                if key not in best or r.get("qps", 0) > best[key].get("qps", 0):
                    best[key] = r
        rows = list(best.values())
        table(label, rows)
        for variant in ("", " +i16 norot"):
            summary(label, rows, 0.95, variant)
        everything += [dict(r, dataset=label) for r in rows]
        print(flush=True)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(everything, file, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
