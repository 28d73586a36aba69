"""The loaders under fuzzing and what each promises, as functions that raise on a broken promise.

`design(raw)`: `rackstudio.io.parse` returns a design or raises LoadError with a one-line message
naming the file; a design that loads also saves and loads again to the same text, and its
component graph builds. `netbox(text)`: `parse_device_type` (and the module- and rack-type
readers) never raise; each returns a record or a problem naming the file (the device-type
problem on one line), never both; a part it returns exports and reads back.
`check_engine(design)`: a full check of a graph-shaped design (fuzz/graphs.py: PDU chains, fan-in,
parent cycles, hit storms) ends, each power-flow scenario takes at most FLOW_STEPS steps per node
and edge of the power graph, and the findings stay within FINDINGS_PER_OBJECT per object: work
counted, not timed.
Anything else (another exception, a hang, a crash) is a bug the fuzzers report.
"""
from __future__ import annotations

from rackstudio.checks import power_flow
from rackstudio.checks.engine import CheckEngine
from rackstudio.errors import LoadError
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps, parse
from rackstudio.library.netbox_yaml import (
    dump_device_type,
    parse_device_type,
    parse_module_type,
    parse_rack_type,
)

NAME = "fuzz.rackstudio"


FLOW_STEPS = 4
FINDINGS_PER_OBJECT = 8


class BrokenPromise(AssertionError):
    """A loader (or the check engine) did something its contract rules out."""


def check_engine(design) -> int:
    """The number of findings of a full check; raises BrokenPromise past the counted bounds."""
    engine = CheckEngine(design, ComponentGraph(design))
    findings = engine.run_full()
    g = engine.graph.g
    size = g.number_of_nodes() + sum(1 for *_, a in g.edges(data=True) if a["kind"] in power_flow.POWER_EDGES)
    for key, value in engine.ctx.memo.items():
        if isinstance(key, tuple) and key[0] == "flow" and value.visits > FLOW_STEPS * size:
            raise BrokenPromise(f"power flow with {sorted(key[1])} failed took {value.visits} steps "
                                f"for {size} nodes and edges")
    objects = sum(len(getattr(design, name)) for name in ("racks", "devices", "connections", "feeds")) + 1
    if len(findings) > FINDINGS_PER_OBJECT * objects:
        raise BrokenPromise(f"{len(findings)} findings for {objects} objects")
    return len(findings)


def design(raw: bytes | str) -> str:
    """'loaded' or 'refused'; raises BrokenPromise or the unexpected exception itself."""
    try:
        loaded = parse(raw, NAME)
    except LoadError as exc:
        message = exc.message
        if "\n" in message or "\r" in message or not message.startswith(NAME):
            raise BrokenPromise(f"not a one-line message naming the file: {message!r}") from None
        return "refused"
    text = dumps(loaded.design)
    try:
        again = parse(text, "saved.rackstudio")
    except LoadError as exc:
        raise BrokenPromise(f"a design that loaded does not load after saving: {exc}") from None
    if dumps(again.design) != text:
        raise BrokenPromise("a saved design reads back different")
    ComponentGraph(loaded.design)
    return "loaded"


def netbox(text: str) -> str:
    """The device-type reader's outcome; the module- and rack-type readers, which share its
    parser and field rules, must also return a record or a problem for the same text."""
    for sibling in (parse_module_type, parse_rack_type):
        other = sibling(text, "fuzz.yaml")
        if (other.part is None) == (other.error is None):
            raise BrokenPromise(f"{sibling.__name__}: a record and a problem, or neither: {other!r}")
    result = parse_device_type(text, "fuzz.yaml")
    if (result.part is None) == (result.error is None):
        raise BrokenPromise(f"a part and a problem, or neither: {result!r}")
    if result.error is not None:
        message = str(result.error)
        if "\n" in message or "\r" in message or not message.startswith("fuzz.yaml"):
            raise BrokenPromise(f"not a one-line message naming the file: {message!r}")
        return "refused"
    again = parse_device_type(dump_device_type(result.part), "exported.yaml")
    if not again.ok:
        raise BrokenPromise(f"an exported part does not read back: {again.error}")
    return "loaded"
