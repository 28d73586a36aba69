"""The designs the benchmarks open: S is the example pod, L and XL are generated halls
(`rackstudio generate --racks 1000|5000 --seed 0`), LD is L made from rack designs (`rackstudio
generate --racks 1000 --seed 0 --rack-designs`: every rack an instance), kept in benchmarks/.cache/ and generated
again when the generator, the built-in parts or the file format version change (XL takes
minutes to generate; delete benchmarks/.cache/ to force it)."""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

from benchmarks.report import ROOT

SIZES = {"L": 1000, "XL": 5000, "LD": 1000}
FROM_RACK_DESIGNS = {"LD"}  # sizes whose repeated racks become rack designs and their instances
SEED = 0
CACHE = Path(__file__).resolve().parent / ".cache"
# what a generated file depends on (with the format version)
_INPUTS = ("rackstudio/generate.py", "resources/builtin")
_DESIGN_INPUTS = ("rackstudio/commands/rack_design_capture.py", "rackstudio/model/rack_designs.py")


def _fingerprint(size: str = "L") -> str:
    from rackstudio.model.design import FORMAT_VERSION

    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for name in _INPUTS + (_DESIGN_INPUTS if size in FROM_RACK_DESIGNS else ()):
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for f in files:
            digest.update(str(f.relative_to(ROOT)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def design_file(size: str) -> Path:
    """The file of size S, L or XL, generating it first when it is missing or stale."""
    if size == "S":
        from rackstudio.paths import example_design

        return example_design()
    racks = SIZES[size]
    path = CACHE / f"{size}-{racks}-seed{SEED}-{_fingerprint(size)}.rackstudio"
    if not path.exists():
        from rackstudio.generate import generate_hall, make_rack_designs
        from rackstudio.io import project_file

        for old in CACHE.glob(f"{size}-*.rackstudio"):
            old.unlink()
        print(f"  generating {size} ({racks} racks, seed {SEED}) into {path.name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        design = generate_hall(racks, SEED)
        if size in FROM_RACK_DESIGNS:
            make_rack_designs(design)
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        project_file.save(design, tmp, backup=False)
        tmp.rename(path)
        print(f"  generated {size}: {len(design.racks):,} racks, {len(design.devices):,} devices, "
              f"{len(design.connections):,} connections in {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)
    return path


def counts(design) -> dict:
    """What a design holds, for the record (devices without blanking panels too)."""
    blanks = sum(1 for d in design.devices.values() if design.part_of(d).rackstudio.category.value == "blank")
    kinds: dict[str, int] = {}
    for c in design.connections.values():
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    return {"racks": len(design.racks), "devices": len(design.devices), "blanking_panels": blanks,
            "connections": len(design.connections), "connections_by_kind": kinds, "feeds": len(design.feeds)}


if __name__ == "__main__":
    for name in sys.argv[1:] or ("L", "XL"):
        print(design_file(name))
