"""What a design leaves in memory once it is closed: loading, building the graph and a full check
freeze what they made (`memory.gc_paused`), and a frozen object in a reference cycle is never
collected, so a design, its graph and its check engine must be freed by reference counts alone."""
from __future__ import annotations

import gc
import weakref

from rackstudio.commands import SetProperty
from rackstudio.document import Document
from rackstudio.paths import example_design


def test_a_checked_and_edited_design_is_freed_when_dropped_though_frozen():
    doc, _warnings = Document.open(example_design())  # opening freezes what it made
    doc.attach_check_engine()  # builds the graph and runs in full: both freeze too
    rack = sorted(doc.design.racks)[0]
    doc.execute(SetProperty(rack, "name", "Renamed"))  # an edit walks the graph's edge views
    doc.undo()
    doc.graph.snapshot()
    engine = doc.check_engine
    alive = {"design": weakref.ref(doc.design), "graph": weakref.ref(doc.graph),
             "networkx graph": weakref.ref(doc.graph.g), "engine": weakref.ref(engine),
             "check context": weakref.ref(engine.ctx), "rack figures": weakref.ref(engine.ctx.metrics)}
    gc.freeze()  # as the app does when a background check ends (ui.live_checks)
    try:
        doc.close()
        del doc, engine
        gc.collect()
        assert [name for name, ref in alive.items() if ref() is not None] == []
    finally:
        gc.unfreeze()
