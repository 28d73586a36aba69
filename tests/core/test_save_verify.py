"""Saving checks only what changed since the design last met the load rules (`verify(since=...)`,
`integrity.dangling_since`): it must refuse exactly what the whole-design check refuses."""
from __future__ import annotations

import math
import random

import pytest

from rackstudio.document import Document, snapshot
from rackstudio.errors import UnloadableDesign
from rackstudio.io import load, project_file
from rackstudio.io.limits import Refusal
from rackstudio.model import integrity, optics
from rackstudio.model.design import Connection, Device, PortRef
from rackstudio.paths import example_design


@pytest.fixture(scope="module")
def example_text() -> bytes:
    return example_design().read_bytes()


def _fresh(example_text):
    loaded = project_file.parse(example_text)
    return loaded.design, loaded.verified


def _refusal(design, since=None) -> str | None:
    try:
        project_file.verify(design, since)
    except Refusal as exc:
        return f"{exc.where}: {exc.what}"
    return None


def _device(design, pred=lambda d: True):
    return next(d for d in sorted(design.devices.values(), key=lambda d: d.id) if pred(d))


def _swap(design, table, obj, **changes):
    getattr(design, table)[obj.id] = obj.model_copy(update=changes)


def _cabled_device(design):
    owners = {c.a.owner for c in design.connections.values()} & design.devices.keys()
    return _device(design, lambda d: d.id in owners)


def _other_part(design, device):
    """A part type in the design without the ports `device`'s cables use."""
    used = {(c.kind, e.port) for c in design.connections.values() for e in (c.a, c.b) if e.owner == device.id}
    return next(slug for slug, part in sorted(design.part_types.items())
                if not all(part.has_port(kind, port) for kind, port in used))


# Edits made behind the commands' back, each of which makes the file unloadable.
BREAKAGES = {
    "device removed under its cables": lambda d: d.devices.pop(_cabled_device(d).id),
    "rack removed under its devices": lambda d: d.racks.pop(_device(d, lambda x: x.rack is not None).rack),
    "feed removed under its cables": lambda d: d.feeds.pop(next(c.b.owner for c in d.connections.values()
                                                                if c.b.owner in d.feeds)),
    "hall removed under its racks": lambda d: d.halls.pop(next(iter(d.racks.values())).hall),
    "row removed under its racks": lambda d: d.rows.pop(next(r.row for r in d.racks.values() if r.row)),
    "panel removed under its feeds": lambda d: d.panels.pop(next(f.panel for f in d.feeds.values() if f.panel)),
    "device moved to a rack that is not there": lambda d: _swap(d, "devices", _device(d, lambda x: x.rack), rack="rk-x"),
    "device in two places": lambda d: _swap(d, "devices", _device(d, lambda x: x.rack), hall=next(iter(d.halls))),
    "device in its own bay": lambda d: _swap(d, "devices", _device(d), rack=None, parent=_device(d).id, bay="1"),
    "device changed to a part without its cables' ports": lambda d: _swap(
        d, "devices", _cabled_device(d), part=_other_part(d, _cabled_device(d))),
    "cable to a port that is not there": lambda d: _swap(
        d, "connections", next(c for c in d.connections.values() if c.a.owner in d.devices),
        a=PortRef(owner=next(c for c in d.connections.values() if c.a.owner in d.devices).a.owner, port="nope")),
    "new cable to nothing": lambda d: d.connections.__setitem__("c-new", Connection(
        id="c-new", kind="network", a=PortRef(owner="ghost", port="p"), b=PortRef(owner="ghost2", port="p"))),
    "key and id differ": lambda d: d.devices.__setitem__("dev-other", _device(d)),
    "an id used twice": lambda d: d.devices.__setitem__(next(iter(d.racks)), _device(d).model_copy(
        update={"id": next(iter(d.racks))})),
    "not an id": lambda d: d.devices.__setitem__("bad id!", _device(d).model_copy(update={"id": "bad id!"})),
    "a number that is not finite": lambda d: _swap(d, "racks", next(iter(d.racks.values())), x_mm=math.inf),
    "row moved to another hall": lambda d: (
        d.halls.__setitem__("hall-z", next(iter(d.halls.values())).model_copy(update={"id": "hall-z"})),
        _swap(d, "rows", d.rows[next(r.row for r in d.racks.values() if r.row)], hall="hall-z")),
    "65 cords into one inlet": lambda d: d.connections.update(
        (f"c-x{i}", Connection(id=f"c-x{i}", kind="power", a=PortRef(owner=_cabled_device(d).id, port="PSU1"),
                               b=PortRef(owner=next(iter(d.feeds)))))
        for i in range(65)),
    "device put in a bay of its own child": lambda d: _parent_cycle(d),
    "an optic on a power cable": lambda d: _swap(
        d, "connections", next(c for c in d.connections.values() if c.kind == "power"), a_end=sorted(optics.BUILTIN)[0]),
    "an optic RackStudio does not know": lambda d: _swap(
        d, "connections", next(c for c in d.connections.values() if c.kind == "network"), a_end="no-such-optic"),
}


