"""The cable list and the BOM exported from the menu name the optics: the optic at each end of a
broken-out port's cables and their fibre in the Cables dock, the transceivers counted per part in
the BOM's Optics sheet (one twin-port transceiver serving two legs)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from rackstudio.commands import Connect
from rackstudio.model.design import PortRef
from rackstudio.reports.xlsx import read_xlsx
from tests.ui.test_hand_wiring import rack  # noqa: F401 (a fixture)

TWIN, NIC = "nvidia-mms4x00-ns", "nvidia-mms4x00-ns400"


def test_the_cable_list_and_the_bom_name_the_optics(rack, dialogs, tmp_path):  # noqa: F811
    window, design, _rack_id = rack
    for leg, server in ((1, "dgx1"), (2, "dgx2")):
        window.editor.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=leg),
                                      PortRef(owner=server, port="cx7-0"), ends=(TWIN, NIC), fibre="straight",
                                      conn_id=f"cb-{leg}"))
    window.selection.set(["leaf"])
    dock = window.cable_dock
    dock.show()
    model = dock.model
    header = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
              for c in range(model.columnCount())]
    rows = {model.conn_ids[r]: dict(zip(header, (model.data(model.index(r, c)) for c in range(len(header))),
                                        strict=True)) for r in range(model.rowCount())}
    assert rows["cb-2"]["A end"].endswith("swp1 leg 2")
    assert (rows["cb-2"]["A optic"], rows["cb-2"]["B optic"], rows["cb-2"]["Fibre"]) == (
        "NVIDIA MMS4X00-NS", "NVIDIA MMS4X00-NS400", "MPO-12/APC straight")
    dialogs.save_path = str(tmp_path / "bom.xlsx")
    window.actions_by_id["export_bom"].trigger()  # File ▸ Export ▸ Bill of Materials…
    optics = read_xlsx(tmp_path / "bom.xlsx")["Optics"]
    counted = {row[2]: (row[5], row[-2]) for row in optics[1:]}  # part number: (unit W, total)
    assert counted == {"MMS4X00-NS": (17, 1), "MMS4X00-NS400": (9, 2)}

