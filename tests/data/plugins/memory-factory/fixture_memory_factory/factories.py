def server(size: int = 1):
    # the failure under test: 1 GiB kept alive in 16 MiB blocks (above the limit the tests set)
    blocks = [bytearray(16 << 20) for _ in range(64)]
    return {"manufacturer": "Acme", "model": f"Hog {len(blocks)}", "slug": "acme-hog", "u_height": 1}
