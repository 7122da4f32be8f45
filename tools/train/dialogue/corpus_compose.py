"""Compositional templates: phrase parts × openers × filler clauses × tails × colloquial/mixed words.

`compose(intent, lang, rng)` returns a template string in the corpus_templates.py placeholder
syntax, so corpus.render fills its slots and adds the character-level noise. Composition gives the
models many more surface forms per intent than the fixed template lists, so they learn the
intent's key words rather than whole template strings.
"""
import re

from . import corpus_phrases_en, corpus_phrases_zh

PHRASE_MODULES = {"zh": corpus_phrases_zh, "en": corpus_phrases_en}
PLACEHOLDER_SPLIT = re.compile(r"(\{\w+\})")
# Short social turns and bare slot answers: no openers or filler clauses around them.
BARE = {"greet", "goodbye", "thanks", "inform"}


def substitute(template: str, pairs, rate: float, rng, whole_words: bool) -> str:
    """Replaces each listed word, with probability `rate`, in the literal text only (never inside a
    placeholder); `whole_words` (English) matches at word boundaries only."""
    parts = PLACEHOLDER_SPLIT.split(template)
    for i in range(0, len(parts), 2):
        for old, new in pairs:
            pattern = r"(?<![A-Za-z'])" + re.escape(old) + r"(?![A-Za-z'])" if whole_words else re.escape(old)
            if re.search(pattern, parts[i]) and rng.random() < rate:
                parts[i] = re.sub(pattern, lambda _: new, parts[i], count=1)
    return "".join(parts)


def core(intent: str, lang: str, rng) -> str:
    """One phrasing of the intent: a whole core, or a product subject joined with a predicate/pattern."""
    module = PHRASE_MODULES[lang]
    entry = module.PHRASES[intent]
    joined = entry.get("predicates") or entry.get("patterns")
    if joined and rng.random() < 0.6:
        subject = rng.choice(module.SUBJECTS)
        if "predicates" in entry:
            return subject + rng.choice(["", "", " ", ","]) + rng.choice(joined)
        return rng.choice(joined).replace("{S}", subject)
    return rng.choice(entry["cores"])


def compose(intent: str, lang: str, rng) -> str:
    module = PHRASE_MODULES[lang]
    text = core(intent, lang, rng)
    text = substitute(text, module.COLLOQUIAL, 0.15, rng, whole_words=lang == "en")
    text = substitute(text, module.MIXED, 0.08, rng, whole_words=lang == "en")
    space = "" if lang == "zh" else " "
    comma = rng.choice([",", ",", " ", "。", "!"]) if lang == "zh" else rng.choice([", ", ". ", " - ", " "])
    if intent not in BARE:
        if rng.random() < 0.25:
            filler = rng.choice(module.FILLERS)
            text = filler + comma + text if rng.random() < 0.5 else text + comma + filler
        if rng.random() < 0.3:
            text = rng.choice(module.OPENERS) + text
    if rng.random() < 0.35:
        tail = rng.choice(module.TAILS)
        text = text + (tail if not tail[0].isalnum() or lang == "zh" and not tail.isascii() else comma + tail)
    return text if lang == "zh" else text.replace("  ", space)


def phrase_count() -> int:
    """How many distinct phrase parts the composition draws from (printed by training)."""
    total = 0
    for module in PHRASE_MODULES.values():
        for entry in module.PHRASES.values():
            total += sum(len(v) for v in entry.values())
        total += len(module.SUBJECTS) + len(module.FILLERS) + len(module.OPENERS) + len(module.TAILS)
    return total
