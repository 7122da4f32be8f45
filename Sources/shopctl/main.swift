print("shopctl: not built yet")
