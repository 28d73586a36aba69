"""Hostile files: every file in tests/data/hostile ends in a clear one-line refusal naming the file
and the place in it; nothing in one runs code, or opens, writes or starts anything.

Each case is a small hand-made file (a design in design/, a NetBox device type in netbox/);
oversized files and symlinked library layouts are made at test time. An audit hook (PEP 578)
watches every case for process, network and file events.
"""
from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import yaml

from rackstudio.errors import LoadError
from rackstudio.io import dumps, limits, load, parse
from rackstudio.library.catalog import Catalog, LibrarySource
from rackstudio.library.netbox_yaml import load_device_type, parse_device_type
from rackstudio.model.design import FORMAT_VERSION

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
BASE = HOSTILE / "base.rackstudio"

UTF8 = "a design file is UTF-8 text; save it again as UTF-8"
NOT_A_NUMBER = "is not a number a design may hold"
NOT_FINITE = "Input should be a finite number"  # the models refuse NaN and infinities (model/base.py)
NOT_UNITS = "must be a finite number of units, at most 1e12"  # the model refuses these itself
TOO_DEEP = "nested deeper than 32 levels"
NOT_AN_ID = "is not an id: ids are 1 to 128 characters"
DUPLICATE = "appears more than once in this object"
FORBIDDEN = "Extra inputs are not permitted"
BAD_VERSION = f"format_version must be a whole number from 1 to {FORMAT_VERSION}"
V1 = "cannot upgrade this format_version 1 file"
CYCLE = "sit in each other's bays (a cycle)"
STRICT = "Input should be a valid number"  # true or text in a number field (model/base.py)

