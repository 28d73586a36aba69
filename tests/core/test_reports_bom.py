"""Bill of materials and cable schedule: rows match the design, CSV and XLSX carry the same
content, lengths fall back to the checks' estimate, the XLSX is a valid workbook."""
from __future__ import annotations

import csv
import zipfile
from xml.etree import ElementTree

import pytest

from rackstudio.checks import CheckEngine
from rackstudio.checks.rules.cabling import estimate_length_m
from rackstudio.commands import SetProperty
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.reports import bom, cable_schedule
from rackstudio.reports.xlsx import read_xlsx, sheet_name, write_xlsx
from tests.core.test_reports_designs import revision_b


@pytest.fixture
def design():
    return revision_b().design


def test_parts_by_manufacturer_and_part_number_with_counts_per_rack(design):
    table = bom.parts_table(bom.build(design))
    assert table[0] == ["Manufacturer", "Model", "Part number", "Category", "A01", "A02", "Total"]
    assert table[1:] == [["Generic", "PDU 415V 32A", "", "pdu", 1, 0, 1],
                         ["NVIDIA", "DGX B200", "", "server", 1, 1, 2],
                         ["NVIDIA", "QM9700", "", "switch", 0, 1, 1]]
    assert sum(row[-1] for row in table[1:]) == len(design.devices)


def test_cables_by_kind_media_and_length_bucket(design):
    rows = bom.cables_table(bom.build(design))[1:]
    # the three cords to the PDU carry the length estimated when they were made (the server has moved
    # to the next rack since: 6.4 m); cords to a feed have no length
    assert rows == [["network", "aoc", "≤ 3 m", 1, 3.0, 0], ["network", "dac", "≤ 2 m", 1, 2.0, 0],
                    ["power", "power", "≤ 7 m", 3, 19.2, 3], ["power", "power", "unknown", 6, 0.0, 0]]


def test_length_buckets():
    assert [bom.length_bucket(x) for x in (None, 0.3, 1.0, 1.01, 4.2, 100, 140)] == [
        "unknown", "≤ 0.5 m", "≤ 1 m", "≤ 1.5 m", "≤ 5 m", "≤ 100 m", "> 100 m"]


def test_fibre_needs_a_transceiver_at_each_end(design):
    doc_design = design
    doc_design.put("connections", doc_design.connections["cb-1"].replace(media="mmf"))
    optics = bom.optics_table(bom.build(doc_design))
    assert optics[0] == ["Item", "Interface", "Media", "A02", "Total"]
    assert optics[1:] == [["400G OSFP MMF transceiver", "400gbase-x-osfp", "mmf", 2, 2]]


def test_csv_is_one_table_with_sections(design, tmp_path):
    path = bom.export(design, tmp_path / "bom.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:6] == ["Section", "Manufacturer", "Item", "Part number", "Category/Media", "Length"]
    assert [r[0] for r in rows[1:]] == ["part"] * 3 + ["cable"] * 4
    servers = next(r for r in rows if r[2] == "DGX B200")
    assert servers[rows[0].index("Total")] == "2"


def test_xlsx_has_a_sheet_each_with_the_same_rows(design, tmp_path):
    path = bom.export(design, tmp_path / "bom.xlsx")
    book = read_xlsx(path)
    assert list(book) == ["Parts", "Cables", "Optics"]
    table = bom.build(design)
    assert book["Parts"] == [[None if v == "" else v for v in row] for row in bom.parts_table(table)]
    assert book["Cables"][1] == ["network", "aoc", "≤ 3 m", 1, 3, 0]


def test_xlsx_is_a_well_formed_workbook(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [("A/B:C", [["h", "x"], ["a<b & c", 1.5], [" pad ", None, True]])])
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
                "xl/worksheets/sheet1.xml"} <= names
        for name in names:
            ElementTree.fromstring(z.read(name))  # every part parses
    assert read_xlsx(path) == {"A_B_C": [["h", "x"], ["a<b & c", 1.5], [" pad ", None, True]]}
    taken: set[str] = set()
    assert [sheet_name("x" * 40, taken), sheet_name("x" * 40, taken)] == ["x" * 31, "x" * 27 + " (2)"]


def test_cable_schedule_rows_name_both_ends(design):
    rows = {r.conn_id: r for r in cable_schedule.cable_rows(design)}
    assert len(rows) == len(design.connections)
    cb1 = rows["cb-1"]
    assert cb1.cells() == ("srv:nic1 / sw:p1", "network", "A02", "U1", "srv", "nic1", "A02", "U40", "sw", "p1",
                           "aoc", 3.0, "", "cb-1")
    assert rows["pw-1"].a == cable_schedule.End("A01", "left side", "pdu-a", "Inlet")
    assert rows["pw-1"].b.device == "Feed A"


def test_missing_length_is_the_checks_estimate(design):
    doc_design = design
    doc_design.put("connections", doc_design.connections["cb-2"].replace(length_m=None))
    engine = CheckEngine(doc_design, ComponentGraph(doc_design))
    row = next(r for r in cable_schedule.cable_rows(doc_design) if r.conn_id == "cb-2")
    assert row.estimated and row.length_m == pytest.approx(
        estimate_length_m(engine.ctx, doc_design.connections["cb-2"]))
    assert row.cells()[12] == "yes"


def test_cable_schedule_csv_and_xlsx_match_the_design(design, tmp_path):
    rows = list(csv.reader(cable_schedule.export(design, tmp_path / "c.csv").open(encoding="utf-8")))
    assert rows[0] == list(cable_schedule.HEADER)
    assert sorted(r[-1] for r in rows[1:]) == sorted(design.connections)
    book = read_xlsx(cable_schedule.export(design, tmp_path / "c.xlsx"))
    assert list(book) == ["All", "Network", "Power"]
    assert len(book["All"]) == len(design.connections) + 1
    assert len(book["Network"]) == 3 and book["Network"][1][0] == "srv2:nic1 / sw:p2"


def test_schedule_follows_an_edit():
    doc = revision_b()
    doc.execute(SetProperty("cb-1", "label", "X-1"))
    assert any(r.label == "X-1" for r in cable_schedule.cable_rows(doc.design))
