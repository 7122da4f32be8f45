"""Hand-annotated example lines (devset.py, testset.py): parsing and the near-template measure.

One line per example: `intent | sentiment | text`, slots marked as [raw text](slot). Sentiment is
`0` (neutral), or `-1/-2/-3` (negative low/medium/high), `+1/+2/+3` (positive low/medium/high).
"""
import re

SENTIMENT = {"0": ("neutral", "low"), "-1": ("negative", "low"), "-2": ("negative", "medium"), "-3": ("negative", "high"),
             "+1": ("positive", "low"), "+2": ("positive", "medium"), "+3": ("positive", "high")}
MARKUP = re.compile(r"\[([^\]]+)\]\((\w+)\)")
SLOT_ALIASES = {"shoes": "product"}


def parse(markup: str):
    """`[raw](slot)` markup → (text, spans)."""
    text, spans, position = "", [], 0
    for match in MARKUP.finditer(markup):
        text += markup[position:match.start()]
        raw, slot = match.group(1), SLOT_ALIASES.get(match.group(2), match.group(2))
        spans.append((len(text), len(text) + len(raw), slot))
        text += raw
        position = match.end()
    return text + markup[position:], spans


def examples(lines) -> list:
    out = []
    for line in lines:
        intent, sentiment, markup = (part.strip() for part in line.split("|", 2))
        text, spans = parse(markup)
        label, intensity = SENTIMENT[sentiment]
        lang = "en" if text.isascii() else "zh"
        out.append({"text": text, "spans": spans, "intent": intent, "sentiment": label, "intensity": intensity, "lang": lang})
    return out


def bigrams(text: str) -> set:
    from .features import normalize
    text = normalize(re.sub(r"\{\w+\}|\[[^\]]+\]\(\w+\)", " ", text))
    text = re.sub(r"[\s,.!?~:;]+", " ", text).strip()
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def near_template_flags(lines, templates, threshold=0.4) -> list:
    """Per line: does its most similar template (slots removed) have bigram Jaccard >= threshold?"""
    template_grams = [bigrams(t) for t in templates]
    flags = []
    for line in lines:
        g = bigrams(line.split("|", 2)[2].strip())
        flags.append(max(len(g & t) / len(g | t) for t in template_grams) >= threshold)
    return flags