# file: (place, problem) — the place exactly (None: the whole file), the problem as a substring
DESIGN_CASES: dict[str, tuple[str | None, str]] = {
    "binary-png.rackstudio": ("line 1, column 1", "byte 0x89 is not UTF-8"),
    "dangling-connection-owner.rackstudio": ("$.connections.pw-1.a.owner", "'dv-9', which is not a device or feed"),
    "dangling-part.rackstudio": ("$.devices.dv-1.part", "part type 'acme-gone', which is not in the design"),
    "dangling-port.rackstudio": ("$.connections.pw-1.a.port", "no power port named 'PS7'"),
    "dangling-rack.rackstudio": ("$.devices.dv-1.rack", "rack 'rk-gone', which is not in the design"),
    "deep-nesting-disguised.rackstudio": ("line 3, column 1257", TOO_DEEP),
    "deep-nesting-objects.rackstudio": ("line 5, column 196", TOO_DEEP),
    "deep-nesting.rackstudio": ("line 167, column 44", TOO_DEEP),
    "device-in-itself.rackstudio": ("$.devices.dv-1.parent", "a device cannot sit in itself"),
    "device-two-homes.rackstudio": ("$.devices.dv-1", "exactly one of a rack, a parent's bay, or a hall floor"),
    "duplicate-id-key.rackstudio": ("$.racks.rk-1", f'the key "rk-1" {DUPLICATE}'),
    "duplicate-key.rackstudio": ("$.racks.rk-1.x_mm", f'the key "x_mm" {DUPLICATE}'),
    "duplicate-top-level-key.rackstudio": ("$.name", f'the key "name" {DUPLICATE}'),
    "empty.rackstudio": (None, "the file is empty"),
    "format-absurd.rackstudio": ("$.format_version",
                                 f"is not a format_version (this RackStudio reads 1 to {FORMAT_VERSION})"),
    "format-bool.rackstudio": ("$.format_version", f"{BAD_VERSION}, not True"),
    "format-fraction.rackstudio": ("$.format_version", f"{BAD_VERSION}, not 1.5"),
    "format-missing.rackstudio": ("$.format_version", f"{BAD_VERSION}, not None"),
    "format-newer.rackstudio": ("$.format_version", "format_version 99, made by a newer RackStudio"),
    "format-text.rackstudio": ("$.format_version", f"{BAD_VERSION}, not '2'"),
    "format-zero.rackstudio": ("$.format_version", f"{BAD_VERSION}, not 0"),
    "huge-count.rackstudio": ("$.rack_types.rt-48u.feet_count", "999999999 is more than a whole-number field may hold"),
    "huge-float-as-text.rackstudio": ("$.halls.hall-1.depth_mm", STRICT),
    "huge-float.rackstudio": ("$.racks.rk-1.x_mm", f"1e+300 {NOT_A_NUMBER}"),
    "huge-integer-digits.rackstudio": ("line 27, column 20", f"a number of thousands of digits {NOT_A_NUMBER}"),
    "id-control-characters.rackstudio": ('$.halls["hall-\\x00\\x1b[31m"]', NOT_AN_ID),
    "id-differs-from-key.rackstudio": ("$.racks.rk-1.id", "key 'rk-1' differs from the id 'rk-2'"),
    "id-empty.rackstudio": ('$.feeds[""]', f"'' {NOT_AN_ID}"),
    "id-shared-across-collections.rackstudio": ("$.feeds.rk-1", "the id is also used in racks"),
    "id-too-long.rackstudio": (limits.json_path(("devices", "dv-" + "9" * 300)), NOT_AN_ID),
    "id-unicode-digits.rackstudio": ('$.devices["dv-²"]', NOT_AN_ID),
    "id-with-hash.rackstudio": ('$.devices["rk-1#busbar"]', NOT_AN_ID),
    "id-with-newline.rackstudio": ('$.connections["pw-1\\nInjected: line"]', NOT_AN_ID),
    "id-with-space.rackstudio": ('$.racks["rk 1"]', NOT_AN_ID),
    "infinity-as-text-height.rackstudio": ("$.part_types.acme-sw.u_height", NOT_FINITE),
    "infinity-as-text-position.rackstudio": ("$.devices.dv-1.position", STRICT),
    "infinity-literal.rackstudio": ("$.feeds.feed-a.amperage_a", f"-Infinity {NOT_A_NUMBER}"),
    "javascript-comment.rackstudio": ("line 4, column 19", "not valid JSON"),
    "latin1.rackstudio": ("line 116, column 18", f"byte 0xE9 is not UTF-8 (Latin-1 or Windows-1252 text, or not text at all?); {UTF8}"),
    "lone-low-surrogate-key.rackstudio": ('$.part_types.acme-sw.rackstudio.sources["\\udc00"]', "unpaired UTF-16 surrogate"),
    "lone-surrogate.rackstudio": ("$.racks.rk-1.name", "unpaired UTF-16 surrogate"),
    "missing-required.rackstudio": ("$.racks.rk-1.x_mm", "Field required"),
    "nan-as-text.rackstudio": ("$.racks.rk-1.y_mm", STRICT),
    "nan-literal.rackstudio": ("$.racks.rk-1.x_mm", f"NaN {NOT_A_NUMBER}"),
    "not-an-object.rackstudio": ("$", "a design is a JSON object, not a list"),
    "nul-byte-in-text.rackstudio": ("line 116, column 15", "not valid JSON: Invalid control character"),
    "parent-cycle-three.rackstudio": ("$.devices.dv-2.parent", f"devices 'CH2' (dv-2), 'CH3' (dv-3), 'CH4' (dv-4) {CYCLE}"),
    "parent-cycle-two.rackstudio": ("$.devices.dv-2.parent", f"devices 'CH2' (dv-2), 'CH3' (dv-3) {CYCLE}"),
    "null.rackstudio": ("$", "a design is a JSON object, not null"),
    "overflow-literal.rackstudio": ("$.halls.hall-1.width_mm", NOT_FINITE),
    "single-quotes.rackstudio": ("line 4, column 2", "not valid JSON"),
    "tall-part.rackstudio": ("$.part_types.acme-sw.u_height", "1e+09 U is taller than any rack"),
    "true-as-number.rackstudio": ("$.racks.rk-1.x_mm", STRICT),
    "trailing-comma.rackstudio": ("line 122, column 3", "not valid JSON"),
    "truncated.rackstudio": ("line 102, column 3", "not valid JSON"),
    "unknown-key-in-rack.rackstudio": ("$.racks.rk-1.image_file", FORBIDDEN),
    "unknown-key-path.rackstudio": ("$.path", FORBIDDEN),
    "unknown-key-python-name.rackstudio": ("$.part_types.acme-sw.rackstudio.python_name", FORBIDDEN),
    "utf16-bom.rackstudio": (None, f"the file is UTF-16 text (it starts with a UTF-16 byte-order mark); {UTF8}"),
    "utf16-no-bom.rackstudio": (None, f"the file looks like UTF-16 text (every character has zero bytes); {UTF8}"),
    "utf32-bom.rackstudio": (None, "the file is UTF-32 text"),
    "v1-bad-rotation.rackstudio": ("$.racks.rk-1.rotation", f"{V1}: rotation 45 is not 0, 90, 180 or 270"),
    "v1-devices-list.rackstudio": ("$.devices", "expected an object keyed by id, found a list"),
    "v1-record-text.rackstudio": ("$.upses.ups-1", "expected an object, found text"),
    "v1-unit-as-text.rackstudio": ("$.devices.dv-1.position", STRICT),
    "v1-unhashable-rotation.rackstudio": ("$.racks.rk-1.rotation", f"{V1}: rotation is a list, not 0, 90, 180 or 270"),
    "whitespace-only.rackstudio": (None, "the file is empty"),
    "windows-1252-quotes.rackstudio": ("line 104, column 13", "byte 0x93 is not UTF-8"),
    "wrong-enum.rackstudio": ("$.racks.rk-1.facing", "Input should be 'N', 'E', 'S' or 'W'"),
    "wrong-type-collection.rackstudio": ("$.racks", "expected an object keyed by id, found a list"),
    "wrong-type-number.rackstudio": ("$.racks.rk-1.x_mm", "Input should be a valid number"),
    "wrong-type-record.rackstudio": ("$.feeds.feed-b", "expected an object, found text"),
}

