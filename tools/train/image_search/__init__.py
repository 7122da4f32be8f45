"""ImageSearch: a small CNN embedding of Fashion-MNIST product images + an INT8 vector index.

    .venv/bin/python tools/train/run image_search [--epochs 3] [--checkpoint FILE] [--no-publish]

Trains the embedding CNN (network.py) on the 60,000 training images with a normalised-softmax
objective (training.py), publishes it with tools/quantize as models/image_search/<version>/
together with the INT8 catalogue index over the training images (item id = image index,
category = label; exact + IVF lists), and prints precision@10 (same category) of the 10,000 test
images: INT8 served path vs FP32, exact vs IVF, against raw-pixel L2 kNN.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from safetensors.numpy import load_file, save_file

from train.common.export import publish
from train.common.vector_index import build_index_tensors, index_keep_fp32

from . import bench_queries, data, evaluation, fixtures, network, training

NAME = "image_search"
KIND = "image_search.cnn"
PREFIX = "catalogue"
K = 10


def parse(argv):
    parser = argparse.ArgumentParser(prog="tools/train/run image_search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--channels", type=int, nargs=2, default=[16, 32], metavar=("C1", "C2"))
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--dimension", type=int, default=64)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--scale", type=float, default=16.0, help="normalised-softmax scale")
    parser.add_argument("--margin", type=float, default=0.2, help="CosFace margin")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ivf-lists", type=int, default=64)
    parser.add_argument("--nprobe", type=int, default=8, help="default IVF lists scanned per query")
    parser.add_argument("--checkpoint", help="FP32 parameters: loaded if the file exists (no training), else written")
    parser.add_argument("--version", type=int, default=1)
    parser.add_argument("--models-root", help="model repository (default: the project's models/)")
    parser.add_argument("--no-publish", action="store_true", help="train and evaluate FP32 only")
    parser.add_argument("--no-baseline", action="store_true", help="skip the raw-pixel kNN baseline")
    return parser.parse_args(argv)


def config(args, c1, c2) -> dict:
    return {
        "description": "Fashion-MNIST product image search: CNN embedding (INT8) + INT8 vector index",
        "architecture": {
            "input": {"height": 28, "width": 28, "channels": 1,
                      "preprocessing": "tools/train/image_search/preprocess.py (BT.601 gray, polarity, "
                                       "letterbox, area resize, /255)"},
            "conv": [{"prefix": "conv1", "kernel": 3, "padding": 1, "out_channels": c1, "pool": 2},
                     {"prefix": "conv2", "kernel": 3, "padding": 1, "out_channels": c2, "pool": 2}],
            "mlp": [{"prefix": "fc1", "activation": "relu"}, {"prefix": "fc2", "activation": "none"}],
            "embedding_dimension": args.dimension,
            "index": {"prefix": PREFIX, "default_mode": "exact", "default_nprobe": args.nprobe,
                      "categories": data.CATEGORIES},
        },
        "inputs": [{"name": "image", "dtype": "F32", "shape": [-1, 784]}],
        "outputs": [{"name": "embedding", "dtype": "F32", "shape": [-1, args.dimension]}],
        "batching": {"max_batch_rows": 32, "max_queue_delay_us": 0},
    }


def precision_report(name: str, neighbours, catalogue_labels, query_labels) -> float:
    value = evaluation.precision_at_k(neighbours, catalogue_labels, query_labels)
    print(f"  {name:<34} precision@{K} = {value:.4f}")
    return value


def main(argv) -> int:
    args = parse(argv)
    started = time.time()
    train_images, train_labels = data.load_split("train")
    test_images, test_labels = data.load_split("t10k")
    x_train = train_images.astype(np.float32) / 255
    x_test = test_images.astype(np.float32) / 255       # preprocess.model_input is the identity on 28×28 data

    if args.checkpoint and os.path.exists(args.checkpoint):
        params = load_file(args.checkpoint)
        print(f"image_search: loaded FP32 parameters from {args.checkpoint}")
    else:
        c1, c2 = args.channels
        print(f"image_search: training CNN conv {c1}/{c2}, fc {args.hidden}→{args.dimension}, {args.epochs} epochs")
        params = training.train(x_train, train_labels, c1=c1, c2=c2, hidden=args.hidden, dimension=args.dimension,
                                epochs=args.epochs, batch=args.batch, lr=args.lr, scale=args.scale,
                                margin=args.margin, seed=args.seed)
        if args.checkpoint:
            save_file(params, args.checkpoint)
    c1, c2 = params["conv1.weight"].shape[0], params["conv2.weight"].shape[0]

    print("image_search: precision on the 10,000 test images against the 60,000-image catalogue")
    fp32_catalogue = network.embed_fp32(params, x_train)
    fp32_queries = network.embed_fp32(params, x_test)
    fp32 = precision_report("FP32 exact", evaluation.search(fp32_queries, evaluation.cosine_searcher(fp32_catalogue), K),
                            train_labels, test_labels)
    results = {"fp32_exact": fp32}
    if not args.no_baseline:
        results["raw_pixel_l2"] = precision_report(
            "raw-pixel L2 kNN (baseline)", evaluation.search(x_test, evaluation.l2_pixel_searcher(x_train), K),
            train_labels, test_labels)
    if args.no_publish:
        return 0

    # The served tensors (what tools/quantize writes) and the catalogue index, which holds the INT8
    # served-path embeddings of the catalogue images.
    served = network.quantized(params)
    int8_catalogue = network.embed_int8(served, x_train)
    index_tensors = build_index_tensors(int8_catalogue, PREFIX, categories=train_labels, ivf_lists=args.ivf_lists,
                                        seed=args.seed)
    served.update(index_tensors)
    int8_queries = network.embed_int8(served, x_test)
    exact = evaluation.IndexSearcher(served, PREFIX)
    exact_neighbours = evaluation.search(int8_queries, exact, K)
    int8_exact = precision_report("INT8 served path, exact", exact_neighbours, train_labels, test_labels)
    ivf = evaluation.IndexSearcher(served, PREFIX, nprobe=args.nprobe)
    int8_ivf = precision_report(f"INT8 served path, IVF nprobe {args.nprobe}/{args.ivf_lists}",
                                evaluation.search(int8_queries, ivf, K), train_labels, test_labels)
    top1 = float((train_labels[exact_neighbours[:, 0]] == test_labels).mean())
    print(f"  {'INT8 exact, top-1 category agreement':<34} {top1:.4f}")
    results.update(int8_exact=int8_exact, int8_ivf=int8_ivf, top1_agreement=top1)
    bars = {
        "INT8 exact >= 0.88": int8_exact >= 0.88,
        "INT8 within 0.5 points of FP32": abs(fp32 - int8_exact) <= 0.005,
        "IVF within 1 point of exact": int8_exact - int8_ivf <= 0.01,
    }
    for bar, ok in bars.items():
        print(f"  bar {bar}: {'met' if ok else 'MISSED'}")

    settings = config(args, c1, c2)
    settings["architecture"]["evaluation"] = {
        "test_images": int(len(test_labels)), "k": K, **{key: round(value, 4) for key, value in results.items()}}
    options = {"models_root": args.models_root} if args.models_root else {}
    directory, published = publish(NAME, {**params, **index_tensors}, kind=KIND, config=settings,
                                   keep_fp32=index_keep_fp32(PREFIX), version=args.version, replace=True,
                                   side_files={bench_queries.FILE_NAME: bench_queries.queries_json(test_images)},
                                   **options)
    for name, value in served.items():       # what was evaluated is what was published
        if not np.array_equal(published[name], value):
            raise RuntimeError(f"published tensor {name} differs from the evaluated one")

    sample = np.arange(0, 10000, 1000)
    matches = evaluation.search(int8_queries[sample], exact, K)
    similarities = exact.similarities(exact.rotated(int8_queries[sample]), matches)
    fixtures.write_embedding_fixtures(x_test[sample], test_labels[sample], int8_queries[sample], matches, similarities)
    fixtures.write_preprocessing_fixtures(test_images)
    size = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
    print(f"image_search: published {directory} ({size / 1e6:.1f} MB) in {time.time() - started:.0f} s; "
          f"{json.dumps({k: round(v, 4) for k, v in results.items()})}")
    return 0 if all(bars.values()) else 1
