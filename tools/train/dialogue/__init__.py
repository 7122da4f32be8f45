"""tools/train/run dialogue: the bilingual (zh-CN/en) customer-service models.

Generates the training corpus from the demo knowledge base (knowledge_base.json, format in
docs/dialogue-knowledge-base.md): fixed templates (corpus_templates.py) and phrase composition
(corpus_compose.py over corpus_phrases_zh.py / corpus_phrases_en.py), with slot values, typos,
colloquial and mixed-language words and noise (corpus.py). Trains the intent + sentiment model and
the per-character slot tagger over hashed character n-grams (features.py), reports on two
hand-written sets in FP32 and in the serving INT8 arithmetic — the dev set (devset.py, used for
decisions) and the test set (testset.py, reported only, never inspected line by line) — writes
the Swift parity fixtures and publishes models/dialogue/<version>/ (kind "dialogue.ngram") with
the metrics and training settings in its config.json and the `shopctl bench dialogue` side file
utterances.json.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: threads only contend on a shared machine

import numpy as np

from ..common.export import publish
from . import annotated, corpus, corpus_compose, devset, evaluate, features, testset
from .labels import INTENSITIES, INTENTS, SENTIMENTS, SLOTS, TAGS, bio_tags, decode_spans
from .model import FP32_LAYERS, Bags, BagModel, cross_entropy, drop_ngrams, sentiment_loss, softmax

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWLEDGE_BASE = os.path.join(HERE, "knowledge_base.json")
FIXTURES = os.path.join(HERE, "fixtures", "hashing.json")
TEXT_BUCKETS, TEXT_DIM = 1 << 16, 64
SLOT_BUCKETS, SLOT_DIM = 1 << 16, 48
INTENT_HIDDEN, SENTIMENT_HIDDEN, SLOT_HIDDEN = 128, 64, 192
BARS = {"intent_accuracy": 0.90, "slot_f1": 0.85, "int8_drop": 0.01}


def featurize(examples):
    norms = [features.normalize(e["text"]) for e in examples]
    text_bags = Bags([features.text_buckets(n, TEXT_BUCKETS) for n in norms])
    char_rows = [row for n in norms for row in features.slot_buckets(n, SLOT_BUCKETS)]
    tags = np.array([t for e in examples for t in bio_tags(len(e["text"]), e["spans"])], np.int64)
    return {
        "text": text_bags,
        "intent": np.array([INTENTS.index(e["intent"]) for e in examples]),
        "sentiment": np.array([SENTIMENTS.index(e["sentiment"]) for e in examples]),
        "intensity": np.array([INTENSITIES.index(e["intensity"]) for e in examples]),
        "chars": Bags(char_rows), "tags": tags,
        "lengths": [len(e["text"]) for e in examples],
        "texts": [e["text"] for e in examples],
    }


def train(model, bags, targets_of, epochs, batch, lr, rng, label, ngram_dropout=0.0):
    """Adam over shuffled mini-batches, the learning rate halving every epoch; `ngram_dropout`
    drops that share of each bag's n-grams per step (text model only)."""
    n = len(bags)
    started = time.time()
    for epoch in range(epochs):
        order = rng.permutation(n)
        total, steps = 0.0, 0
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            batch_bags = drop_ngrams(bags.subset(rows), ngram_dropout, rng)
            total += model.train_step(batch_bags, targets_of(rows), lr * (0.5 ** epoch))
            steps += 1
        print(f"  {label} epoch {epoch + 1}/{epochs}: loss {total / steps:.4f} ({time.time() - started:.0f} s)", flush=True)


def predict(text_model, slot_model, data, int8):
    _, outs = text_model.forward(data["text"], int8=int8)
    intent_probs = softmax(outs["intent"][1])
    sentiment_logits = outs["sentiment"][1]
    _, slot_outs = slot_model.forward(data["chars"], int8=int8)
    tag_ids = slot_outs["slot"][1].argmax(axis=1)
    spans, offset = [], 0
    for length in data["lengths"]:
        spans.append(decode_spans(tag_ids[offset:offset + length], data["texts"][len(spans)]))
        offset += length
    return intent_probs.argmax(1), sentiment_logits[:, :3].argmax(1), sentiment_logits[:, 3:].argmax(1), spans


def report(name, text_model, slot_model, data, examples, int8):
    intents, labels, intensities, spans = predict(text_model, slot_model, data, int8)
    truth_spans = [e["spans"] for e in examples]
    metrics = {
        "intent_accuracy": evaluate.accuracy(data["intent"], intents),
        "intent_macro_f1": evaluate.macro_f1(data["intent"], intents, len(INTENTS)),
        "slot_f1": evaluate.span_f1(truth_spans, spans),
        "sentiment_accuracy": evaluate.accuracy(data["sentiment"], labels),
        "intensity_accuracy": evaluate.accuracy(data["intensity"][data["sentiment"] != 1], intensities[data["sentiment"] != 1]),
    }
    print(f"  {name:<14}" + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()), flush=True)
    return metrics, intents, spans


