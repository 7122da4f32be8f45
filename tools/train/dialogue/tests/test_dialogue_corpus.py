"""Fast checks of the dialogue training pieces (no training run): the corpus labels its slots
exactly, composition never breaks a placeholder, the hand-written sets parse, the losses'
gradients and n-gram dropout behave."""
import json
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", ".."))

from train.dialogue import KNOWLEDGE_BASE, corpus, corpus_compose, devset, testset  # noqa: E402
from train.dialogue.labels import INTENTS, SLOTS, is_word_character  # noqa: E402
from train.dialogue.model import Bags, cross_entropy, drop_ngrams, softmax  # noqa: E402


def knowledge_base():
    with open(KNOWLEDGE_BASE, encoding="utf-8") as file:
        return json.load(file)


def test_generated_examples_cover_every_intent_and_label_whole_slot_values():
    examples = corpus.generate(knowledge_base(), 2000, seed=3)
    assert {e["intent"] for e in examples} == set(INTENTS)
    assert {e["lang"] for e in examples} == {"zh", "en"}
    for e in examples:
        text = e["text"]
        for start, end, slot in e["spans"]:
            assert slot in SLOTS and 0 <= start < end <= len(text), e
            assert text[start:end].strip() == text[start:end], e
            # a Latin/digit value is a whole word: it never continues a Latin word of the text
            if start > 0 and is_word_character(text[start]):
                assert not is_word_character(text[start - 1]), e
            if end < len(text) and is_word_character(text[end - 1]):
                assert not is_word_character(text[end]), e


def test_generation_is_reproducible():
    kb = knowledge_base()
    assert corpus.generate(kb, 300, seed=9) == corpus.generate(kb, 300, seed=9)


def test_composition_keeps_placeholders_intact():
    rng = random.Random(1)
    known = {"product", "product2", "color", "storage", "size", "quantity", "order_id", "budget", "recipient", "this"}
    for _ in range(3000):
        intent, lang = rng.choice(INTENTS), rng.choice(["zh", "en"])
        template = corpus_compose.compose(intent, lang, rng)
        names = set(corpus.PLACEHOLDER.findall(template))
        assert names <= known, template
        assert "{S}" not in template and template.count("{") == template.count("}"), template


def test_english_substitution_matches_whole_words_only():
    rng = random.Random(0)
    pairs = [("hi", "你好"), ("to", "2")]
    out = corpus_compose.substitute("ship it to {order_id} tomorrow", pairs, 1.0, rng, whole_words=True)
    assert out == "ship it 2 {order_id} tomorrow"


def test_hand_written_sets_parse_and_use_known_labels():
    for module in (devset, testset):
        examples = module.examples()
        assert len(examples) == len(module.LINES)
        for e in examples:
            assert e["intent"] in INTENTS
            assert all(slot in SLOTS for _, _, slot in e["spans"])


def test_label_smoothing_gradient_is_probabilities_minus_smoothed_targets():
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]], np.float32)
    targets = np.array([0, 2])
    _, plain = cross_entropy(targets)(logits)
    _, smoothed = cross_entropy(targets, smoothing=0.3)(logits)
    want = np.full((2, 3), 0.1)
    want[[0, 1], targets] += 0.7
    np.testing.assert_allclose(smoothed, (softmax(logits) - want) / 2, rtol=1e-5)
    np.testing.assert_allclose(plain.sum(axis=1), 0, atol=1e-6)


def test_ngram_dropout_keeps_at_least_one_id_per_bag():
    bags = Bags([[1, 2, 3, 4], [5], [], [6, 7]])
    rng = np.random.default_rng(0)
    assert drop_ngrams(bags, 0.0, rng) is bags
    for _ in range(50):
        dropped = drop_ngrams(bags, 0.9, rng)
        assert len(dropped) == 4 and dropped.lengths[2] == 0
        assert (dropped.lengths[[0, 1, 3]] >= 1).all()
        for row, original in enumerate([[1, 2, 3, 4], [5], [], [6, 7]]):
            kept = dropped.ids[dropped.starts[row]:dropped.starts[row] + dropped.lengths[row]]
            assert set(kept.tolist()) <= set(original)
