print("ModelLoadBench: not yet written")
