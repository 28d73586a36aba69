"""`rackstudio export --what build --rack-design NAME`: a rack design's build package for the
factory as PDF (opened: page count, text; its elevation page rendered to PNG), CSV and XLSX with
the same tables; the tables' figures from the rack design itself."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from rackstudio.commands.rack_designs import MakeRackDesign
from rackstudio.document import Document
from rackstudio.generate import example_pod
from rackstudio.io import project_file
from rackstudio.reports import build_package
from rackstudio.reports.xlsx import read_xlsx
from tests.cli.test_export_cli import _run
from tests.pdf import pdf_pages, pdf_text


@pytest.fixture(scope="module")
def pod_with_design(tmp_path_factory):
    doc = Document(example_pod(rack_designs=False))  # every rack an ordinary one, to make a design from
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200-nvl72", revision="C", notes="first article"))
    path = tmp_path_factory.mktemp("build") / "pod.rackstudio"
    project_file.save(doc.design, path)
    return doc.design, path


def test_the_tables_come_from_the_rack_design(pod_with_design):
    design, _ = pod_with_design
    package = build_package.build(design, "gb200-nvl72")
    rd = design.rack_designs["gb200-nvl72"]
    bom = package.table("Bill of materials")
    assert sum(r[6] for r in bom.rows if r[0] == "device") == len(rd.devices) == 49
    trays = next(r for r in bom.rows if r[2] == "GB200 NVL72 Compute Tray")
    assert trays[6] == 18 and trays[8] == 18 * trays[7]
    cables = package.table("Internal cables")
    assert len(cables.rows) == len(rd.connections) == 54
    # every cable's label names the rack design's devices, not the rack it was made from
    assert all("P1-A01" not in r[0] for r in cables.rows) and all(r[10] for r in cables.rows)
    # eight power shelves with two inlets each, and the management switch's two PSUs (fed from outside)
    inlets = [r[1] for r in package.table("Power interfaces").rows]
    assert sorted(inlets) == ["AC-A"] * 8 + ["AC-B"] * 8 + ["PSU1", "PSU2"]
    assert {r[2] for r in package.table("Coolant interfaces").rows} == {"supply", "return"}
    parts = sum(design.part_types[d.part].weight_kg or 0 for d in rd.devices.values())
    rt = design.rack_types[rd.rack_type]
    assert package.weight_empty_kg == rt.weight_kg
    assert package.weight_loaded_kg == pytest.approx(rt.weight_kg + parts)
    assert 0 < package.cog_fraction < 1
    checks = package.table("Checks")
    assert len(checks.rows) == len(package.rules_run) and {r[1] for r in checks.rows} >= {"pass"}


def test_build_package_pdf_csv_xlsx(pod_with_design, tmp_path):
    _, path = pod_with_design
    pdf = tmp_path / "build.pdf"
    done = _run(str(path), "--what", "build", "--rack-design", "GB200 NVL72", "-o", str(pdf), "--date", "2026-12-06")
    assert done.returncode == 0, done.stderr
    text = pdf_text(pdf)
    assert pdf_pages(pdf) >= 4
    # ("article" of the notes: Qt writes "fi" and "ff" as ligatures)
    for expected in ("Build package — GB200 NVL72, revision C", "Bill of materials", "Internal cables",
                     "Power interfaces", "Coolant interfaces", "Centre of gravity", "Weight loaded kg",
                     "Designed by", "Approved by", "GB200 NVL72 Compute Tray", "article", "Rear (seen from behind)"):
        assert expected in text, expected
    if shutil.which("pdftoppm"):  # the elevation page as a picture: drawn, not blank
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                       check=True, timeout=60)
        probe = ("import sys; from PySide6.QtGui import QImage; i = QImage(sys.argv[1]); "
                 "print(i.width(), i.height(), len({i.pixel(x, y) for x in range(0, i.width(), 3) "
                 "for y in range(0, i.height(), 3)}))")
        done = subprocess.run([sys.executable, "-c", probe, str(next(tmp_path.glob("p*.png")))],
                              capture_output=True, text=True, check=True, timeout=60)
        width, height, colours = map(int, done.stdout.split())
        assert width > height and colours > 20  # A3 landscape, drawn in colour
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"build{suffix}"
        done = _run(str(path), "--what", "build", "--rack-design", "gb200-nvl72", "-o", str(out))
        assert done.returncode == 0, done.stderr
    rows = list(csv.reader((tmp_path / "build.csv").open(encoding="utf-8")))
    sections = {r[0] for r in rows[1:]}
    assert {"Summary", "Bill of materials", "Internal cables", "Power interfaces", "Coolant interfaces",
            "Checks"} <= sections
    sheets = read_xlsx(tmp_path / "build.xlsx")
    assert list(sheets)[:4] == ["Summary", "Bill of materials", "Sourcing", "Internal cables"]
    assert sheets["Bill of materials"][0][:4] == ["Item", "Manufacturer", "Model", "Part number"]


def test_a_build_package_names_a_rack_design_that_exists(pod_with_design, tmp_path):
    _, path = pod_with_design
    done = _run(str(path), "--what", "build", "--rack-design", "GB300", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 64 and "no rack design 'GB300' (rack designs: GB200 NVL72)" in done.stderr
    done = _run(str(path), "--what", "build", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 64 and "--rack-design" in done.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_sourcing_rolls_up_by_supplier_and_country(pod_with_design):
    from rackstudio.model.parts import SourcingSpec

    design, _ = pod_with_design
    design = design.model_copy(deep=True)
    for slug, sourcing in (("nvidia-gb200-nvl72-compute-tray", SourcingSpec(supplier="ODM A", country="TW",
                                                                            unit_price=30.0, lead_time_weeks=12)),
                           ("nvidia-gb200-nvl72-nvlink-switch-tray", SourcingSpec(supplier="ODM A", country="MX",
                                                                                  unit_price=10.0))):
        part = design.part_types[slug]
        design.part_types[slug] = part.model_copy(update={"rackstudio": part.rackstudio.model_copy(
            update={"sourcing": sourcing})})
    rows = build_package.build(design, "gb200-nvl72").table("Sourcing").rows
    by = {(r[0], r[1]): r for r in rows}
    # 18 compute trays (30 each) and 9 switch trays (10 each) of 49 devices; the rest unpriced
    assert by["supplier", "ODM A"][2:] == [27, "55%", 630.0, "100%", 12]
    assert by["country", "TW"][2:6] == [18, "37%", 540.0, "86%"]
    assert by["country", "MX"][2:6] == [9, "18%", 90.0, "14%"]
    assert by["country", "(not given)"][2] == 22 and by["country", "(not given)"][4] is None