TAG = "is not allowed (only plain values, lists and mappings)"
# file: (key path, line, problem) — line None when the problem is the whole file
NETBOX_CASES: dict[str, tuple[str | None, int | None, str]] = {
    "anchor-only.yaml": (None, 8, "YAML anchors (&psu) are not allowed"),
    "billion-laughs.yaml": (None, 14, "YAML anchors (&a) are not allowed"),
    "binary-tag.yaml": (None, 14, f"YAML tag !!binary {TAG}"),
    "comment-only.yaml": (None, None, "the file is empty"),
    "complex-key.yaml": (None, 14, "mapping keys must be plain values"),
    "deep-nesting-block.yaml": (None, 30, "nested deeper than 16 levels"),
    "deep-nesting.yaml": (None, 14, "nested deeper than 16 levels"),
    "empty.yaml": (None, None, "the file is empty"),
    "huge-integer.yaml": ("power-ports[0].maximum_draw", 10, "not a usable number"),
    "huge-integer-digits.yaml": (None, None, "a number of thousands of digits is not a usable number"),
    "infinite-height.yaml": ("u_height", 5, "not a usable number (inf)"),
    "latin1.yaml": (None, None, "not UTF-8 text (byte 42)"),
    "local-tag.yaml": (None, 14, f"YAML tag !vendor-extension {TAG}"),
    "merge-key.yaml": (None, 1, "YAML anchors (&base) are not allowed"),
    "missing-model.yaml": ("model", None, "required, but missing"),
    "nan-draw.yaml": ("power-ports[0].maximum_draw", 10, "not a usable number (nan)"),
    "negative-height.yaml": ("u_height", 5, "must not be negative"),
    "not-a-mapping.yaml": (None, None, "expected a mapping of NetBox fields, found a list"),
    "overflow-float.yaml": ("u_height", 5, "not a usable number (inf)"),
    "python-module.yaml": (None, 14, f"YAML tag !!python/module:os {TAG}"),
    "python-name.yaml": (None, 14, f"YAML tag !!python/name:os.system {TAG}"),
    "python-object-apply-os-system.yaml": (None, 14, f"YAML tag !!python/object/apply:os.system {TAG}"),
    "python-object-apply-top-level.yaml": (None, 1, f"YAML tag !!python/object/apply:os.system {TAG}"),
    "python-object-new-popen.yaml": (None, 14, f"YAML tag !!python/object/new:subprocess.Popen {TAG}"),
    "python-tuple.yaml": (None, 14, f"YAML tag !!python/tuple {TAG}"),
    "scalar-document.yaml": (None, None, "expected a mapping of NetBox fields, found text"),
    "set-tag.yaml": (None, 14, f"YAML tag !!set {TAG}"),
    "tab-indentation.yaml": (None, 12, "YAML syntax"),
    "timestamp-tag.yaml": (None, 14, f"YAML tag !!timestamp {TAG}"),
    "truncated.yaml": (None, 12, "YAML syntax"),
    "two-documents.yaml": (None, 14, "expected a single document"),
    "utf16.yaml": (None, None, "not UTF-8 text"),
    "wrong-type-components.yaml": ("power-ports", 7, "expected a list, found text"),
    "wrong-type-list.yaml": ("u_height", 5, "expected a number, found a list"),
}


# --- watching for side effects (PEP 578 audit hooks cannot be removed: one hook, switched) --------

_WATCH: list[list[tuple[str, tuple]]] = []
_WARM: list[bool] = []
_SIDE_EFFECTS = ("os.system", "subprocess.Popen", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
                 "os.kill", "socket.", "ctypes.", "os.remove", "os.rename", "os.mkdir", "os.rmdir",
                 "shutil.", "os.symlink", "os.chmod", "exec", "compile", "pty.spawn", "webbrowser")


def _audit(event: str, args: tuple) -> None:
    if _WATCH and (event == "open" or event.startswith(_SIDE_EFFECTS)):
        _WATCH[-1].append((event, args))


sys.addaudithook(_audit)


def _warm_up() -> None:
    """Import what loading imports lazily (codecs, yaml internals), so the hook sees only the file."""
    parse(BASE.read_bytes())
    parse_device_type((HOSTILE / "netbox" / "negative-height.yaml").read_text())
    load_device_type(HOSTILE / "netbox" / "latin1.yaml")
    for name in DESIGN_CASES:
        with suppress(LoadError):
            load(HOSTILE / "design" / name)


@contextmanager
def no_side_effects(allowed_open: Path | None = None):
    """Fail if anything inside runs a process, touches the network or files, or compiles code;
    `allowed_open` may be opened for reading (the file being loaded)."""
    if not _WARM:
        _warm_up()
        _WARM.append(True)
    events: list[tuple[str, tuple]] = []
    _WATCH.append(events)
    try:
        yield
    finally:
        _WATCH.pop()
    unexpected = [(e, a) for e, a in events if not (e == "open" and _reads(a, allowed_open))]
    assert not unexpected, f"side effects while loading: {unexpected[:5]}"


def _reads(args: tuple, allowed: Path | None) -> bool:
    path, mode, flags = args
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    same = isinstance(path, int) or Path(os.fsdecode(path)) == allowed  # an int: os.fdopen of that file
    return (allowed is not None and same and (mode is None or "r" in mode) and "+" not in (mode or "")
            and not (flags or 0) & writes)


# --- designs ------------------------------------------------------------------------------------

def test_every_hostile_file_has_a_case_and_there_are_at_least_fifty():
    designs = {p.name for p in (HOSTILE / "design").iterdir()}
    netbox = {p.name for p in (HOSTILE / "netbox").iterdir()}
    assert designs == set(DESIGN_CASES)
    assert netbox == set(NETBOX_CASES)
    assert len(designs) + len(netbox) >= 50


