"""Atheris harness for the design loader (`rackstudio.io.parse`).

    .venv/bin/python fuzz/design_loader.py -runs=100000 build/fuzz/design/corpus fuzz/seeds/design

libFuzzer mutates bytes; the custom mutator also applies the structure-aware edits of
`fuzz.mutations` half the time, so inputs reach past the JSON parser into validation,
integrity and the graph. A broken promise (fuzz/targets.py) is a crash: libFuzzer saves the
input as crash-<hash> under -artifact_prefix. Run through fuzz/run.py for counts and coverage.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["rackstudio"]):
    from fuzz import mutations, targets  # noqa: E402

SEEDS = mutations.design_seeds()


def test_one_input(data: bytes) -> None:
    targets.design(data)


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if rng.random() < 0.5:
        return atheris.Mutate(data, max_size)
    try:
        return mutations.mutant_design(rng, data)[:max_size]
    except (ValueError, UnicodeError, RecursionError):  # not JSON any more: start again from a seed
        return mutations.mutant_design(rng, rng.choice(SEEDS))[:max_size]


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
