"""Shared pieces of the training tools: publishing a model version (export)."""
