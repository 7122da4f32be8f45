"""Phrase-held-out validation of the intent model: a decision aid that touches neither test set.

A quarter of every phrase list of the composition (corpus_phrases_zh.py, corpus_phrases_en.py) is
withheld; the text model trains on a corpus composed from the rest and is scored (INT8) on messages
composed only from the withheld parts — how well it reads phrasings it has never seen — and on the
dev set. Each argument is a JSON object of settings overriding the defaults below, e.g.

    cd tools && nice -n 10 ../.venv/bin/python -m train.dialogue.phrase_holdout '{}' '{"ngram_dropout": 0}' --per-intent

`--older-split` withholds from the lists as they were before the *_extra batch and trains on that batch too.
"""
import argparse
import contextlib
import io
import json
import random
import time

import numpy as np

from . import KNOWLEDGE_BASE, TEXT_BUCKETS, corpus, corpus_phrases_en, corpus_phrases_zh, devset, evaluate, featurize, train
from . import corpus_phrases_en_extra, corpus_phrases_zh_extra
from .labels import INTENTS
from .model import BagModel, cross_entropy, sentiment_loss

DEFAULTS = {"examples": 40000, "composed_share": 0.7, "ngram_dropout": 0.2, "label_smoothing": 0.2, "intent_hidden": 128,
            "dim": 64, "epochs": 4}
MODULES = (corpus_phrases_zh, corpus_phrases_en)
EXTRA = {corpus_phrases_zh: corpus_phrases_zh_extra.EXTRA_CORES, corpus_phrases_en: corpus_phrases_en_extra.EXTRA_CORES}


def split_phrases(seed: int):
    """(training parts, withheld parts) per module: a shuffled quarter of every list is withheld."""
    rng = random.Random(seed)
    kept, withheld = {}, {}
    for module in MODULES:
        kept[module], withheld[module] = {}, {}
        for intent, entry in module.PHRASES.items():
            kept[module][intent], withheld[module][intent] = {}, {}
            for key, values in entry.items():
                values = list(values)
                rng.shuffle(values)
                k = max(1, len(values) // 4)
                withheld[module][intent][key], kept[module][intent][key] = values[:k], values[k:]
    return kept, withheld


def split_older_phrases(seed: int):
    """The split of the lists as they were before the *_extra batch (same withheld quarter as then),
    with every extra part on the training side: how much the extra batch helps on fixed phrasings."""
    extra_free = {module: {intent: {key: values[:len(values) - len(EXTRA[module].get(intent, []))] if key == "cores" else values
                                    for key, values in entry.items()} for intent, entry in module.PHRASES.items()}
                  for module in MODULES}
    with phrases(extra_free):
        kept, withheld = split_phrases(seed)
    for module in MODULES:
        for intent, cores in EXTRA[module].items():
            kept[module][intent]["cores"] = kept[module][intent]["cores"] + cores
    return kept, withheld


@contextlib.contextmanager
def phrases(parts):
    original = {module: module.PHRASES for module in MODULES}
    try:
        for module in MODULES:
            module.PHRASES = parts[module]
        yield
    finally:
        for module, value in original.items():
            module.PHRASES = value


def run(settings, kb, kept, withheld, dev, seed, per_intent):
    with phrases(kept):
        data = featurize(corpus.generate(kb, settings["examples"], seed, composed_share=settings["composed_share"]))
    with phrases(withheld):
        held = featurize(corpus.generate(kb, 3000, seed + 99, composed_share=1.0))
    rng = np.random.default_rng(seed)
    model = BagModel("text", TEXT_BUCKETS, settings["dim"],
                     {"intent": [settings["intent_hidden"], len(INTENTS)], "sentiment": [64, 6]}, seed)
    with contextlib.redirect_stdout(io.StringIO()):
        train(model, data["text"],
              lambda rows: {"intent": cross_entropy(data["intent"][rows], settings["label_smoothing"]),
                            "sentiment": sentiment_loss(data["sentiment"][rows], data["intensity"][rows])},
              settings["epochs"], 128, 0.006, rng, "text", ngram_dropout=settings["ngram_dropout"])
    scores = {}
    for name, d in (("withheld_phrases", held), ("dev", dev)):
        _, outs = model.forward(d["text"], int8=True)
        predicted = outs["intent"][1].argmax(1)
        scores[name] = evaluate.accuracy(d["intent"], predicted)
        if per_intent and name == "withheld_phrases":
            for i, intent in enumerate(INTENTS):
                chosen = d["intent"] == i
                wrong = np.bincount(predicted[chosen][predicted[chosen] != i], minlength=len(INTENTS))
                confused = [(INTENTS[j], int(wrong[j])) for j in wrong.argsort()[::-1][:3] if wrong[j]]
                print(f"  {intent:<20}{evaluate.accuracy(d['intent'][chosen], predicted[chosen]):.3f}  confused with {confused}")
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("settings", nargs="*", default=["{}"], help="JSON objects overriding " + json.dumps(DEFAULTS))
    parser.add_argument("--seed", type=int, default=20240519)
    parser.add_argument("--split-seed", type=int, default=5)
    parser.add_argument("--per-intent", action="store_true", help="per-intent accuracy on the withheld phrasings")
    parser.add_argument("--older-split", action="store_true",
                        help="withhold from the lists as they were before the *_extra batch; train on the extra batch too")
    args = parser.parse_args(argv)
    with open(KNOWLEDGE_BASE, encoding="utf-8") as file:
        kb = json.load(file)
    kept, withheld = (split_older_phrases if args.older_split else split_phrases)(args.split_seed)
    dev = featurize(devset.examples())
    for text in args.settings:
        settings = {**DEFAULTS, **json.loads(text)}
        started = time.time()
        scores = run(settings, kb, kept, withheld, dev, args.seed, args.per_intent)
        print(f"{json.dumps(settings)}: INT8 intent accuracy on withheld phrasings {scores['withheld_phrases']:.3f}, "
              f"dev {scores['dev']:.3f} ({time.time() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
