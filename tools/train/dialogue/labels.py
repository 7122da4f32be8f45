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


def decode_spans(tag_ids) -> list:
    """BIO tag ids → spans [(start, end, slot)]; an I- that does not continue a span opens one."""
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
