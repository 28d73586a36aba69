"""Atheris harness for the check engine on graph-shaped designs (fuzz/graphs.py `from_bytes`).

    .venv/bin/python fuzz/check_engine.py -runs=5000 build/fuzz/check-engine/corpus fuzz/seeds/check-engine

Each input is a design (a PDU chain, fan-in, parent cycle or hit storm of up to 150, plus up to 16
extra power cables); `targets.check_engine` checks it fully and raises past the counted work per
input (power-flow steps per node and edge, findings per object), which libFuzzer saves as a crash.
Run through fuzz/run.py for counts and coverage.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["rackstudio"]):
    from fuzz import graphs, targets  # noqa: E402


def test_one_input(data: bytes) -> None:
    targets.check_engine(graphs.from_bytes(data))


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