def test_the_base_of_the_hostile_designs_loads():
    assert parse(BASE.read_bytes(), BASE).design.name == "hostile base"


def assert_refused(path: Path, where: str | None, what: str, content: bytes | None = None) -> LoadError:
    with no_side_effects(allowed_open=path if content is None else None), pytest.raises(LoadError) as info:
        if content is None:
            load(path)
        else:
            parse(content, path)
    error = info.value
    assert error.path == str(path)
    assert error.where == where, error.message
    assert what in error.what, error.message
    message = error.message
    assert message.startswith(f"{path}{' at ' + where if where else ''}: ")
    assert "\n" not in message and "\r" not in message and len(message) < 500
    return error


@pytest.mark.parametrize("name", sorted(DESIGN_CASES))
def test_a_hostile_design_is_refused_with_file_place_and_problem(name):
    where, what = DESIGN_CASES[name]
    assert_refused(HOSTILE / "design" / name, where, what)


def test_parse_of_text_refuses_like_load():
    for name in ("nan-literal.rackstudio", "lone-surrogate.rackstudio", "deep-nesting.rackstudio"):
        where, what = DESIGN_CASES[name]
        path = HOSTILE / "design" / name
        assert_refused(path, where, what, content=path.read_text(encoding="utf-8"))


def test_text_with_a_lone_surrogate_of_its_own_is_refused():
    text = BASE.read_text().replace('"name": "A01"', '"name": "A\ud80001"')
    assert_refused(BASE, "$.racks.rk-1.name", "unpaired UTF-16 surrogate", content=text)


# --- made at test time: too large to commit -------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.rackstudio"
    with open(path, "wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: no disk, no time
    assert_refused(path, None, "MiB, over the 256 MiB limit")


def test_bytes_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr("rackstudio.io.project_file.MAX_FILE_BYTES", 1000)
    assert_refused(BASE, None, "over the 0 MiB limit", content=BASE.read_bytes())


def test_special_files_are_not_read(tmp_path):
    fifo = tmp_path / "pipe.rackstudio"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="not a regular file"):
        load(fifo)  # would wait for a writer forever if opened the usual way
    with pytest.raises(LoadError, match="not a regular file"):
        load("/dev/zero")


@pytest.mark.parametrize(("field", "size", "where"), [
    ("name", limits.MAX_NAME_CHARS + 1, "$.racks.rk-1.name"),
    ("description", limits.MAX_TEXT_CHARS + 1, "$.racks.rk-1.description"),
    ("escaped", limits.MAX_NAME_CHARS + 1, "$.racks.rk-1.name"),
    ("key", limits.MAX_NAME_CHARS + 1, None),
])
def test_absurdly_long_text_is_refused(field, size, where):
    text = BASE.read_text()
    if field == "escaped":  # escaped quotes cannot hide a long string from the screen
        text = text.replace('"name": "A01"', '"name": "' + '\\"' * size + '"')
    elif field == "key":
        long_key = "k" * size
        text = text.replace('"sources": {}', f'"sources": {{"{long_key}": "x"}}')
        where = limits.json_path(("part_types", "acme-sw", "rackstudio", "sources", long_key))
    else:
        text = text.replace('"facing": "S"\n  }\n },\n "devices"',
                            f'"facing": "S", "{field}": "{"x" * size}"\n  }}\n }},\n "devices"')
        if field == "name":
            text = text.replace('"name": "A01",', "")
    assert_refused(BASE, where, f"text of {size:,} characters", content=text)


def test_long_free_text_within_the_limit_loads():
    text = BASE.read_text().replace('"facing": "S"\n  }\n },\n "devices"',
                                    f'"facing": "S", "description": "{"x" * 500_000}"\n  }}\n }},\n "devices"')
    assert len(parse(text).design.racks["rk-1"].description) == 500_000


def test_a_utf8_byte_order_mark_is_tolerated_with_a_warning():
    loaded = parse(b"\xef\xbb\xbf" + BASE.read_bytes(), "bom.rackstudio")
    assert loaded.warnings[0] == ("line 1, column 1",
                                  "the file starts with a UTF-8 byte-order mark; it is saved without one")
    assert not dumps(loaded.design).startswith("\ufeff")


