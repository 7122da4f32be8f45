print("shopserve: not built yet")
