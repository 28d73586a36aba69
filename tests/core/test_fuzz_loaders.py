"""Fuzzing the loaders with hypothesis: valid designs and NetBox device types, mutated (keys
deleted, types swapped, numbers pushed to extremes, garbage inserted, text truncated), end in a
design or the loader's own refusal, never another exception or a hang. Inputs that once found a
bug are kept in tests/data/fuzz-corpus and replayed here.

CI runs a quick pass: 1,500 mutated designs, 375 arbitrary byte strings and 700 mutated NetBox
files (RACKSTUDIO_FUZZ_EXAMPLES sets all three); `make soak` runs the long one through
fuzz/run.py (100,000 inputs a loader, with coverage).
"""
from __future__ import annotations

import os
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import graphs, mutations, targets
from rackstudio.library.netbox_yaml import parse_device_type

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fuzz-corpus"
_SCALE = int(os.environ.get("RACKSTUDIO_FUZZ_EXAMPLES", "0"))
DESIGN_EXAMPLES = _SCALE or 1500
NETBOX_EXAMPLES = _SCALE or 700
DESIGN_SEEDS = mutations.design_seeds()
NETBOX_SEEDS = mutations.netbox_seeds()
OUTCOME_SAMPLE = 200  # mutants a loader in the outcome check
GRAPH_EXAMPLES = max(1, _SCALE // 20) if _SCALE else 60


def fuzz_settings(examples: int):
    # a hang shows as a deadline failure; 5 s is 500 times a typical input on a busy CI machine
    return settings(max_examples=examples, deadline=timedelta(seconds=5), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@fuzz_settings(DESIGN_EXAMPLES)
@given(st.randoms(use_true_random=False), st.integers(0, len(DESIGN_SEEDS) - 1))
def test_mutated_designs_load_or_are_refused(rng, seed):
    targets.design(mutations.mutant_design(rng, DESIGN_SEEDS[seed]))


@fuzz_settings(NETBOX_EXAMPLES)
@given(st.randoms(use_true_random=False), st.integers(0, len(NETBOX_SEEDS) - 1))
def test_mutated_netbox_files_load_or_are_refused(rng, seed):
    targets.netbox(mutations.mutant_netbox(rng, NETBOX_SEEDS[seed]))


@fuzz_settings(max(DESIGN_EXAMPLES // 4, 50))
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_arbitrary_bytes_load_or_are_refused(data):
    targets.design(data)


def test_the_fuzzers_reach_both_outcomes():
    """Guards the fuzzers themselves: mutants that always fail to parse would test little, and
    mutants that always load would test the refusals little. A fixed sample of its own, so the
    check does not depend on which tests ran before it."""
    rng = random.Random(20261206)
    for loader, seeds, mutant, target in (("design", DESIGN_SEEDS, mutations.mutant_design, targets.design),
                                          ("netbox", NETBOX_SEEDS, mutations.mutant_netbox, targets.netbox)):
        counts = Counter(target(mutant(rng, seeds[i % len(seeds)])) for i in range(OUTCOME_SAMPLE))
        assert counts["loaded"] >= OUTCOME_SAMPLE // 50, (loader, counts)
        assert counts["refused"] >= OUTCOME_SAMPLE // 2, (loader, counts)


# --- the corpus: inputs that found bugs -------------------------------------------------------

def _corpus(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).iterdir())


@pytest.mark.parametrize("path", _corpus("design"), ids=lambda p: p.name)
def test_design_corpus_replays(path):
    targets.design(path.read_bytes())


@pytest.mark.parametrize("path", _corpus("netbox"), ids=lambda p: p.name)
def test_netbox_corpus_replays(path):
    targets.netbox(path.read_text(encoding="utf-8", errors="surrogateescape"))


def test_a_control_character_in_yaml_gives_a_one_line_problem_with_its_place():
    result = parse_device_type((CORPUS / "netbox" / "control-character.yaml").read_text(), "f.yaml")
    assert "\n" not in str(result.error) and result.error.line is not None


@fuzz_settings(GRAPH_EXAMPLES)
@given(shape=st.sampled_from(sorted(graphs.SHAPES)), size=st.integers(1, 150))
def test_the_check_engine_ends_within_counted_work_on_graph_shaped_designs(shape, size):
    """Parent cycles, fan-in, deep power chains and hit storms: a full check ends, each power-flow
    scenario stays within a few steps per node and edge, the findings within a few per object."""
    targets.check_engine(graphs.SHAPES[shape](size))


def test_the_fuzz_runner_drives_the_check_engine(tmp_path):
    """`fuzz/run.py --loader check-engine` (the soak's atheris run; here its seeded engine) builds
    designs from bytes, checks each fully within the counted work, and reports the inputs."""
    import json

    from fuzz import run

    assert run.main(["--runs", "25", "--engine", "structured", "--loader", "check-engine", "--out",
                     str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report[0]["loader"] == "check-engine" and report[0]["outcomes"] == {"loaded": 25, "refused": 0,
                                                                               "failed": 0}
    extra = graphs.from_bytes(bytes([3, 0, 9, 1, 5, 0]))  # a 10-PDU chain and one more cable
    assert len(extra.connections) == len(graphs.power_chain(10).connections) + 1
