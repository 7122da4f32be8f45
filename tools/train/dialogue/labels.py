"""Label sets of the dialogue models; their order is the models' output order (config.json repeats it)."""

INTENTS = ["greet", "goodbye", "thanks", "stock_query", "price_query", "product_comparison", "recommendation",
           "order_status", "shipping_info", "return_refund", "cancel_order", "change_address", "payment_issue",
           "coupon_promotion", "complaint", "human_agent", "out_of_scope", "inform"]
SLOTS = ["product", "color", "storage", "size", "quantity", "order_id", "budget", "recipient"]
TAGS = ["O"] + [f"{prefix}-{slot}" for slot in SLOTS for prefix in ("B", "I")]
SENTIMENTS = ["negative", "neutral", "positive"]
INTENSITIES = ["low", "medium", "high"]


def bio_tags(length: int, spans) -> list:
    """Per-character tag ids for spans [(start, end, slot)]."""
    tags = [0] * length
    for start, end, slot in spans:
        tags[start] = TAGS.index(f"B-{slot}")
        for i in range(start + 1, end):
            tags[i] = TAGS.index(f"I-{slot}")
    return tags


def is_word_character(c: str) -> bool:
    return "0" <= c <= "9" or "a" <= c <= "z" or "A" <= c <= "Z"


def decode_spans(tag_ids, text=None) -> list:
    """BIO tag ids → spans [(start, end, slot)]; an I- that does not continue a span opens one.

    With `text`: spaces at a span's ends are trimmed, and a span that starts or ends inside a
    Latin/digit word (e.g. "n" of "new") is dropped — slot values are whole words.
    """
    spans = _bio_spans(tag_ids)
    if text is None:
        return spans
    kept = []
    for start, end, slot in spans:
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        if start == end:
            continue
        if start > 0 and is_word_character(text[start - 1]) and is_word_character(text[start]):
            continue
        if end < len(text) and is_word_character(text[end - 1]) and is_word_character(text[end]):
            continue
        kept.append((start, end, slot))
    return kept


def _bio_spans(tag_ids) -> list:
    spans, current = [], None
    for i, tag_id in enumerate(list(tag_ids) + [0]):
        tag = TAGS[tag_id]
        if tag == "O" or tag.startswith("B-") or (current and tag[2:] != current[2]):
            if current:
                spans.append((current[0], i, current[2]))
                current = None
            if tag != "O":
                current = (i, None, tag[2:])
        # an I- continuing the current span extends it implicitly
    return spans
