"""Exports from the app: File ▸ Export writes what the editor shows, opened and checked for
content (PDF pages and text, SVG elements, PNG pixels, CSV and XLSX rows); drawings come from the
same painters as the views."""
from __future__ import annotations

import csv
from collections import Counter
from xml.etree import ElementTree

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from rackstudio.commands import AddRecord, SetDesignField
from rackstudio.model import ReviewRecord, Waiver
from rackstudio.reports.xlsx import read_xlsx
from rackstudio.ui import export
from rackstudio.ui.canvas import category_colour
from rackstudio.ui.render.floor import COLD, HOT, RACK_FILL
from tests.core.test_reports_designs import A01, A02, revision_b
from tests.pdf import pdf_pages, pdf_text

SVG = "{http://www.w3.org/2000/svg}"






@pytest.fixture
def review(make_window):
    doc_design = revision_b().design
    window = make_window(doc_design)
    window.editor.execute(SetDesignField("reviews", [ReviewRecord(reviewer="Ana Ortiz", date="2026-11-22",
                                                                  note="power plan accepted", revision="B")]))
    return window


def _action(window, action_id):
    window.actions_by_id[action_id].trigger()


def test_export_menu_lists_every_export(review):
    menu = next(a.menu() for a in review.menus["File"].actions() if a.menu() and "Export" in a.text())
    assert [a.text() for a in menu.actions()] == ["Rack &Elevations…", "&Floor Plan…", "&Bill of Materials…",
                                                  "&Cable Schedule…", "Design &Report…"]


def test_elevations_of_the_selection_as_pdf(review, dialogs, tmp_path):
    review.selection.set([A01, A02])
    dialogs.save_path = str(tmp_path / "sel.pdf")
    _action(review, "export_elevations")
    out = tmp_path / "sel.pdf"
    assert pdf_pages(out) == 1
    text = pdf_text(out)
    for expected in ("Rack elevations — row A, A01–A02", "Review pod", "Ana Ortiz", "(2026-11-22)", "srv2",
                     "Front", "Rear (seen from behind)", "0U side channel"):
        assert expected in text, expected
    assert "A03" not in text
    assert "Exported rack elevations to sel.pdf" in review.statusBar().currentMessage()


def test_elevation_svg_is_drawn_by_the_view_painters(review, dialogs, tmp_path):
    review.open_elevation(A02)
    dialogs.save_path = str(tmp_path / "a02.svg")
    _action(review, "export_elevations")
    root = ElementTree.parse(tmp_path / "a02.svg").getroot()
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    frame = review.elevation_view.elevations.frames[A02]
    assert frame.title in texts and frame.subtitle in texts  # the frame item's own text
    assert {"srv", "DGX B200", "sw  QM9700"} <= set(texts)  # 10U: name and model on two lines
    fills = {e.get("fill", "").lower() for e in root.iter() if e.get("fill")}
    assert category_colour("server").lighter(135).name() in fills  # the view's device colour


def test_floorplan_png(review, dialogs, tmp_path):
    dialogs.save_path = str(tmp_path / "floor.png")
    _action(review, "export_floorplan")
    image = QImage(str(tmp_path / "floor.png"))
    assert (image.width(), image.height()) == (2381, 1684)
    assert image.pixelColor(10, 10) == QColor("white")
    counts = Counter(image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
                     for y in range(0, image.height(), 7))
    floor = QColor(counts.most_common(1)[0][0])  # the hall's floor fills most of the sheet
    # racks and the shaded aisles were drawn on the floor (the legend shows neither colour: its
    # swatches are on white, and it has no rack body)
    assert {RACK_FILL.name(), _over(COLD, floor), _over(HOT, floor)} <= set(counts)


def _over(colour: QColor, ground: QColor) -> str:
    """The colour a translucent fill gives over `ground`, composited by Qt as the export is."""
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    image.fill(ground)
    painter = QPainter(image)
    painter.fillRect(0, 0, 1, 1, colour)
    painter.end()
    return image.pixelColor(0, 0).name()


def test_floorplan_pdf_has_a_page_per_hall(review, tmp_path):
    out = export.export_floorplan(review.editor.design, tmp_path / "f.pdf")
    assert pdf_pages(out) == 1
    text = pdf_text(out)
    assert "Floor plan — Hall 1" in text and "cold aisle" in text and "A01" in text


def test_bom_and_cables_from_the_menu(review, dialogs, tmp_path):
    dialogs.save_path = str(tmp_path / "bom.xlsx")
    _action(review, "export_bom")
    assert read_xlsx(tmp_path / "bom.xlsx")["Devices"][1][:2] == ["NVIDIA", "DGX B200"]
    dialogs.save_path = str(tmp_path / "cables.csv")
    _action(review, "export_cables")
    rows = list(csv.reader((tmp_path / "cables.csv").open(encoding="utf-8")))
    assert len(rows) == len(review.editor.design.connections) + 1


def test_design_report_pdf(review, dialogs, tmp_path):
    review.editor.execute(AddRecord("waivers", Waiver(id="wv-1", finding="PWR-003:pdu-a#B0", author="ana",
                                                      reason="bank rebalanced at install", created="2026-11-21")))
    dialogs.save_path = str(tmp_path / "report.pdf")
    _action(review, "export_report")
    text = pdf_text(tmp_path / "report.pdf")
    for expected in ("Design report", "Review pod", "Summary", "Power per rack", "Cooling per rack", "Findings",
                     "bank rebalanced at install", "Check the blank-panel plan", "power plan accepted", "Ana Ortiz",
                     "Page 1 of"):
        assert expected in text, expected


def test_cancelled_dialog_writes_nothing(review, dialogs, tmp_path):
    dialogs.save_path = ""
    assert review.exports.report() is False
    assert list(tmp_path.iterdir()) == [] or all(p.name == "qsettings" for p in tmp_path.iterdir())


def test_an_unknown_rack_is_refused_with_its_reason(review):
    with pytest.raises(export.ExportError, match="no rack named 'nope'"):
        export.select_racks(review.editor.design, rack="nope")


CONTROLS = export.Path(__file__).resolve().parents[1] / "data" / "hostile" / "design-loads" / "control-characters-in-names.rackstudio"


def test_svg_of_names_with_control_characters_is_well_formed_xml(tmp_path):
    from rackstudio.io import load

    design = load(CONTROLS).design
    for out in (export.export_elevations(design, tmp_path / "rack.svg"),
                export.export_floorplan(design, tmp_path / "floor.svg")):
        root = ElementTree.parse(out).getroot()  # raised "not well-formed (invalid token)" before
        assert "\\x1b" in "".join(root.itertext()) + out.read_text()


def test_a_report_with_a_64_ki_character_rack_name_elides_it(tmp_path):
    """One 64 Ki-character rack name took 13 s to lay out (Qt's layout of one unbreakable word is
    quadratic): each cell is cut to MAX_CELL_CHARS and long words get break points."""
    from rackstudio.io import load

    design = load(CONTROLS).design
    design.put("racks", design.racks["rk-1"].model_copy(update={"name": "R" * 65536}))
    data = export.report_data(design, date="2026-12-06")
    html_text = export.report_html(data)
    assert "R" * 41 not in html_text and "65,536 characters" in html_text
    out = export.export_report(design, tmp_path / "report.pdf", date="2026-12-06")
    assert "(65,536" in pdf_text(out)