def evaluate_set(name, text_model, slot_model, data, examples, near, show_misses):
    """Prints FP32 and INT8 metrics on one hand-written set; returns (bars met, {"fp32": ..., "int8": ...}).
    Misses are listed for the dev set only: the test set's errors must not steer anything."""
    print(f"{name} set ({len(examples)} hand-written lines):")
    fp32, intents, spans = report("FP32", text_model, slot_model, data, examples, int8=False)
    int8, int8_intents, _ = report("INT8", text_model, slot_model, data, examples, int8=True)
    far = ~near
    far_accuracy = evaluate.accuracy(data["intent"][far], int8_intents[far]) if far.any() else float("nan")
    print(f"  INT8 intent accuracy on the {int(far.sum())} lines not near any training template or phrase part: "
          f"{far_accuracy:.3f}", flush=True)
    if show_misses:
        for e, predicted, found in zip(examples, intents, spans):
            if INTENTS[predicted] != e["intent"] or set(found) != set(map(tuple, e["spans"])):
                print(f"    miss: {e['text']!r}: {INTENTS[predicted]} (want {e['intent']}), "
                      f"{[(e['text'][s:t], n) for s, t, n in found]}")
    drops = {k: fp32[k] - int8[k] for k in fp32}
    print("  INT8 - FP32: " + "  ".join(f"{k} {-v:+.3f}" for k, v in drops.items()))
    met = (int8["intent_accuracy"] >= BARS["intent_accuracy"] and int8["slot_f1"] >= BARS["slot_f1"]
           and max(drops.values()) <= BARS["int8_drop"])
    print(f"  {name}: bars (INT8 intent accuracy >= {BARS['intent_accuracy']}, slot F1 >= {BARS['slot_f1']}, "
          f"INT8 within {BARS['int8_drop']} of FP32) {'met' if met else 'NOT met'}", flush=True)
    rounded = {precision: {k: round(v, 4) for k, v in values.items()} for precision, values in (("fp32", fp32), ("int8", int8))}
    return met, {"lines": len(examples), "lines_near_a_template": int(near.sum()),
                 "int8_intent_accuracy_on_other_lines": round(far_accuracy, 4), **rounded}


def utterances() -> str:
    """`shopctl bench dialogue` side file: the dev set's hand-written messages (zh-CN and en), a JSON array."""
    return json.dumps([e["text"] for e in devset.examples()], ensure_ascii=False, indent=0) + "\n"