def _parent_cycle(d):
    a, b = sorted(d.devices.values(), key=lambda x: x.id)[:2]
    _swap(d, "devices", a, rack=None, position=None, side=None, parent=b.id, bay="1")
    _swap(d, "devices", b, rack=None, position=None, side=None, parent=a.id, bay="1")


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_what_changed_since_loading_is_refused_as_the_whole_check_refuses_it(example_text, name):
    design, since = _fresh(example_text)
    assert _refusal(design, since) is None and _refusal(design) is None
    BREAKAGES[name](design)
    whole = _refusal(design)
    assert whole is not None, "the breakage must break the design"
    assert _refusal(design, since) is not None


def test_random_edits_behind_the_commands_back_are_refused_exactly_when_the_whole_check_refuses(example_text):
    """Random references pointed at other ids (existing or not) and random records removed: the
    check of the changes and the whole check agree on every one."""
    rng = random.Random(7)
    refused = 0
    base, _ = _fresh(example_text)
    ids = sorted(base.index.where) + ["ghost"]
    for _ in range(150):
        design = snapshot(base)  # its own tables over the same (immutable) records
        design.reindex()
        since = integrity.Baseline(design)
        for _ in range(rng.randint(1, 3)):
            table = rng.choice(("rows", "racks", "devices", "panels", "feeds", "connections", "halls", "upses"))
            records = getattr(design, table)
            if not records:
                continue
            key = rng.choice(sorted(records))
            if rng.random() < 0.3:
                del records[key]
                continue
            obj = records[key]
            if table == "connections":
                end = rng.choice(("a", "b"))
                _swap(design, table, obj, **{end: PortRef(owner=rng.choice(ids), port=getattr(obj, end).port)})
            elif table in integrity.REFERENCES:
                field, target, _ = rng.choice(integrity.REFERENCES[table])
                choices = sorted(getattr(design, target)) + ["ghost"] if rng.random() < 0.7 else ids
                _swap(design, table, obj, **{field: rng.choice(choices)})
        whole = _refusal(design)
        refused += whole is not None
        assert (_refusal(design, since) is None) == (whole is None), whole
    assert refused > 50  # the edits do break designs


def test_a_valid_edit_is_saved_and_the_check_starts_from_the_saved_design(tmp_path, example_text, monkeypatch):
    path = tmp_path / "pod.rackstudio"
    path.write_bytes(example_text)
    document, _ = Document.open(path)
    monkeypatch.setattr(integrity, "dangling", lambda design: pytest.fail("the whole design was checked"))
    device = _device(document.design, lambda d: d.description is None)
    document.design.put("devices", device.model_copy(update={"description": "moved behind the commands' back"}))
    document.save()
    document.save()  # nothing changed since: nothing to look at
    monkeypatch.undo()
    assert load(path).design.devices[device.id].description == "moved behind the commands' back"


def test_a_bad_edit_made_since_the_last_save_is_caught_by_the_check_of_the_changes(tmp_path, example_text, monkeypatch):
    """After an open and a save, a device is moved to a rack that is not there without a command:
    the save that checks only the changes refuses it, and the file stays as it was."""
    path = tmp_path / "pod.rackstudio"
    path.write_bytes(example_text)
    document, _ = Document.open(path)
    document.save()
    before = path.read_bytes()
    monkeypatch.setattr(integrity, "dangling", lambda design: pytest.fail("the whole design was checked"))
    device = _device(document.design, lambda d: d.rack is not None)
    document.design.devices[device.id] = device.model_copy(update={"rack": "rk-gone"})
    with pytest.raises(UnloadableDesign, match=rf"\$\.devices\.{device.id}\.rack: refers to rack 'rk-gone'"):
        document.save()
    assert path.read_bytes() == before


def test_a_changed_part_type_checks_the_whole_design(example_text):
    design, since = _fresh(example_text)
    slug = _device(design).part
    design.part_types[slug] = design.part_types[slug].model_copy(update={"slug": "other"})
    assert "differs from the part's slug" in _refusal(design, since)


def test_a_baseline_of_another_design_is_not_used(example_text):
    design, _ = _fresh(example_text)
    _, since = _fresh(example_text)
    design.devices.pop(_cabled_device(design).id)
    assert _refusal(design, since) is not None


def test_a_new_device_joins_the_design(example_text):
    design, since = _fresh(example_text)
    model = _device(design, lambda d: d.rack is not None)
    design.put("devices", Device(id="dev-new", name="new", part=model.part, rack=model.rack, position=40))
    assert _refusal(design, since) is None and _refusal(design) is None
