"""Text normalization and hashed character n-gram features, shared by training and serving.

Everything here is reproduced bit for bit by Swift (Sources/ShopModels/Dialogue/NgramHasher.swift,
TextNormalizer.swift); `fixtures/hashing.json` (written by `write_fixtures`) is the parity contract.

Normalization (one code point in, one code point out, so character offsets never move):
  1. each code point c is replaced by NFKC(c) when that is exactly one code point
     (full-width ＡＢＣ１２３，→ abc123, ideographic space → ' ', ① → 1, ﬁ stays ﬁ);
  2. then by its Unicode lower-case mapping when that is exactly one code point (A → a, Σ → σ);
  3. any white-space code point becomes ' ' (U+0020).

Hash: FNV-1a, 32 bit, over the 4 little-endian bytes of a feature-family seed followed by the
UTF-8 bytes of the n-gram; offset basis 0x811C9DC5, prime 0x01000193. The bucket is
`hash & (buckets - 1)` (buckets is a power of two).

Text features (intent, sentiment): every n-gram of 1..3 code points of " " + normalized + " "
that is not only spaces, family seed = n (1, 2, 3), in text order (duplicates kept).

Slot features for character i of the normalized text t (out-of-range characters are U+0002):
  seed 10+d   unigram t[i+d]          d in -3..3
  seed 20+d   bigram  t[i+d..i+d+1]   d in -3..2
  seed 30+d   trigram t[i+d..i+d+2]   d in -2..0
  seed 40     shape of t[i-1], t[i], t[i+1]  (classes: d digit, a latin letter, c CJK, s space, p other, _ outside)
  seed 41     the latin/digit token around i (maximal run of [0-9a-z]; "" when t[i] is not in one)
  seed 42     that token's shape: count of digits as "d<n>" + count of letters as "a<n>"
"""
import functools
import json
import unicodedata

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
OUTSIDE = "\u0002"
TEXT_ORDERS = (1, 2, 3)


def normalize(text: str) -> str:
    """The one-code-point-per-code-point normalization described in the module doc."""
    out = []
    for c in text:
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1:
            c = n
        lower = c.lower()
        if len(lower) == 1:
            c = lower
        if c.isspace():
            c = " "
        out.append(c)
    return "".join(out)


@functools.lru_cache(maxsize=1 << 20)
def fnv1a(ngram: str, seed: int) -> int:
    """FNV-1a 32-bit over seed (4 bytes little-endian) + UTF-8(ngram)."""
    h = FNV_OFFSET
    for byte in seed.to_bytes(4, "little") + ngram.encode("utf-8"):
        h ^= byte
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def bucket(ngram: str, seed: int, buckets: int) -> int:
    return fnv1a(ngram, seed) & (buckets - 1)


def text_buckets(normalized: str, buckets: int) -> list:
    """Bucket ids of the text-level n-grams (intent and sentiment input), in text order."""
    padded = " " + normalized + " "
    ids = []
    for n in TEXT_ORDERS:
        for start in range(len(padded) - n + 1):
            gram = padded[start:start + n]
            if gram.strip(" "):
                ids.append(bucket(gram, n, buckets))
    return ids


def char_class(c: str) -> str:
    if c == OUTSIDE:
        return "_"
    if "0" <= c <= "9":
        return "d"
    if "a" <= c <= "z":
        return "a"
    if c == " ":
        return "s"
    o = ord(c)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF:
        return "c"
    return "p"


def is_token_char(c: str) -> bool:
    return "0" <= c <= "9" or "a" <= c <= "z"


SLOT_FEATURES_PER_CHAR = 7 + 6 + 3 + 3


def slot_buckets(normalized: str, buckets: int) -> list:
    """For every character, its SLOT_FEATURES_PER_CHAR bucket ids (see the module doc)."""
    t = normalized
    n = len(t)

    def at(i):
        return t[i] if 0 <= i < n else OUTSIDE

    # latin/digit token spans
    token_of = [None] * n
    i = 0
    while i < n:
        if is_token_char(t[i]):
            j = i
            while j < n and is_token_char(t[j]):
                j += 1
            for k in range(i, j):
                token_of[k] = (i, j)
            i = j
        else:
            i += 1
    rows = []
    for i in range(n):
        row = []
        for d in range(-3, 4):
            row.append(bucket(at(i + d), 10 + d, buckets))
        for d in range(-3, 3):
            row.append(bucket(at(i + d) + at(i + d + 1), 20 + d, buckets))
        for d in range(-2, 1):
            row.append(bucket(at(i + d) + at(i + d + 1) + at(i + d + 2), 30 + d, buckets))
        row.append(bucket(char_class(at(i - 1)) + char_class(at(i)) + char_class(at(i + 1)), 40, buckets))
        token = t[token_of[i][0]:token_of[i][1]] if token_of[i] else ""
        row.append(bucket(token, 41, buckets))
        digits = sum(1 for c in token if "0" <= c <= "9")
        row.append(bucket(f"d{digits}a{len(token) - digits}", 42, buckets))
        rows.append(row)
    return rows


FIXTURE_TEXTS = [
    "这款手机有现货吗?", "黑色,256G。", "Is the Nova X1 in stock? 256GB black",
    "ＡＢＣ　１２３，全角！", "订单号202405180001到哪了", "I want a REFUND!!! 😡",
    "給我女朋友買個禮物, budget ~500元", "Σίσυφος İstanbul straße", "tab\there  two  spaces",
    "①②③ ﬁ ㎏ ｶﾞ", "", "a",
]


def write_fixtures(path: str, text_bucket_count: int, slot_bucket_count: int) -> None:
    """Writes the Swift parity fixtures: text → normalized, raw hashes, text and slot bucket ids."""
    cases = []
    for text in FIXTURE_TEXTS:
        norm = normalize(text)
        cases.append({
            "text": text,
            "normalized": norm,
            "fnv1a_seed7": fnv1a(text, 7),
            "text_buckets": text_buckets(norm, text_bucket_count),
            "slot_buckets": slot_buckets(norm, slot_bucket_count),
        })
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"text_buckets": text_bucket_count, "slot_buckets": slot_bucket_count, "cases": cases},
                  file, ensure_ascii=False, indent=1)
        file.write("\n")