def config(metrics, training):
    return {
        "description": "bilingual customer-service intent, slot and sentiment models over hashed character n-grams",
        "architecture": {
            "features": {"normalization": "per-code-point NFKC, lower-case, white-space to U+0020 (features.py)",
                         "hash": "fnv1a32(seed u32 little-endian ++ utf8(ngram)) & (buckets-1)",
                         "text_buckets": TEXT_BUCKETS, "text_orders": list(features.TEXT_ORDERS),
                         "slot_buckets": SLOT_BUCKETS, "slot_features_per_char": features.SLOT_FEATURES_PER_CHAR},
            "intents": INTENTS, "slots": SLOTS, "slot_tags": TAGS, "sentiments": SENTIMENTS, "intensities": INTENSITIES,
            "text": {"dim": TEXT_DIM, "intent_hidden": INTENT_HIDDEN, "sentiment_hidden": SENTIMENT_HIDDEN},
            "slot": {"dim": SLOT_DIM, "hidden": SLOT_HIDDEN},
            "knowledge_base": "knowledge_base.json",
        },
        "inputs": [{"name": "text", "dtype": "UTF8", "shape": [-1]}],
        "outputs": [{"name": "intent", "dtype": "F32", "shape": [-1, len(INTENTS)]},
                    {"name": "sentiment", "dtype": "F32", "shape": [-1, 6]},
                    {"name": "slot_tags", "dtype": "F32", "shape": [-1, len(TAGS)]}],
        "batching": {"max_batch_rows": 64, "max_queue_delay_us": 0},
        "training": training,
        "metrics": metrics,
    }


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="tools/train/run dialogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20240519)
    parser.add_argument("--examples", type=int, default=40000, help="generated training examples")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--outside-share", type=float, default=0.5, help="share of 'O' characters the tagger trains on")
    parser.add_argument("--composed-share", type=float, default=0.7,
                        help="share of training examples composed from phrase parts (corpus_compose.py) instead of fixed templates")
    parser.add_argument("--label-smoothing", type=float, default=0.2, help="label smoothing of the intent loss")
    parser.add_argument("--ngram-dropout", type=float, default=0.2, help="share of a message's n-grams dropped per training step")
    parser.add_argument("--version", type=int, default=2)
    parser.add_argument("--models", help="model repository root (default: the repository's models/)")
    parser.add_argument("--no-publish", action="store_true", help="train and report only")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    with open(KNOWLEDGE_BASE, encoding="utf-8") as file:
        kb = json.load(file)
    started = time.time()
    train_examples = corpus.generate(kb, args.examples, args.seed, composed_share=args.composed_share)
    sets = {"dev": (devset.LINES, devset.examples()), "test": (testset.LINES, testset.examples())}
    print(f"dialogue: {len(train_examples)} generated training examples ({args.composed_share:.0%} composed from "
          f"{corpus_compose.phrase_count()} phrase parts); hand-written: "
          + ", ".join(f"{name} {len(examples)}" for name, (_, examples) in sets.items()), flush=True)
    templates = corpus.all_templates()
    near = {name: np.array(annotated.near_template_flags(lines, templates)) for name, (lines, _) in sets.items()}
    for name, (lines, _) in sets.items():
        print(f"{name} lines whose nearest training template or phrase part shares >= 40% of its character bigrams: "
              f"{int(near[name].sum())} of {len(lines)}", flush=True)
    train_data = featurize(train_examples)
    set_data = {name: featurize(examples) for name, (_, examples) in sets.items()}

    text_model = BagModel("text", TEXT_BUCKETS, TEXT_DIM,
                          {"intent": [INTENT_HIDDEN, len(INTENTS)], "sentiment": [SENTIMENT_HIDDEN, 6]}, args.seed)
    train(text_model, train_data["text"],
          lambda rows: {"intent": cross_entropy(train_data["intent"][rows], args.label_smoothing),
                        "sentiment": sentiment_loss(train_data["sentiment"][rows], train_data["intensity"][rows])},
          args.epochs, 128, 0.006, rng, "intent+sentiment", ngram_dropout=args.ngram_dropout)
    slot_model = BagModel("slot", SLOT_BUCKETS, SLOT_DIM, {"slot": [SLOT_HIDDEN, len(TAGS)]}, args.seed + 1)
    # Every character inside a slot, and an --outside-share of the others (most characters are "O").
    tags = train_data["tags"]
    positions = np.flatnonzero((tags != 0) | (rng.random(len(tags)) < args.outside_share))
    chars = train_data["chars"].subset(positions)
    train(slot_model, chars, lambda rows: {"slot": cross_entropy(tags[positions[rows]])},
          args.epochs, 512, 0.008, rng, f"slot tagger ({len(positions)} characters)")

    results = {name: evaluate_set(name, text_model, slot_model, set_data[name], examples, near[name], show_misses=name == "dev")
               for name, (_, examples) in sets.items()}
    ok = results["dev"][0]
    print(f"bars on dev (decisions) {'met' if ok else 'NOT met'}; on test (reported only) "
          f"{'met' if results['test'][0] else 'NOT met'}; {time.time() - started:.0f} s", flush=True)
    metrics = {name: values for name, (_, values) in results.items()}
    training = {"seed": args.seed, "examples": args.examples, "epochs": args.epochs, "composed_share": args.composed_share,
                "label_smoothing": args.label_smoothing, "ngram_dropout": args.ngram_dropout, "outside_share": args.outside_share,
                "command": " ".join(["nice -n 10 .venv/bin/python tools/train/run dialogue"] + list(argv))}

    os.makedirs(os.path.dirname(FIXTURES), exist_ok=True)
    features.write_fixtures(FIXTURES, TEXT_BUCKETS, SLOT_BUCKETS)
    if args.no_publish:
        return 0 if ok else 1
    tensors = {**text_model.params, **slot_model.params}
    kwargs = {"models_root": args.models} if args.models else {}
    final, written = publish("dialogue", tensors, kind="dialogue.ngram", config=config(metrics, training),
                             embeddings=["text.embedding", "slot.embedding"], keep_fp32=list(FP32_LAYERS),
                             side_files={"knowledge_base.json": KNOWLEDGE_BASE, "utterances.json": utterances()}, version=args.version, replace=True, **kwargs)
    published = {k: (written[k], written[k + ".scale"]) for k in tensors if tensors[k].ndim == 2 and k not in FP32_LAYERS}
    _, outs = text_model.forward(set_data["dev"]["text"], int8=True, quantized=published)
    _, int8_outs = text_model.forward(set_data["dev"]["text"], int8=True)
    assert np.array_equal(outs["intent"][1], int8_outs["intent"][1]), "published tensors differ from the evaluated INT8 model"
    print(f"published {final} ({sum(os.path.getsize(os.path.join(final, f)) for f in os.listdir(final)) / 1e6:.1f} MB)")
    return 0 if ok else 1
