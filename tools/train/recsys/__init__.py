"""recsys: trains, evaluates and publishes the Recall and Rank models on MovieLens 100k.

    .venv/bin/python tools/train/run recsys [--seed N] [--no-publish] [--quick]

Prints the held-out metrics table (channels, merged, baselines, FP32 vs INT8), checks the bars of
issue 6 and publishes models/recall/1 and models/rank/1 (plus the Swift test fixtures).
"""
import argparse
import time

import numpy as np

from . import channels, fixtures, publishing, rank_data, rank_model, two_tower
from .data import load_movielens, popularity, temporal_split
from .int8 import Fp32Weights, Int8Weights
from .recall_eval import RecallModel, evaluate


def parse(argv):
    parser = argparse.ArgumentParser(prog="tools/train/run recsys", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-publish", action="store_true", help="evaluate only, write nothing")
    parser.add_argument("--quick", action="store_true", help="one epoch each, nothing published (smoke run)")
    parser.add_argument("--only", choices=["recall", "rank"], help="train one of the two models")
    return parser.parse_args(argv)


def main(argv) -> int:
    args = parse(argv)
    args.no_publish |= args.quick
    started = time.process_time()
    catalogue, users = load_movielens()
    split = temporal_split(users)
    counts = popularity(split, catalogue.count)
    print(f"MovieLens: {len(users)} users, {catalogue.count} items; "
          f"{sum(len(u.items) for u in split.train)} training events, {sum(len(u.items) for u in split.test)} held out")
    passed = True
    if args.only in (None, "recall"):
        recall = train_recall(split, catalogue, counts, np.random.default_rng(args.seed), args)
        passed &= check_recall_bars(*recall[-2:])
        if not args.no_publish:
            publish_recall_model(recall, split, catalogue, users)
    if args.only in (None, "rank"):
        rank = train_rank(split, catalogue, counts, np.random.default_rng(args.seed + 1), args)
        passed &= check_rank_bars(rank[2])
        if not args.no_publish:
            publish_rank_model(rank, split, catalogue)
    print("all bars met" if passed else "SOME BARS MISSED (see above)")
    print(f"CPU time {time.process_time() - started:.0f} s")
    return 0


def train_recall(split, catalogue, counts, rng, args):
    tensors = two_tower.train(split, catalogue.count, counts, rng, epochs=1 if args.quick else 4)
    neighbours, neighbour_weights = channels.cooccurrence_neighbours(split, catalogue.count)
    hot, as_of = channels.hot_scores(split, catalogue.count)
    cold = channels.cold_start_tables(split, counts)
    knn = dict(channels.item_knn_scores(split, catalogue.count))
    knn = np.stack([knn[k] for k in range(len(split.train))])
    fp32 = RecallModel(Fp32Weights(tensors), two_tower.item_vectors(tensors), neighbours, neighbour_weights,
                       hot, cold, catalogue.count)
    result_fp32 = evaluate(fp32, split, counts, knn, int8=False)
    from quantize_lib.quantization import dequantize_rows, quantize_rows
    q8 = Int8Weights(tensors, two_tower.TENSORS)
    q_weights = dequantize_rows(*quantize_rows(neighbour_weights))
    int8 = RecallModel(q8, quantize_rows(two_tower.item_vectors(tensors)), neighbours, q_weights, hot, cold,
                       catalogue.count)
    result_int8 = evaluate(int8, split, counts, None, int8=True)
    print(f"{'Recall':40s} {'@50 fp32':>9s} {'@200 fp32':>10s} {'@50 int8':>9s} {'@200 int8':>10s}")
    for name, values in result_fp32.items():
        q = result_int8.get(name, {})
        print(f"{name:40s} {values[50]:9.4f} {values[200]:10.4f} {q.get(50, float('nan')):9.4f} {q.get(200, float('nan')):10.4f}")
    return tensors, neighbours, neighbour_weights, hot, as_of, cold, result_fp32, result_int8


def item_dense_features(catalogue, counts) -> np.ndarray:
    """[N, 2]: log popularity scaled to [0, 1], (year − 1990) / 30."""
    return np.stack([np.log1p(counts) / np.log1p(counts.max()), (catalogue.year - 1990) / 30], axis=1).astype(np.float32)


def train_rank(split, catalogue, counts, rng, args):
    dense = item_dense_features(catalogue, counts)
    train_rows = rank_data.build_rows(split, catalogue.count, counts, rng, held_out=False)
    test_rows = rank_data.build_rows(split, catalogue.count, counts, rng, held_out=True)
    tensors = rank_model.train(train_rows.batch, train_rows.ctr, train_rows.cvr, train_rows.cvr_weight,
                               catalogue.genres, dense, rng, epochs=1 if args.quick else 2)
    fp32 = rank_model.predict(Fp32Weights(tensors), test_rows.batch, catalogue.genres, dense)
    int8 = rank_model.predict(Int8Weights(tensors, rank_model.TENSORS), test_rows.batch, catalogue.genres, dense)
    baseline = rank_data.logistic_baseline(train_rows, test_rows, catalogue.genres, dense, catalogue.count)
    results = {name: rank_data.rank_metrics(test_rows, *scores)
               for name, scores in (("fp32", fp32), ("int8", int8), ("logistic", baseline))}
    print(f"{'Rank (held-out)':30s} {'MMoE fp32':>10s} {'MMoE int8':>10s} {'int8-fp32':>10s} {'logistic':>10s}")
    for metric in results["fp32"]:
        f, q, b = (results[n][metric] for n in ("fp32", "int8", "logistic"))
        print(f"{metric:30s} {f:10.4f} {q:10.4f} {q - f:+10.4f} {b:10.4f}")
    return tensors, dense, results, test_rows, fp32


def check(label: str, ok: bool) -> bool:
    print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return ok


def check_recall_bars(fp32: dict, int8: dict) -> bool:
    merged, popular, knn = (fp32[name][200] for name in
                            ("merged (user_id only)", "baseline popularity", "baseline item-KNN (last 20)"))
    print("Recall bars:")
    ok = check(f"merged Recall@200 {merged:.4f} ≥ 1.7 × popularity {popular:.4f} ({merged / popular:.2f}×)", merged >= 1.7 * popular)
    ok &= check(f"merged Recall@200 {merged:.4f} > item-KNN {knn:.4f}", merged > knn)
    worst = max(abs(int8[n][k] - fp32[n][k]) / max(fp32[n][k], 1e-9) for n in int8 for k in int8[n])
    return ok & check(f"INT8 vs FP32 worst relative recall difference {100 * worst:.2f}% ≤ 2%", worst <= 0.02)


def check_rank_bars(results: dict) -> bool:
    print("Rank bars:")
    ok = True
    for metric in ("ctr AUC", "cvr AUC (on interactions)"):
        ok &= check(f"{metric} {results['fp32'][metric]:.4f} > logistic {results['logistic'][metric]:.4f}",
                    results["fp32"][metric] > results["logistic"][metric])
    worst = max(abs(results["int8"][m] - results["fp32"][m]) for m in results["fp32"])
    return ok & check(f"INT8 vs FP32 worst AUC difference {worst:.4f} ≤ 0.005", worst <= 0.005)


def publish_recall_model(recall, split, catalogue, users):
    tensors, neighbours, neighbour_weights, hot, as_of, cold = recall[:6]
    histories = [u.items[::-1] for u in split.train]
    directory, _ = publishing.publish_recall(tensors, neighbours, neighbour_weights, hot, as_of, cold, histories,
                                             catalogue, [u.user_id for u in split.train])
    print(f"published {directory}")
    fixtures.write_recall_fixture(tensors, neighbours, neighbour_weights, hot, split, catalogue)


def publish_rank_model(rank, split, catalogue):
    tensors, dense = rank[:2]
    directory, _ = publishing.publish_rank(tensors, dense, catalogue, [u.user_id for u in split.train])
    print(f"published {directory}")
    fixtures.write_rank_fixture(tensors, dense, split, catalogue)
