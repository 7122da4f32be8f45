"""Bilingual training corpus generator: templates × knowledge-base slot values × noise.

Every example is {text, spans: [(start, end, slot)], intent, sentiment, intensity}; offsets are in
code points. Noise (typos, colloquial particles, punctuation and width changes, emoji, mixed
language) touches only the text between slots, so the slot labels stay exact.
"""
import random
import re

from . import corpus_compose
from .labels import is_word_character
from .corpus_templates import INTENT_SENTIMENT, PRICE_COMPLAINTS, SENTIMENT_PHRASES, TEMPLATES

THIS = {"zh": ["这款", "这个", "这台", "它", "这件", "这双", "这款手机", "这个耳机"], "en": ["this one", "this", "it", "this phone", "that one", "this item"]}
ZH_NUMBERS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 10: "十"}
EN_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 10: "ten"}
ZH_UNITS = ["个", "台", "件", "双", "部", "只"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ZH_PREFIXES = ["", "", "", "亲,", "请问", "那个", "你好,", "麻烦问下", "哎,", "客服,"]
ZH_SUFFIXES = ["", "", "", "?", "?", "呢", "啊", "呀", "。", "!", "~", "??", " 🙏", "哈"]
EN_PREFIXES = ["", "", "", "hi, ", "hey ", "um ", "quick question: ", "pls ", "so "]
EN_SUFFIXES = ["", "", "", "?", "?", "!", " pls", " please", " thx", "??", ".", " 🙂", " asap"]


class SlotValues:
    """Surface forms for every slot, drawn from the knowledge base."""

    def __init__(self, kb: dict, rng: random.Random):
        self.rng = rng
        self.products = []
        for p in kb["products"]:
            self.products.append([p["names"]["zh-CN"], p["names"]["en"]] + p["aliases"])
        self.colors = {"zh": [], "en": []}
        for c in kb["colors"]:
            self.colors["zh"] += [c["names"]["zh-CN"]] + [a for a in c["aliases"] if not a.isascii()]
            self.colors["en"] += [c["names"]["en"]] + [a for a in c["aliases"] if a.isascii()]
        storages = sorted({v["options"]["storage"] for p in kb["products"] for v in p["variants"] if "storage" in v["options"]})
        self.storages = storages
        sizes = sorted({v["options"]["size"] for p in kb["products"] for v in p["variants"] if "size" in v["options"]})
        self.sizes = sizes
        self.order_ids = [o["id"] for o in kb["orders"]]
        self.recipients = {"zh": [a for r in kb["recipients"] for a in r["aliases"] if not a.isascii()],
                           "en": [a for r in kb["recipients"] for a in r["aliases"] if a.isascii()]}

    def product(self, lang):
        names = self.rng.choice(self.products)
        form = self.rng.choice(names)
        r = self.rng.random()
        if r < 0.15:
            form = form.lower()
        elif r < 0.2:
            form = form.upper()
        return form

    def color(self, lang):
        other = "en" if lang == "zh" else "zh"
        return self.rng.choice(self.colors[other if self.rng.random() < 0.1 else lang])

    def storage(self, lang):
        value = self.rng.choice(self.storages)
        number, unit = value[:-2], value[-2:]
        unit_forms = [unit, unit[0], unit.lower(), unit[0].lower(), " " + unit]
        if lang == "zh":
            unit_forms += [unit[0] + "版", "个" + unit[0]]
        return number + self.rng.choice(unit_forms)

    def size(self, lang):
        value = self.rng.choice(self.sizes)
        return value.lower() if self.rng.random() < 0.3 else value

    def quantity(self, lang):
        n = self.rng.choice([1, 2, 2, 3, 4, 5, 10])
        if lang == "zh":
            number = ZH_NUMBERS[n] if self.rng.random() < 0.6 else str(n)
            return number + self.rng.choice(ZH_UNITS)
        forms = [str(n), EN_NUMBERS[n], f"{n} units", f"{n} pcs", f"{EN_NUMBERS[n]} of them"]
        return self.rng.choice(forms)

    def order_id(self, lang):
        if self.rng.random() < 0.3:
            return self.rng.choice(self.order_ids)
        length = self.rng.choice([10, 12, 12, 14, 16])
        return "20" + "".join(self.rng.choice("0123456789") for _ in range(length - 2))

    def budget(self, lang):
        amount = self.rng.choice([100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000])
        if lang == "zh":
            return self.rng.choice([f"{amount}元", f"{amount}块", f"{amount}", f"{amount}块钱", f"¥{amount}", f"{amount}rmb",
                                    kilo(amount)])
        return self.rng.choice([f"{amount} yuan", f"${amount}", f"{amount}", f"{amount} rmb", f"{amount} cny", f"¥{amount}",
                                f"{amount} bucks", kilo(amount), f"{amount}rmb"])

    def recipient(self, lang):
        return self.rng.choice(self.recipients[lang])


def kilo(amount: int) -> str:
    """1500 → "1.5k", 2000 → "2k"; smaller amounts stay digits."""
    if amount < 1000:
        return str(amount)
    return f"{amount / 1000:g}k"


def en_typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def add_noise(segment: str, lang: str, rng: random.Random) -> str:
    """Typos, casing and width changes in the text between slots."""
    if lang == "en":
        words = segment.split(" ")
        words = [en_typo(w, rng) if rng.random() < 0.06 else w for w in words]
        segment = " ".join(words)
        segment = segment.replace("you", "u") if rng.random() < 0.2 else segment
        if rng.random() < 0.1:
            segment = segment.upper()
        elif rng.random() < 0.2:
            segment = segment.capitalize()
    else:
        if rng.random() < 0.05 and len(segment) > 3:
            i = rng.randrange(len(segment))
            segment = segment[:i] + segment[i + 1:]
        if rng.random() < 0.15:
            segment = to_full_width(segment)
        segment = segment.replace(",", rng.choice([",", ",", " ", "，"]))
    return segment


def render(template: str, lang: str, values: SlotValues, rng: random.Random):
    """Fills a template: returns (text, spans). A Latin/digit slot value never glues onto a Latin
    word of the surrounding text ("X1vsS9" becomes "X1 vs S9"): slot values are whole words."""
    text, spans, position = "", [], 0

    def literal(segment):
        segment = add_noise(segment, lang, rng)
        if spans and spans[-1][1] == len(text) and segment and text and is_word_character(text[-1]) and is_word_character(segment[0]):
            segment = " " + segment
        return segment

    for match in PLACEHOLDER.finditer(template):
        text += literal(template[position:match.start()])
        name = match.group(1)
        if name == "this":
            text += rng.choice(THIS[lang])
        else:
            slot = "product" if name == "product2" else name
            value = getattr(values, slot)(lang)
            if text and is_word_character(text[-1]) and is_word_character(value[0]):
                text += " "
            spans.append((len(text), len(text) + len(value), slot))
            text += value
        position = match.end()
    text += literal(template[position:])
    return text, spans


def shift(spans, by):
    return [(s + by, e + by, n) for s, e, n in spans]


def generate(kb: dict, count: int, seed: int, composed_share: float = 0.6) -> list:
    """`count` labelled examples, balanced over intents and languages; `composed_share` of them
    come from corpus_compose (phrase composition), the rest from the fixed template lists."""
    rng = random.Random(seed)
    values = SlotValues(kb, rng)
    intents = list(TEMPLATES)
    examples = []
    for index in range(count):
        intent = intents[index % len(intents)]
        lang = "zh" if rng.random() < 0.5 else "en"
        if rng.random() < composed_share:
            template = corpus_compose.compose(intent, lang, rng)
        else:
            template = rng.choice(TEMPLATES[intent][lang])
        text, spans = render(template, lang, values, rng)
        sentiment, intensity = INTENT_SENTIMENT.get(intent, ("neutral", "low"))
        if intent == "complaint" and rng.random() < 0.15:  # an outburst alone is a complaint too
            level = rng.choice(["medium", "high"])
            examples.append({"text": rng.choice(SENTIMENT_PHRASES[("negative", level)][lang]), "spans": [], "intent": intent,
                             "sentiment": "negative", "intensity": level, "lang": lang})
            continue
        prefixes, suffixes = (ZH_PREFIXES, ZH_SUFFIXES) if lang == "zh" else (EN_PREFIXES, EN_SUFFIXES)
        r = rng.random()
        if intent == "price_query" and r < 0.25:
            phrase = rng.choice(PRICE_COMPLAINTS[lang])
            sentiment, intensity = "negative", "medium"
            text, spans = attach(text, spans, phrase, lang, rng)
        elif r < 0.35 and intent not in ("thanks",):
            label = rng.choice(["negative", "negative", "positive"]) if intent != "complaint" else "negative"
            level = rng.choice(["low", "medium", "high"])
            phrase = rng.choice(SENTIMENT_PHRASES[(label, level)][lang])
            sentiment, intensity = label, level
            text, spans = attach(text, spans, phrase, lang, rng)
        else:
            prefix, suffix = rng.choice(prefixes), rng.choice(suffixes)
            text, spans = prefix + text + suffix, shift(spans, len(prefix))
        examples.append({"text": text, "spans": spans, "intent": intent, "sentiment": sentiment,
                         "intensity": intensity, "lang": lang})
    return examples


def attach(text, spans, phrase, lang, rng):
    separator = rng.choice([",", " ", ", ", "!", ","]) if lang == "zh" else rng.choice([", ", " ", ". ", "! "])
    if rng.random() < 0.5:
        return phrase + separator + text, shift(spans, len(phrase + separator))
    return text + separator + phrase, spans


def all_templates() -> list:
    """The fixed templates and every composition part (a subject stands in as {product})."""
    fixed = [t for languages in TEMPLATES.values() for templates in languages.values() for t in templates]
    parts = []
    for module in corpus_compose.PHRASE_MODULES.values():
        for entry in module.PHRASES.values():
            parts += entry["cores"]
            parts += ["{product}" + p for p in entry.get("predicates", [])]
            parts += [p.replace("{S}", "{product}") for p in entry.get("patterns", [])]
    return fixed + parts
