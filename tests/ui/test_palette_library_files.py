"""The parts palette over a folder of real NetBox library files with some refused: the parts that
load are listed and searchable, and the refused files are one quiet line under the count (the
first with its message, all of them in the tooltip), never a dialog."""
from __future__ import annotations

import shutil

from rackstudio.document import Document
from rackstudio.library.catalog import Catalog, LibrarySource
from rackstudio.ui.library_source import CatalogLibrary
from rackstudio.ui.main_window import MainWindow
from tests.conftest import DATA, require_data
from tests.core import builders as b

DELL = DATA / "devicetype-library" / "nautobot" / "device-types" / "Dell"


def _window(qtbot, folder):
    window = MainWindow(Document(b.empty_design()), CatalogLibrary(Catalog([LibrarySource("parts", folder)])))
    qtbot.addWidget(window)
    window.show()
    return window


def test_refused_library_files_are_one_line_under_the_count(qtbot, tmp_path, dialogs):
    dell = tmp_path / "device-types" / "Dell"
    dell.mkdir(parents=True)
    for name in ("PowerEdge-R7615.yaml", "PowerEdge-R7625.yaml"):
        shutil.copy(require_data(DELL / name), dell)
    (dell / "R760-utf16.yaml").write_bytes((DELL / "PowerEdge-R7615.yaml").read_text().encode("utf-16"))
    (dell / "empty.yaml").write_bytes(b"")
    palette = _window(qtbot, tmp_path).palette_dock
    palette.search.setText("poweredge r76")
    assert [e.model for e in palette.visible_entries()] == ["PowerEdge R7615", "PowerEdge R7625"]
    assert palette.count.text() == (
        f"2 of {len(palette.model.entries)} shown\n"
        "2 library file(s) not read: [parts] device-types/Dell/R760-utf16.yaml: not UTF-8 text (byte 0)"
        " (+1 more)")
    assert palette.count.toolTip().splitlines() == [
        "[parts] device-types/Dell/R760-utf16.yaml: not UTF-8 text (byte 0)",
        "[parts] device-types/Dell/empty.yaml: the file is empty"]
    assert dialogs.shown == []


def test_a_folder_that_loads_whole_adds_nothing_to_the_count(qtbot, tmp_path):
    shutil.copytree(require_data(DELL), tmp_path / "device-types" / "Dell")
    palette = _window(qtbot, tmp_path).palette_dock
    total = len(palette.model.entries)
    assert palette.count.text() == f"{total} of {total} shown" and palette.count.toolTip() == ""
