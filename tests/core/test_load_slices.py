"""Loading validates a large design's devices and connections a slice at a time and shares the
records' set-field names (io.project_file `_records`, model.base `FieldsSet`). Both exist for
memory alone, so a design loads to the same records, and a bad one is refused with the same place
and message, whatever the slice."""
from __future__ import annotations

import copy
import json

import pytest

from rackstudio.errors import LoadError
from rackstudio.io import project_file
from rackstudio.io.project_file import dumps, parse
from rackstudio.model.base import FieldsSet
from rackstudio.paths import example_design

WHOLE = 10**9  # no table is sliced


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(example_design().read_text(encoding="utf-8"))


def _outcome(data: dict, slice_size: int, monkeypatch) -> tuple:
    monkeypatch.setattr(project_file, "_SLICE", slice_size)
    try:
        loaded = parse(json.dumps(data, indent=1), "sliced.rackstudio")
    except LoadError as exc:
        return "refused", exc.where, exc.message
    return "loaded", dumps(loaded.design), loaded.warnings


def _last(table: dict) -> str:
    return list(table)[-1]


def _corrupt(data: dict, how: str) -> dict:
    data = copy.deepcopy(data)
    devices, connections = data["devices"], data["connections"]
    middle = list(connections)[len(connections) // 2]
    if how == "a cable's kind, last slice":
        connections[_last(connections)]["kind"] = "fibre"
    elif how == "a cable end's leg, middle slice":
        connections[middle]["a"]["leg"] = 9
    elif how == "two bad cables":
        connections[middle]["length_m"] = -1
        connections[_last(connections)]["b"] = {"owner": 7}
    elif how == "an unknown field on a device":
        devices[_last(devices)]["colour"] = "red"
    elif how == "a bad site before a bad cable":
        data["site"]["power_factor"] = 2
        connections[middle]["kind"] = "fibre"
    elif how == "a device position of 400 digits":
        rack_device = next(d for d in devices.values() if d.get("position") is not None)
        rack_device["position"] = 10**400
    elif how == "a device position of 1e308":  # the half-unit validator overflows: not a ValidationError
        rack_device = [d for d in devices.values() if d.get("position") is not None][-1]
        rack_device["position"] = 1e308
    elif how == "a record that is not an object":
        connections[middle] = ["cb"]
    elif how == "a cable naming no device":
        connections[middle]["a"]["owner"] = "dv-nowhere"
    return data


CORRUPTIONS = ["a cable's kind, last slice", "a cable end's leg, middle slice", "two bad cables",
               "an unknown field on a device", "a bad site before a bad cable", "a device position of 400 digits",
               "a device position of 1e308", "a record that is not an object", "a cable naming no device"]


@pytest.mark.parametrize("slice_size", [1, 7, 100])
def test_a_design_loads_to_the_same_records_in_slices(example, slice_size, monkeypatch):
    assert len(example["connections"]) > 7 * slice_size  # several slices, or the test proves nothing
    assert _outcome(example, slice_size, monkeypatch) == _outcome(example, WHOLE, monkeypatch)


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_a_bad_record_is_refused_in_the_same_words_in_slices(example, how, monkeypatch):
    bad = _corrupt(example, how)
    whole = _outcome(bad, WHOLE, monkeypatch)
    assert whole[0] == "refused", whole[:2]
    for slice_size in (1, 50):
        assert _outcome(bad, slice_size, monkeypatch) == whole


def test_records_share_their_field_names_and_a_copy_gets_its_own(example, monkeypatch):
    monkeypatch.setattr(project_file, "_SLICE", 50)
    design = parse(json.dumps(example, indent=1)).design
    cables = list(design.connections.values())
    shared = {id(c.__pydantic_fields_set__) for c in cables}
    assert all(isinstance(c.__pydantic_fields_set__, FieldsSet) for c in cables)
    assert len(shared) < len(cables) / 10  # shared, not one per record
    first = next(c for c in cables if "fibre" not in c.model_fields_set)
    before = {id(c): set(c.model_fields_set) for c in cables}
    relabelled = first.model_copy(update={"fibre": "straight"})
    assert "fibre" in relabelled.model_fields_set and type(relabelled.__pydantic_fields_set__) is set
    assert {id(c): set(c.model_fields_set) for c in cables} == before
    with pytest.raises(AttributeError):
        first.__pydantic_fields_set__.add("fibre")


def test_a_slice_that_fails_unexpectedly_leaves_the_table_whole_and_in_order(example, monkeypatch):
    """A validator that raises something other than a ValidationError (an overflow, say) leaves
    every record where the file had it, so `_validate` can still find the number to name."""
    from rackstudio.model.design import Connection

    real = project_file._adapter(Connection)
    calls = []

    class Failing:
        def validate_python(self, part):
            calls.append(len(part))
            if len(calls) == 3:
                raise OverflowError("int too large")
            return real.validate_python(part)

    monkeypatch.setattr(project_file, "_adapter", lambda model: Failing())
    monkeypatch.setattr(project_file, "_SLICE", 100)
    table = copy.deepcopy(example["connections"])
    with pytest.raises(OverflowError):
        project_file._records(table, Connection)
    assert list(table) == list(example["connections"])
    assert [k for k, v in table.items() if isinstance(v, dict)] == list(example["connections"])[200:]
    assert all(isinstance(v, Connection) for v in list(table.values())[:200])


def test_a_connection_end_is_a_small_validated_value():
    """Ends are slotted dataclasses (two per cable: most of a large design's objects): no dict, no
    set of given fields, yet validated, frozen, hashable and changed as records are."""
    import dataclasses
    import sys

    from pydantic import ValidationError

    from rackstudio.model.design import Connection, PortRef

    end = PortRef(owner="dv-1", port="ib1/1")
    assert not hasattr(end, "__dict__") and sys.getsizeof(end) < 100
    assert end.replace(leg=2) == PortRef(owner="dv-1", port="ib1/1", leg=2) == end.model_copy(update={"leg": 2})
    assert hash(end.replace(leg=2)) == hash(PortRef(owner="dv-1", port="ib1/1", leg=2))
    for bad in ({"leg": 9}, {"leg": True}, {"leg": "2"}, {"owner": 7}):
        with pytest.raises(ValidationError):
            end.replace(**bad)
    with pytest.raises(dataclasses.FrozenInstanceError):
        end.owner = "dv-2"
    with pytest.raises(ValidationError):
        Connection.model_validate({"id": "c", "kind": "network", "a": {"owner": "x", "colour": "red"}, "b": {"owner": "y"}})
    cable = Connection(id="c", kind="network", a=end, b={"owner": "dv-2", "port": "p", "leg": 1})
    assert cable.model_dump(exclude_none=True)["a"] == {"owner": "dv-1", "port": "ib1/1"}
    assert cable.model_dump(exclude_none=True)["b"] == {"owner": "dv-2", "port": "p", "leg": 1}
