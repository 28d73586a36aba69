"""Atheris harness for the NetBox YAML loader (`library.netbox_yaml.parse_device_type`).

    .venv/bin/python fuzz/netbox_loader.py -runs=100000 build/fuzz/netbox/corpus fuzz/seeds/netbox

Input bytes are read as UTF-8 (bad bytes replaced: the loader takes text; file decoding is
tested in tests/core/test_hostile_files.py). The custom mutator mixes libFuzzer's byte edits
with the structure-aware edits of `fuzz.mutations`. Run through fuzz/run.py.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["rackstudio"]):
    from fuzz import mutations, targets  # noqa: E402

SEEDS = mutations.netbox_seeds()


def test_one_input(data: bytes) -> None:
    targets.netbox(data.decode("utf-8", "replace"))


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        return atheris.Mutate(data, max_size)
    text = data.decode("utf-8", "replace")
    try:
        mutant = mutations.mutant_netbox(rng, text)
    except Exception:  # noqa: BLE001 - not YAML any more (or not a mapping): start from a seed
        mutant = mutations.mutant_netbox(rng, rng.choice(SEEDS))
    return mutant.encode("utf-8", "surrogatepass")[:max_size]


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
