"""`rackstudio export`: BOM and cable schedule (CSV, XLSX) and the report's JSON without Qt;
drawings (SVG, PNG, PDF) and the report PDF in a subprocess on the offscreen platform, each
opened and checked for content; exit codes 2 (load) and 64 (cannot be made as asked)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rackstudio.cli import main
from rackstudio.io import project_file
from rackstudio.reports.xlsx import read_xlsx
from tests.core.test_reports_designs import revision_b
from tests.pdf import pdf_pages, pdf_text

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def design_file(tmp_path):
    path = tmp_path / "pod.rackstudio"
    project_file.save(revision_b().design, path)
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "rackstudio", "export", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)






def test_bom_csv_and_xlsx_headless(design_file, tmp_path, capsys):
    assert main(["export", str(design_file), "--what", "bom", "-o", str(tmp_path / "bom.csv")]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'bom.csv'}"
    rows = list(csv.reader((tmp_path / "bom.csv").open(encoding="utf-8")))
    assert [(r[0], r[2]) for r in rows if r[0] in ("rack", "device", "pdu")] == [
        ("rack", "Generic 48U"), ("device", "DGX B200"), ("device", "QM9700"), ("pdu", "PDU 415V 32A")]
    assert main(["export", str(design_file), "--what", "bom", "-o", str(tmp_path / "bom.xlsx")]) == 0
    assert read_xlsx(tmp_path / "bom.xlsx")["Devices"][1][:3] == ["NVIDIA", "DGX B200", None]


def test_cable_schedule_headless(design_file, tmp_path):
    assert main(["export", str(design_file), "--what", "cables", "-o", str(tmp_path / "c.csv")]) == 0
    rows = list(csv.reader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert len(rows) == 12 and rows[0][0] == "Label"
    assert ["srv:nic1 / sw:p1", "network", "A02", "U1", "srv", "nic1", "", "", "A02", "U40", "sw", "p1", "", "",
            "aoc", "", "3.0", "", "cb-1"] in rows


def test_report_json_headless(design_file, tmp_path):
    out = tmp_path / "report.json"
    assert main(["export", str(design_file), "--what", "report", "-o", str(out), "--date", "2026-11-23"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"] == {"design": "Review pod", "revision": "B", "date": "2026-11-23", "reviewer": ""}
    assert [r["rack"] for r in data["power"]] == ["A01", "A02", "A03"]
    assert data["comments"][0]["text"] == "Check the blank-panel plan"


def test_row_elevations_pdf(design_file, tmp_path):
    out = tmp_path / "row.pdf"
    done = _run(str(design_file), "--what", "elevations", "--row", "A", "-o", str(out), "--date", "2026-11-23")
    assert done.returncode == 0, done.stderr
    assert pdf_pages(out) == 1
    text = pdf_text(out)
    for expected in ("Rack elevations — row A, A01–A02", "Review pod", "2026-11-23", "not reviewed", "Front",
                     "Rear (seen from behind)", "srv2", "DGX B200", "QM9700", "full-depth device"):
        assert expected in text, expected


def test_all_elevations_pdf_has_a_page_per_three_racks_of_a_row(design_file, tmp_path):
    out = tmp_path / "all.pdf"
    assert _run(str(design_file), "--what", "elevations", "-o", str(out)).returncode == 0
    assert pdf_pages(out) == 2  # row A (A01, A02), then A03 outside any row
    assert "Page 2 of 2" in pdf_text(out)


def test_one_rack_svg(design_file, tmp_path):
    out = tmp_path / "a02.svg"
    assert _run(str(design_file), "--what", "elevations", "--rack", "A02", "-o", str(out)).returncode == 0
    root = ElementTree.parse(out).getroot()
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    assert "A02" in texts and "Rear (seen from behind)" in texts and "sw  QM9700" in texts
    assert "A01" not in texts
    shapes = [e for e in root.iter() if e.tag in (f"{SVG}rect", f"{SVG}polyline", f"{SVG}path")]
    assert len(shapes) > 100  # frame, 48 unit lines a face, devices, title block, legend


def test_floorplan_png(design_file, tmp_path):
    out = tmp_path / "floor.png"
    assert _run(str(design_file), "--what", "floorplan", "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (2381, 1684)  # A3 landscape at 2 px per point


def test_report_pdf(design_file, tmp_path):
    out = tmp_path / "report.pdf"
    assert _run(str(design_file), "--what", "report", "-o", str(out)).returncode == 0
    text = pdf_text(out)
    for expected in ("Design report", "Power per rack", "Cooling per rack", "PWR-003", "Check the blank-panel plan",
                     "Not reviewed yet."):
        assert expected in text, expected


def test_usage_errors_exit_64(design_file, tmp_path, capsys):
    assert main(["export", str(design_file), "--what", "bom", "-o", str(tmp_path / "bom.pdf")]) == 64
    assert "writes .csv, .xlsx" in capsys.readouterr().err
    assert main(["export", str(design_file), "--what", "bom", "--rack", "A01", "-o", str(tmp_path / "b.csv")]) == 64
    done = _run(str(design_file), "--what", "elevations", "--rack", "Z99", "-o", str(tmp_path / "z.svg"))
    assert done.returncode == 64 and "no rack named 'Z99' (racks: A01, A02, A03)" in done.stderr


def test_load_error_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.rackstudio"
    bad.write_text("[]")
    assert main(["export", str(bad), "--what", "bom", "-o", str(tmp_path / "b.csv")]) == 2
    assert capsys.readouterr().err.startswith("rackstudio: ")
