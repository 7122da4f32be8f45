"""ShopServe's FP32 → INT8 quantizer (used by tools/quantize). See docs/model-format.md."""
