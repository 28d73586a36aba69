"""Real device- and module-type files from two published libraries in the NetBox device-type library
format (tests/data/devicetype-library: Nautobot's fork of the NetBox community library, every file of
the manufacturers that fill AI halls, and NRK's extension library in full; origin and licence in each
SOURCE.md), read through the parts catalog exactly as the app's palette and `rackstudio parts` read
a parts folder. At least 99 % load, each with usable power (a figure, a flagged unknown, or none by
nature), and what is refused says which file and why in one line."""
from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from rackstudio.cli import main
from rackstudio.library.catalog import Catalog, LibrarySource
from rackstudio.library.index import KINDS
from rackstudio.model.modules import fitted
from rackstudio.power.draw import PASS_THROUGH, PASSIVE_CATEGORIES, part_draw
from tests.conftest import DATA, require_data

LIBRARY = DATA / "devicetype-library"
SOURCES = ("nautobot", "nrkno")
# Files of the set the loader refuses, by path: none. Every file of these libraries is valid in the
# library's format; a new refusal is a loader regression (or a file here that was changed).
REFUSED: dict[str, str] = {}
UNKNOWN_FLAGS = {"no-power-draw", "no-power-inlet"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog([LibrarySource(name, require_data(LIBRARY / name)) for name in SOURCES])


def _manifest(name: str) -> dict:
    return json.loads((LIBRARY / name / "MANIFEST.json").read_text(encoding="utf-8"))


def _rel(path: Path | str) -> str:
    return Path(path).relative_to(LIBRARY).as_posix()


@pytest.mark.parametrize("name", SOURCES)
def test_the_set_is_the_published_files_byte_for_byte(name):
    root = require_data(LIBRARY / name)
    manifest = _manifest(name)
    on_disk = sorted(p.relative_to(root).as_posix() for folder in KINDS for p in (root / folder).rglob("*")
                     if p.is_file())
    assert on_disk == [f["path"] for f in manifest["files"]]
    for f in manifest["files"]:
        assert hashlib.sha256((root / f["path"]).read_bytes()).hexdigest() == f["sha256"], f["path"]
    assert len(manifest["commit"]) == 40 and manifest["repository"] in (
        "nautobot/devicetype-library", "nrkno/netbox-devicetype-library")
    assert "CC0 1.0" in manifest["licence"] and manifest["commit"] in (root / "SOURCE.md").read_text()


def test_at_least_99_percent_load_and_each_refusal_is_one_line(catalog):
    files = [(name, f) for name, index in catalog.indexes.items() for f in index.files]
    assert len(files) == sum(len(_manifest(name)["files"]) for name in SOURCES)
    per_kind = Counter(f.kind for _, f in files)
    assert per_kind["device-type"] >= 300 and per_kind["module-type"] >= 100
    loaded = [f for _, f in files if f.summary is not None]
    assert len(loaded) >= 0.99 * len(files), f"{len(loaded)} of {len(files)} load"
    refused = {}
    for problem in catalog.problems:
        text = str(problem)
        assert "\n" not in text and "Traceback" not in text and len(text) < 400, text
        assert problem.problem.path.startswith(str(LIBRARY)) and problem.problem.reason, text
        refused[_rel(problem.problem.path)] = problem.problem.reason
    assert refused == REFUSED


def test_every_listed_part_opens_as_the_palette_opens_it(catalog):
    """What the index listed also parses in full on demand (a drag from the palette), module types
    too, and so does a file another file of the same model shadows (NRK has two "Lawo AES3 I/O")."""
    kinds = Counter()
    assert [c.winner.model for c in catalog.conflicts] == ["AES3 I/O"]
    for entry in (*catalog.entries, *catalog.shadowed()):
        result = catalog.load(entry)
        assert result.ok and result.part is not None, str(result.error)
        kinds[entry.kind] += 1
    assert kinds["module-type"] == sum(1 for name in SOURCES for f in _manifest(name)["files"]
                                       if f["kind"] == "module-types")


def _power(part, flags) -> str:
    """How a loaded device type's power reads: a figure, a flagged unknown, or none by nature."""
    draw = part_draw(part)
    if draw.known and draw.max_w > 0:
        return "derived" if draw.derived else "known"
    if part.category in PASS_THROUGH:
        return "passes power on"  # a PDU's load is what is plugged into it
    if draw.basis == "not powered":
        return "not powered"
    if draw.basis == "not drawn" and part.subdevice_role == "child":
        return "through its parent"
    if draw.basis == "not drawn" and part.category in PASSIVE_CATEGORIES:
        return "passive"  # patch panels and blanks draw nothing
    if not draw.known and UNKNOWN_FLAGS & {f.key for f in flags}:
        return "unknown, flagged"
    return f"silent ({draw.basis}, {draw.max_w:g} W)"


def test_no_device_type_loads_as_a_silent_zero(catalog):
    """Loads means loads with usable power: nothing powered and active reads as a known 0 W, and
    the palette lists an unknown as no figure, never as 0 W."""
    outcomes: dict[str, str] = {}
    for entry in catalog.entries:
        if entry.kind != "device-type":
            continue
        outcomes[_rel(entry.path)] = outcome = _power(catalog.part(entry), entry.flags)
        if outcome == "unknown, flagged":
            assert entry.max_power_w is None, entry.path
    silent = {path: o for path, o in outcomes.items() if o.startswith("silent")}
    assert not silent
    counts = Counter(outcomes.values())
    assert counts["known"] + counts["derived"] >= 250 and counts["unknown, flagged"] >= 1


def _entry(catalog, manufacturer, model, kind="device-type"):
    entry = catalog.find(manufacturer, model, kind)
    assert entry is not None, f"{manufacturer} {model}"
    return entry


def test_a_server_with_psu_bays_is_unknown_until_its_psus_are_installed(catalog):
    entry = _entry(catalog, "Dell", "PowerEdge R7625")
    server = catalog.part(entry)
    assert [b.name for b in server.module_bays] == ["OCP 3.0", "PSU-1", "PSU-2"] and not server.power_ports
    draw = part_draw(server)
    assert (draw.known, draw.basis, entry.max_power_w) == (False, "no power inlet", None)
    assert any(f.key == "no-power-inlet" and "unknown until PSU modules are installed" in f.message
               for f in entry.flags)
    psu_entry = _entry(catalog, "Dell", "0GDPF3", "module-type")
    psu = catalog.module_type(psu_entry)
    assert psu.is_psu and psu_entry.max_power_w == 1100 and psu_entry.category == "module"
    installed = fitted(server, {"PSU-1": psu, "PSU-2": psu})
    # NetBox names a module's ports by the bay's position: "PSU{module}" in bay PSU-1 is "PSUPSU-1"
    assert [p.name for p in installed.power_ports] == ["PSUPSU-1", "PSUPSU-2"]
    draw = part_draw(installed)  # 1+1 redundant 1,100 W supplies: at most one PSU's rating, flagged
    assert (draw.known, draw.derived, draw.max_w) == (True, True, 1100)


def test_a_three_phase_pdu_keeps_its_outlets_legs_and_inlet(catalog):
    pdu = catalog.part(_entry(catalog, "Raritan", "PX3-5664U"))
    assert pdu.category.value == "pdu" and pdu.u_height == 0
    assert Counter(o.type for o in pdu.power_outlets) == {"iec-60320-c13": 24, "iec-60320-c19": 6}
    assert Counter(o.feed_leg for o in pdu.power_outlets) == {"A": 10, "B": 10, "C": 10}
    spec = pdu.rackstudio.pdu  # from its NEMA L21-30P inlet (engineering.md 2.10)
    assert (spec.inlet_phase, spec.inlet_voltage_v, spec.inlet_amperage_a) == ("three-phase", 208, 30)


def test_switches_keep_their_interfaces_and_power(catalog):
    arista = catalog.part(_entry(catalog, "Arista", "DCS-7060DX4-32"))
    assert arista.category.value == "switch"
    assert Counter(i.type for i in arista.interfaces)["400gbase-x-qsfpdd"] == 32
    draw = part_draw(arista)  # two 1,600 W PSUs, 342 W allocated on each
    assert (draw.known, draw.max_w, draw.allocated_w) == (True, 3200, 684)
    spectrum = catalog.part(_entry(catalog, "Mellanox", "SN4700"))
    assert spectrum.category.value == "switch" and len(spectrum.interfaces) == 33
    assert not part_draw(spectrum).known  # the file gives no draw: unknown, not 0 W


def test_nautobot_files_without_slug_or_u_height_load_as_netbox_reads_them(catalog):
    """Nautobot's fork drops `slug`, and early-2024 files omit `u_height`: NetBox derives the one
    and defaults the other to 1U; both are flagged."""
    entry = _entry(catalog, "Lenovo", "ThinkSystem SR630")
    assert entry.slug == "lenovo-thinksystem-sr630" and entry.u_height == 1
    messages = [f.message for f in entry.flags]
    assert "no u_height; assumed 1 (NetBox's default)" in messages
    assert "no slug; derived 'lenovo-thinksystem-sr630'" in messages


def test_the_command_line_reads_the_set(capsys):
    for name in SOURCES:
        root = require_data(LIBRARY / name)
        count = len(_manifest(name)["files"])
        assert main(["parts", "check", str(root)]) == 0
        assert f"{count} file(s) checked: {count} load, 0 refused" in capsys.readouterr().out
    assert main(["parts", "list", "--library", str(LIBRARY / "nautobot"), "--search", "r7625"]) == 0
    out = capsys.readouterr().out
    assert "Dell PowerEdge R7625" in out and "server" in out


def test_damaged_real_files_are_refused_one_line_each(tmp_path, capsys):
    """Real files as a broken checkout leaves them (a merge left unresolved, a truncated copy, an
    editor's UTF-16, an empty file): each is one line naming the file, the rest of the folder loads."""
    dell = require_data(LIBRARY / "nautobot" / "device-types" / "Dell")
    source = (dell / "PowerEdge-R7625.yaml").read_bytes()
    folder = tmp_path / "device-types" / "Dell"
    folder.mkdir(parents=True)
    shutil.copy(dell / "PowerEdge-R7615.yaml", folder)
    lines = source.splitlines(keepends=True)
    (folder / "merge.yaml").write_bytes(b"".join(lines[:3]) + b"<<<<<<< HEAD\n" + lines[3] + b"=======\n"
                                        + lines[3] + b">>>>>>> theirs\n" + b"".join(lines[4:]))
    (folder / "utf16.yaml").write_bytes(source.decode().encode("utf-16"))
    (folder / "empty.yaml").write_bytes(b"")
    (folder / "cut.yaml").write_bytes(source[:source.index(b"model:") + 3])
    assert main(["parts", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    refused = {line.split(":", 1)[0]: line for line in out[:-1]}
    assert sorted(refused) == [f"device-types/Dell/{n}.yaml" for n in ("cut", "empty", "merge", "utf16")]
    assert out[-1].startswith("5 file(s) checked: 1 load, 4 refused")
    catalog = Catalog([LibrarySource("damaged", tmp_path)])
    assert [e.model for e in catalog.entries] == ["PowerEdge R7615"]
    assert len(catalog.problems) == 4 and all("\n" not in str(p) for p in catalog.problems)
