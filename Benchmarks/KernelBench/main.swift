print("KernelBench")
