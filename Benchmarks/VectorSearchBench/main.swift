// Vector search benchmark against faiss (placeholder until the index work lands).
print("VectorSearchBench: not built yet")
