def server(size: int = 1):
    raise RuntimeError("factory bug")
