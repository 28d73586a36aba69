"""Bill of materials and cable schedule: rows match the design (racks by type, empty ones too;
devices; PDUs; cables by kind, media and ordered length; optics), CSV and XLSX carry the same
content, lengths fall back to the checks' estimate and are ordered in purchasable lengths, the
XLSX is a valid workbook (read back with openpyxl) whose text is never a formula."""
from __future__ import annotations

import csv
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from rackstudio.checks import CheckEngine
from rackstudio.checks.rules.cabling import estimate_length_m
from rackstudio.commands import SetProperty
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.cable_length import purchasable_length_m
from rackstudio.reports import bom, cable_schedule
from rackstudio.reports.xlsx import read_xlsx, sheet_name, write_xlsx
from tests.core.test_reports_designs import A01, revision_b


@pytest.fixture
def design():
    return revision_b().design


def test_racks_by_rack_type_with_the_empty_ones(design):
    table = bom.racks_table(bom.build(design))
    assert table == [["Manufacturer", "Model", "Rack type", "U", "Count", "Empty", "Racks"],
                     ["Generic", "Generic 48U", "generic-48u", 48, 3, 1, "A01, A02, A03"]]  # A03 holds nothing


def test_devices_and_pdus_by_manufacturer_and_part_number_with_counts_per_rack(design):
    built = bom.build(design)
    devices, pdus = bom.parts_table(built, built.devices), bom.parts_table(built, built.pdus)
    assert devices[0] == ["Manufacturer", "Model", "Part number", "Category", "A01", "A02", "Total"]
    assert devices[1:] == [["NVIDIA", "DGX B200", "", "server", 1, 1, 2], ["NVIDIA", "QM9700", "", "switch", 0, 1, 1]]
    assert pdus == [["Manufacturer", "Model", "Part number", "Category", "A01", "Total"],
                    ["Generic", "PDU 415V 32A", "", "pdu", 1, 1]]
    assert sum(row[-1] for row in [*devices[1:], *pdus[1:]]) == len(design.devices)


def test_cables_by_kind_media_and_ordered_length(design):
    """Typed lengths as given; the three cords from srv (A02) to pdu-a (A01) estimated at 6.4 m and
    ordered at 7 m; cords to a feed have no length to estimate."""
    rows = bom.cables_table(bom.build(design))[1:]
    plain = ["", "network cable", "", ""]
    power = ["", "power cable", "", ""]
    assert rows == [["network", "aoc", *plain, 3.0, 1, 3.0, 0], ["network", "dac", *plain, 2.0, 1, 2.0, 0],
                    ["power", "power", *power, 7.0, 3, 21.0, 3], ["power", "power", *power, "unknown", 6, "", 0]]


def test_an_estimated_length_is_ordered_in_the_length_its_family_is_sold_in(design):
    design.put("connections", design.connections["cb-2"].replace(length_m=None))  # estimated 4.82 m, a DAC
    [dac] = [c for c in bom.build(design).cables if c.media == "dac"]
    assert (dac.length_m, dac.count, dac.estimated) == (purchasable_length_m("dac", 4.82), 1, 1) == (5.0, 1, 1)


def test_fibre_needs_a_transceiver_at_each_end(design):
    doc_design = design
    doc_design.put("connections", doc_design.connections["cb-1"].replace(media="mmf"))
    optics = bom.optics_table(bom.build(doc_design))
    assert optics[0] == ["Manufacturer", "Item", "Part number", "Form", "Media", "Unit power (W)", "A02", "Total",
                         "Total power (W)"]
    assert optics[1:] == [["", "400G OSFP MMF transceiver (not chosen)", "", "", "mmf", "", 2, 2, ""]]


def test_csv_is_one_table_with_sections(design, tmp_path):
    path = bom.export(design, tmp_path / "bom.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:6] == ["Section", "Manufacturer", "Item", "Part number", "Category/Media", "Length (m)"]
    assert [r[0] for r in rows[1:]] == ["rack", "device", "device", "pdu"] + ["cable"] * 4
    servers = next(r for r in rows if r[2] == "DGX B200")
    assert servers[rows[0].index("Total")] == "2"


def test_xlsx_has_a_sheet_each_with_the_same_rows(design, tmp_path):
    path = bom.export(design, tmp_path / "bom.xlsx")
    book = read_xlsx(path)
    assert list(book) == ["Racks", "Devices", "PDUs", "Modules", "Cables", "Optics"]
    table = bom.build(design)
    assert book["Racks"] == bom.racks_table(table)
    assert book["Devices"] == [[None if v == "" else v for v in row] for row in bom.parts_table(table, table.devices)]
    assert book["Cables"][1] == ["network", "aoc", None, "network cable", None, None, 3, 1, 3, 0]


def test_text_is_written_as_text_never_as_a_formula(design, tmp_path):
    """A rack named like a formula comes out as that literal text (read with openpyxl)."""
    name = '=HYPERLINK("x","y")'
    design.put("racks", design.racks[A01].replace(name=name))
    design.put("devices", design.devices["srv2"].replace(name="+cmd|' /C calc'!A0"))
    bom.export(design, tmp_path / "bom.xlsx")
    book = load_workbook(tmp_path / "bom.xlsx")
    racks = book["Racks"]
    assert racks["G2"].value == f"{name}, A02, A03" and racks["G2"].data_type == "s"
    header = [(c.value, c.data_type) for c in book["Devices"][1]]
    assert (name, "s") in header
    cable_schedule.export(design, tmp_path / "cables.xlsx")
    cells = [c for row in load_workbook(tmp_path / "cables.xlsx")["All"].iter_rows() for c in row]
    assert {(c.value, c.data_type) for c in cells if isinstance(c.value, str) and c.value[0] in "=+"} == {
        (name, "s"), ("+cmd|' /C calc'!A0", "s")}
    assert not [c for c in cells if c.data_type == "f"]


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
    assert load_workbook(path)["A_B_C"].freeze_panes == "A2"
    taken: set[str] = set()
    assert [sheet_name("x" * 40, taken), sheet_name("x" * 40, taken)] == ["x" * 31, "x" * 27 + " (2)"]


def test_cable_schedule_rows_name_both_ends(design):
    rows = {r.conn_id: r for r in cable_schedule.cable_rows(design)}
    assert len(rows) == len(design.connections)
    cb1 = rows["cb-1"]
    assert cb1.cells() == ("srv:nic1 / sw:p1", "network", "A02", "U1", "srv", "nic1", "", "", "A02", "U40", "sw",
                           "p1", "", "", "aoc", "", 3.0, "", "cb-1")
    assert rows["pw-1"].a == cable_schedule.End("A01", "left side", "pdu-a", "Inlet")
    assert rows["pw-1"].b.device == "Feed A"


def test_missing_length_is_the_checks_estimate(design):
    doc_design = design
    doc_design.put("connections", doc_design.connections["cb-2"].replace(length_m=None))
    engine = CheckEngine(doc_design, ComponentGraph(doc_design))
    row = next(r for r in cable_schedule.cable_rows(doc_design) if r.conn_id == "cb-2")
    assert row.estimated and row.length_m == pytest.approx(
        estimate_length_m(engine.ctx, doc_design.connections["cb-2"]))
    assert row.cells()[cable_schedule.HEADER.index("Length estimated")] == "yes"


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