def test_every_model_in_a_design_refuses_unknown_keys():
    """No design field holds a path, a module or a command, and no model takes keys it does not
    know: a design file can never name something for RackStudio to open, import or run."""
    from pydantic import BaseModel

    from rackstudio.model import Design

    seen: set[type] = set()
    todo: list[type] = [Design]
    risky = {"path", "file", "dir", "folder", "url", "uri", "python", "command", "exec", "script",
             "plugin", "import", "code"}
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        assert model.model_config.get("extra") == "forbid", model
        for name, field in model.model_fields.items():
            assert not set(name.split("_")) & risky, f"{model.__name__}.{name}"
            for arg in _annotation_types(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    assert len(seen) > 20  # the walk reached the nested records, not just Design


def _annotation_types(annotation):
    import typing

    yield annotation
    for arg in typing.get_args(annotation):
        yield from _annotation_types(arg)


# --- NetBox YAML --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(NETBOX_CASES))
def test_a_hostile_netbox_file_is_refused_with_file_place_and_problem(name, tmp_path):
    where, line, what = NETBOX_CASES[name]
    marker = tmp_path / "marker"
    path = tmp_path / name
    path.write_bytes((HOSTILE / "netbox" / name).read_bytes().replace(b"{MARKER}", str(marker).encode()))
    with no_side_effects(allowed_open=path):
        result = load_device_type(path)
    assert result.part is None and result.error is not None
    error = result.error
    assert error.path == str(path)
    assert (error.where, error.line) == (where, line), str(error)
    assert what in error.reason, str(error)
    assert "\n" not in str(error)
    assert not marker.exists()


def test_the_python_payloads_are_live_when_loaded_unsafely(tmp_path):
    """Positive control: PyYAML's unsafe loader does run the payload the safe reader refuses."""
    marker = tmp_path / "marker"
    text = (HOSTILE / "netbox" / "python-object-apply-top-level.yaml").read_text().replace("{MARKER}", str(marker))
    yaml.load(text, Loader=yaml.UnsafeLoader)  # noqa: S506 - the point of the test
    assert marker.exists()
    marker.unlink()
    with no_side_effects():
        assert not parse_device_type(text).ok
    assert not marker.exists()


def test_an_oversized_netbox_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(3 * 2**20)
    result = load_device_type(path)
    assert not result.ok and "larger than 2 MiB" in result.error.reason


def test_a_huge_netbox_string_loads_flagged_or_is_refused():
    text = (HOSTILE.parent / "hostile" / "netbox" / "negative-height.yaml").read_text()
    text = text.replace("u_height: -4", "u_height: 1") + "description: " + "x" * 1_500_000 + "\n"
    result = parse_device_type(text)
    assert result.ok and any(flag.key == "too-long" for flag in result.flags)


# --- library folders --------------------------------------------------------------------------

@pytest.fixture
def escaping_library(tmp_path):
    """A NetBox-layout folder with a symlinked file and a symlinked maker folder that point
    outside it, a symlink to /dev/zero and a FIFO."""
    root, outside = tmp_path / "library", tmp_path / "outside"
    acme = root / "device-types" / "Acme"
    acme.mkdir(parents=True)
    (outside / "Evil").mkdir(parents=True)
    part = "manufacturer: {m}\nmodel: {n}\nslug: {s}\nu_height: 1\n"
    (acme / "good.yaml").write_text(part.format(m="Acme", n="Good", s="acme-good"))
    (outside / "secret.yaml").write_text(part.format(m="Secret", n="File", s="secret-file"))
    (outside / "Evil" / "other.yaml").write_text(part.format(m="Secret", n="Folder", s="secret-folder"))
    (acme / "link.yaml").symlink_to(outside / "secret.yaml")
    (root / "device-types" / "Evil").symlink_to(outside / "Evil", target_is_directory=True)
    (acme / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(acme / "fifo.yaml")
    return root


def test_a_library_with_devices_and_fifos_indexes_without_hanging(escaping_library):
    catalog = Catalog([LibrarySource("user", escaping_library)], cache_dir=None)
    assert "Acme Good" in {e.title for e in catalog.entries}


def test_the_catalog_does_not_follow_symlinks_out_of_a_library(escaping_library):
    catalog = Catalog([LibrarySource("user", escaping_library)], cache_dir=None)
    root = escaping_library.resolve()
    outside = [e.path for e in catalog.entries if not e.path.resolve().is_relative_to(root)]
    assert outside == []
    refused = {Path(p.problem.path).name for p in catalog.problems if "link leaves the library folder" in str(p)}
    assert {"link.yaml", "Evil"} <= refused


# --- what cannot be written is not written ----------------------------------------------------

@pytest.mark.parametrize(("change", "problem"), [
    ({"x_mm": float("nan")}, "$.racks.rk-1.x_mm is not a finite number"),
    ({"y_mm": float("inf")}, "$.racks.rk-1.y_mm is not a finite number"),
    ({"name": "A\ud80001"}, "text that cannot be written as UTF-8"),
])
def test_a_design_that_cannot_be_written_faithfully_is_not_saved(tmp_path, change, problem):
    """NaN and infinity would be written as null (a file that no longer loads), a lone surrogate
    cannot be encoded: save refuses both and leaves the file on disk as it was."""
    from rackstudio.errors import SaveError
    from rackstudio.io import save

    path = tmp_path / "pod.rackstudio"
    design = parse(BASE.read_bytes()).design
    save(design, path)
    before = path.read_bytes()
    design.put("racks", design.racks["rk-1"].model_copy(update=change))
    with pytest.raises(SaveError, match=re.escape(problem)):
        save(design, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.rackstudio"]


# --- graphs a loader refuses, and walks that end anyway -------------------------------------------

def _with_cycle(length: int):
    """The base design with `length` devices each in the next one's bay, put past the loader
    (a plugin, a bug or an older build could leave such a model in memory)."""
    from rackstudio.model.design import Device

    design = parse(BASE.read_bytes()).design
    for i in range(length):
        design.devices[f"dv-c{i}"] = Device(id=f"dv-c{i}", name=f"C{i}", part="acme-sw",
                                            parent=f"dv-c{(i + 1) % length}", bay="b1")
    return design


@pytest.mark.timeout(60)
@pytest.mark.parametrize("length", [2, 3])
def test_every_walk_up_the_parents_ends_on_a_cycle(length, tmp_path):
    """Checks, cable schedule and BOM on a model with a parent cycle end (each used to loop
    forever or raise RecursionError)."""
    from rackstudio.checks.engine import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph
    from rackstudio.model import geometry
    from rackstudio.reports import bom, cable_schedule

    design = _with_cycle(length)
    engine = CheckEngine(design, ComponentGraph(design))
    engine.run_full()
    assert cable_schedule.unit_text(design, "dv-c0").split() == ["b1"] * geometry.MAX_BAY_DEPTH
    assert geometry.mounted_root(design, "dv-c0") is None
    assert len(list(geometry.devices_within(design, "dv-c0"))) <= geometry.MAX_BAY_DEPTH * length + length
    cable_schedule.export(design, tmp_path / "cables.csv")
    bom.export(design, tmp_path / "bom.csv")


def test_a_command_cannot_make_a_parent_cycle():
    from rackstudio.model import integrity

    design = _with_cycle(1)  # dv-c0 in its own bay: remove it, build A in B's bay, try B into A
    del design.devices["dv-c0"]
    from rackstudio.model.design import Device

    design.devices["dv-a"] = Device(id="dv-a", name="A", part="acme-sw", rack="rk-1", position=10)
    design.devices["dv-b"] = Device(id="dv-b", name="B", part="acme-sw", parent="dv-a", bay="b1")
    moved = design.devices["dv-a"].model_copy(update={"rack": None, "position": None, "parent": "dv-b", "bay": "b1"})
    problems = integrity.record_problems(design, "devices", moved)
    assert any("cannot sit in a bay of a device that sits" in what for _, what in problems), problems


def test_bays_nested_deeper_than_any_design_are_refused():
    from rackstudio.model import geometry

    data = BASE.read_text()
    import json

    doc = json.loads(data)
    for i in range(geometry.MAX_BAY_DEPTH + 1):
        doc["devices"][f"dv-n{i}"] = {"id": f"dv-n{i}", "name": f"N{i}", "part": "acme-sw",
                                      "parent": f"dv-n{i - 1}" if i else "dv-1", "bay": "b1"}
    with pytest.raises(LoadError, match=f"nested {geometry.MAX_BAY_DEPTH + 1} bays deep"):
        parse(json.dumps(doc))


def test_power_inputs_with_more_cords_than_any_design_are_refused():
    """One cord per inlet in a real design (CAB-015 flags a second); past the limit the file is
    not a design, and a connection that would pass it is refused as an edit too."""
    from fuzz import graphs
    from rackstudio.io.project_file import dumps
    from rackstudio.model import integrity

    limit = integrity.MAX_CORDS_PER_INPUT
    at_limit = graphs.fan_in(limit)
    assert parse(dumps(at_limit)).design.connections.keys() == at_limit.connections.keys()
    with pytest.raises(LoadError, match=rf"\$\.connections\.pw-\d+\.a: {limit + 1} power cords into PDU 0 "
                                        rf"Inlet, more than {limit}"):
        parse(dumps(graphs.fan_in(limit + 1)))
    one_more = at_limit.connections["pw-0"].model_copy(update={"id": "pw-more"})
    assert any(f"more than {limit}" in what for _, what in integrity.record_problems(at_limit, "connections",
                                                                                       one_more))


def test_power_chains_deeper_than_any_design_are_refused():
    """Real designs daisy-chain one or two PDUs; a chain past the limit is refused at load (each
    PDU of it is a failure scenario that walks the rest), and so is the edit that would make one."""
    from fuzz import graphs
    from rackstudio.io.project_file import dumps
    from rackstudio.model import Connection, Device, PortRef, integrity

    limit = integrity.MAX_POWER_CHAIN  # devices below a feed, the server at the end included
    at_limit = graphs.power_chain(limit - 1)
    assert parse(dumps(at_limit)).design.devices.keys() == at_limit.devices.keys()
    with pytest.raises(LoadError, match=rf"\$\.devices\.srv-1: .*{limit + 1} devices deep .* more than {limit}"):
        parse(dumps(graphs.power_chain(limit)))
    # the edits: one more PDU below the last one is at the limit; the server's second cord into it is past
    last = f"pdu-{limit - 2}"
    at_limit.put("devices", Device(id="pdu-new", name="PDU new", part="fuzz-pdu", rack="rk-1", side="right"))
    to_new = Connection(id="pw-new", kind="power", a=PortRef(owner="pdu-new", port="Inlet"),
                        b=PortRef(owner=last, port="O1"))
    assert not integrity.record_problems(at_limit, "connections", to_new)
    at_limit.put("connections", to_new)
    second = Connection(id="pw-psu2", kind="power", a=PortRef(owner="srv-1", port="PSU2"),
                        b=PortRef(owner="pdu-new", port="O0"))
    assert [what for _, what in integrity.record_problems(at_limit, "connections", second)] == [
        f"Server would sit {limit + 1} devices deep in a chain of power below a feed, more than {limit}"]


def test_a_power_chain_at_the_limit_checks_within_counted_work(monkeypatch):
    """The deepest chain loading accepts: a full check walks at most one failure scenario per
    device of the chain and a few steps per node and edge in each (counted, not timed)."""
    from fuzz import graphs
    from rackstudio.checks import power_flow
    from rackstudio.checks.context import CheckContext
    from rackstudio.checks.engine import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph
    from rackstudio.model import integrity

    design = graphs.power_chain(integrity.MAX_POWER_CHAIN - 1)
    engine = CheckEngine(design, ComponentGraph(design))
    monkeypatch.setattr(CheckContext, "end_pass", lambda ctx: None)  # the run's memo kept, to count its flows
    engine.run_full()
    g = engine.graph.g
    size = g.number_of_nodes() + sum(1 for *_, a in g.edges(data=True) if a["kind"] in power_flow.POWER_EDGES)
    flows = [v for k, v in engine.ctx.memo.items() if isinstance(k, tuple) and k[0] == "flow"]
    assert 0 < len(flows) <= integrity.MAX_POWER_CHAIN + 1
    assert sum(f.visits for f in flows) <= 4 * size * (integrity.MAX_POWER_CHAIN + 1)


# --- power flow: work counted, linear in the graph ------------------------------------------------

@pytest.mark.parametrize(("shape", "size"), [("power_chain", 3000), ("fan_in", 10_000)])
def test_power_flow_work_is_linear_in_the_graph(shape, size, monkeypatch):
    """A chain of 3,000 daisy-chained PDUs (374 s to check before) and 10,000 cables into one PDU
    inlet (62 s): liveness and demand for every node of a scenario, and the suppliers above every
    node, take at most a few steps per node and edge of the power graph (counted, not timed)."""
    from fuzz import graphs
    from rackstudio.checks import power_flow
    from rackstudio.checks.context import CheckContext
    from rackstudio.graph.component_graph import ComponentGraph

    design = graphs.SHAPES[shape](size)
    ctx = CheckContext(design, ComponentGraph(design))
    g = ctx.graph.g
    graph_size = g.number_of_nodes() + sum(1 for *_, a in g.edges(data=True) if a["kind"] in power_flow.POWER_EDGES)
    for failed in (power_flow.NOTHING_FAILED, frozenset({"pdu-0"})):
        scenario = power_flow.flow(ctx, failed)
        for feed in design.feeds:
            scenario.demand(feed)
            scenario.feed_leg_power(feed)
        for device in design.devices:
            scenario.live(device)
            scenario.live_inputs(device)
            scenario.outlet_flows(device)
        assert scenario.visits <= 4 * graph_size, (failed, scenario.visits, graph_size)
    steps = []
    real = power_flow.suppliers
    monkeypatch.setattr(power_flow, "suppliers", lambda c, n: steps.append(n) or real(c, n))
    for device in design.devices:
        power_flow.upstream(ctx, device)
    assert len(steps) <= 2 * graph_size
    top = power_flow.flow(ctx).demand("feed-a")
    assert top == pytest.approx(600.0)  # the one server's allocation reaches the feed, whatever the shape


# --- unsafe exports: formulas and control characters in names ------------------------------------

CONTROLS = HOSTILE / "design-loads" / "control-characters-in-names.rackstudio"


def test_a_design_with_control_characters_in_names_loads_with_a_warning():
    loaded = load(CONTROLS)
    assert loaded.warnings[:2] == [
        ("$.racks.rk-1.name", "the name holds control characters (A01\\x1b[2J\\x07); rename it"),
        ("$.devices.dv-1.name",
         'the name holds control characters (=HYPERLINK("http://x")\\x1b]0;pwned\\x07); rename it')]


def test_csv_cells_that_would_be_formulas_are_plain_text_and_controls_escaped(tmp_path):
    """OWASP CSV injection: a cell starting with = + - @ tab or CR gets a leading quote; numbers
    stay numbers; control characters are written as escapes."""
    import csv

    from rackstudio.reports import bom, cable_schedule

    design = load(CONTROLS).design
    rows = list(csv.reader(cable_schedule.export(design, tmp_path / "cables.csv").open(encoding="utf-8")))
    assert rows[1][0] == "'-2+3" and rows[1][4] == "'=HYPERLINK(\"http://x\")\\x1b]0;pwned\\x07"
    assert rows[1][2] == "A01\\x1b[2J\\x07"
    text = bom.export(design, tmp_path / "bom.csv").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    for row in csv.reader(text.splitlines()):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


@pytest.mark.parametrize("command", [["info"], ["check"], ["diff", str(BASE)]])
def test_terminal_output_escapes_control_characters(command, capsys):
    from rackstudio.cli import main

    args = [command[0], str(CONTROLS), *command[1:]] if command[0] != "diff" else ["diff", str(BASE), str(CONTROLS)]
    main(args)
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    if command[0] == "check":
        assert "A01\\x1b[2J\\x07" in out


def test_the_editor_refuses_control_characters():
    from rackstudio.commands import SetProperty
    from rackstudio.commands.base import Refused
    from rackstudio.document import Document

    document = Document(parse(BASE.read_bytes()).design)
    with pytest.raises(Refused, match="control characters"):
        document.execute(SetProperty("rk-1", "name", "A01\x1b[31m"))
    document.execute(SetProperty("rk-1", "name", "A01\tleft"))  # tab is text


# --- one bad file never takes down the parts library ---------------------------------------------

@pytest.mark.parametrize("schema", ['{"definitions": {"airflow": [1, 2', "[1, 2]", "[" * 100_000 + "]" * 100_000,
                                    '{"definitions": 5}'])
def test_a_bad_library_file_or_folder_is_one_problem_and_the_rest_loads(tmp_path, monkeypatch, schema):
    """A 5,000-digit integer, an unreadable maker folder and a malformed generated_schema.json
    each become one problem; the library's other parts and the built-in parts still load."""
    from rackstudio.library.catalog import builtin_source

    root = tmp_path / "library"
    for maker in ("Acme", "Locked"):
        (root / "device-types" / maker).mkdir(parents=True)
    part = "manufacturer: {m}\nmodel: {n}\nslug: {s}\nu_height: 1\n"
    (root / "device-types" / "Acme" / "good.yaml").write_text(part.format(m="Acme", n="Good", s="acme-good"))
    (root / "device-types" / "Acme" / "big.yaml").write_bytes((HOSTILE / "netbox" / "huge-integer-digits.yaml").read_bytes())
    (root / "device-types" / "Locked" / "x.yaml").write_text(part.format(m="Locked", n="X", s="locked-x"))
    (root / "schema").mkdir()
    (root / "schema" / "generated_schema.json").write_text(schema)
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("Locked"):  # the tests run as root, for whom chmod 000 hides nothing
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    catalog = Catalog([LibrarySource("user", root), builtin_source()], cache_dir=None)
    titles = {e.title for e in catalog.entries}
    assert "Acme Good" in titles and len([e for e in catalog.entries if e.source == "builtin"]) >= 10
    problems = sorted(str(p.problem) for p in catalog.problems)
    assert len(problems) == 3, problems
    assert any("big.yaml" in p and "thousands of digits" in p for p in problems)
    assert any("Locked" in p and "cannot be read (Permission denied)" in p for p in problems)
    assert any("generated_schema.json" in p and "not used to check choice values" in p for p in problems)


# --- memory amplification ------------------------------------------------------------------------

def test_the_text_screen_holds_bounded_memory_per_escape():
    """8 MB of `\\u0041` escapes in one description: the screen used to fold every escape at once
    (~90 bytes each: 1.9 GB for 42 MB); now the whole refusal peaks at a few times the file."""
    import tracemalloc

    escapes = "\\u0041" * 1_400_000
    text = BASE.read_text().replace('"facing": "S"\n  }\n },\n "devices"',
                                    f'"facing": "S", "description": "{escapes}"\n  }}\n }},\n "devices"')
    raw = text.encode()
    del text, escapes
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="text of 1,400,000 characters"):
            parse(raw, "escapes.rackstudio")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * len(raw), f"{peak / 2**20:.0f} MiB for a {len(raw) / 2**20:.0f} MiB file"


def test_running_out_of_memory_while_loading_is_the_usual_one_line_refusal(monkeypatch):
    def exhausted(raw):
        raise MemoryError

    monkeypatch.setattr(limits, "screen_text", exhausted)
    with pytest.raises(LoadError) as info:
        parse(BASE.read_bytes(), BASE)
    assert info.value.message == f"{BASE}: there is not enough memory to load this file"


def test_a_netbox_file_with_control_characters_in_its_names_is_flagged():
    text = (HOSTILE / "netbox" / "negative-height.yaml").read_text().replace("u_height: -4", "u_height: 1")
    text = text.replace("model: ", 'model: "Evil\\e[2J" # ', 1)
    result = parse_device_type(text)
    assert result.ok and any(f.key == "control-characters" and "\\x1b[2J" in f.message for f in result.flags), result.flags


# --- the screens' fast paths say what the exact searches say -----------------------------------------

@pytest.mark.parametrize("path, value, problem", [
    (("part_types", "coolit-chx2000", "rackstudio", "footprint_mm", 0), 1e13, f"10000000000000.0 {NOT_A_NUMBER}"),
    (("part_types", "coolit-chx2000", "rackstudio", "power", "psu_redundancy", "n"), 5_000_000,
     "5000000 is more than a whole-number field may hold"),
    (("connections", "cb-109", "length_m"), 1e13, f"10000000000000.0 {NOT_A_NUMBER}"),
], ids=["a real in a part's list", "a count two models deep", "a cable's length beside its bounded legs"])
def test_a_number_deep_in_the_records_is_refused_with_its_place(path, value, problem):
    """`limits.check_numbers` takes a field of all a table's records at once, and skips fields whose
    own bounds the model has already held them to (a cable end's leg, 1-8); a number too large two
    models and a list deep, or beside such a field, is still refused, at its place."""
    import json

    from rackstudio.paths import example_design

    data = json.loads(example_design().read_text(encoding="utf-8"))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(LoadError) as info:
        parse(json.dumps(data, indent=1), "deep.rackstudio")
    assert info.value.where == limits.json_path(path) and problem in info.value.message


@pytest.mark.parametrize("text", [b"", b"plain", b"a\\\\b", b"\\u0041", b"x\\u0007", b"\\r", b"\\f\\n", b"\\\\" * 5000,
                                  b"\\n" * 5000 + b"\\b", b"\\t" * 4095 + b"\\u001b", b"\\" * 3])
def test_the_control_character_screen_fires_where_a_search_for_each_escape_would(text):
    assert limits.may_hold_control(text) == any(e in text for e in (b"\\u00", b"\\u007", b"\\b", b"\\f", b"\\r"))
