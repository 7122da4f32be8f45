"""ShopServe training tools: train, evaluate, quantize and publish the default models (see run)."""
