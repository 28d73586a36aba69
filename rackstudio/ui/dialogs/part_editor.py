"""The part editor: create or edit a part type (identity, size, ports, power, heat, airflow) and
save it as NetBox device-type YAML, with RackStudio's figures in its `rackstudio:` block, in the
user's parts folder (`paths.user_parts()/device-types/<Manufacturer>/<slug>.yaml`).

Every edit re-validates at once: the fields go through the `PartType` pydantic model and then
through the library's own reader (the same code that loads the file later), so the problems shown
are exactly those a reload would report. The user's folder outranks plugins and built-ins, so a
saved part replaces a library part of the same manufacturer and model in the palette.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio import paths
from rackstudio.library import dump_device_type, parse_device_type
from rackstudio.library.netbox_schema import slugify
from rackstudio.model.parts import Airflow, Category, PartType
from rackstudio.model.units import BTU_H_PER_W
from rackstudio.power import part_draw
from rackstudio.ui.forms import typed_text

__all__ = ["PartEditorDialog", "open_part_editor_dialog", "part_file", "part_yaml", "save_part"]

PORT_KINDS = {"interface": "interfaces", "power-port": "power-ports", "console-port": "console-ports"}
PORT_COLUMNS = ("Kind", "Name", "Type", "Max draw (W)", "Mgmt")
_DEFAULT_TYPE = {"interface": "400gbase-x-osfp", "power-port": "iec-60320-c20", "console-port": "rj-45"}
# components the editor does not edit: kept as they are
_KEPT = ("power-outlets", "front-ports", "rear-ports", "device-bays", "module-bays", "console-server-ports")


# --- Qt-free: the file ---------------------------------------------------------------------------------
def part_yaml(part: PartType) -> str:
    """NetBox device-type YAML (`dump_device_type`) plus the `rackstudio:` block, category always
    written (a block without one makes the reader guess it) and N+M policies as text."""
    ext = part.rackstudio.model_dump(mode="json", exclude_defaults=True)
    ext = {"category": part.category.value, **{k: v for k, v in ext.items() if k != "category"}}
    if part.rackstudio.power.psu_redundancy is not None:
        ext["power"]["psu_redundancy"] = str(part.rackstudio.power.psu_redundancy)
    if part.rackstudio.shelf is not None:
        ext["shelf"]["redundancy"] = str(part.rackstudio.shelf.redundancy)
    return dump_device_type(part) + yaml.safe_dump({"rackstudio": ext}, sort_keys=False, allow_unicode=True,
                                                   default_flow_style=False, width=110)


def part_file(part: PartType, root: Path | None = None) -> Path:
    """Where a part is saved: `<user parts>/device-types/<Manufacturer>/<slug>.yaml`."""
    maker = "".join("-" if ch in '/\\:*?"<>|' else ch for ch in part.manufacturer).strip(". ") or "Unknown"
    return (root or paths.user_parts()) / "device-types" / maker / f"{part.slug}.yaml"


def save_part(part: PartType, root: Path | None = None) -> Path:
    """Write a part's YAML atomically (temporary file, then rename); returns the path."""
    path = part_file(part, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(part_yaml(part), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _number(text: str) -> str | None:
    return text.strip() or None  # pydantic parses (and refuses) the text


# --- the dialog ------------------------------------------------------------------------------------------
class PartEditorDialog(QDialog):
    """Edit `part` (None: a new part). `saved(path)` after a save; `part()` is the valid part or None."""

    saved = Signal(str)

    def __init__(self, part: PartType | None = None, parent: QWidget | None = None, root: Path | None = None):
        super().__init__(parent)
        self.original = part
        self.root = root
        self.confirm_overwrite = self._ask_overwrite  # replaced by tests and tools
        self._part: PartType | None = None
        self._slug_edited = part is not None
        self._original_ports = {} if part is None else {
            (kind, p["name"]): p for kind, key in PORT_KINDS.items()
            for p in part.model_dump(mode="json", by_alias=True, exclude_none=True).get(key, [])}
        self._labels: dict[str, str] = {}  # model field path -> the label the user sees
        self.setWindowTitle(f"Edit part {part.model}" if part else "New part")
        self.resize(820, 860)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self._identity_box())
        row.addWidget(self._size_box())
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self._power_box())
        row.addWidget(self._cooling_box())
        layout.addLayout(row)
        layout.addWidget(self._ports_box(), 1)  # the ports table takes the spare height
        self.heat = QLabel()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.notes = QLabel()
        self.notes.setStyleSheet("color: #8a5a00")
        for label in (self.heat, self.problem, self.notes):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load(part)
        self.validate()

    # --- building the form -------------------------------------------------------------------------
    def _line(self, form: QFormLayout, label: str, key: str, tip: str = "") -> QLineEdit:
        self._labels[key] = label
        edit = typed_text(QLineEdit(), label)
        edit.setToolTip(tip)
        edit.textEdited.connect(self.validate)
        form.addRow(label, edit)
        return edit

    def _combo(self, form: QFormLayout, label: str, values: list[str], optional: bool = False) -> QComboBox:
        combo = QComboBox()
        if optional:
            combo.addItem("—", None)
        for value in values:
            combo.addItem(value, value)
        combo.currentIndexChanged.connect(self.validate)
        form.addRow(label, combo)
        return combo

    def _identity_box(self) -> QGroupBox:
        box = QGroupBox("Part")
        form = QFormLayout(box)
        self.manufacturer = self._line(form, "Manufacturer", "manufacturer")
        self.model = self._line(form, "Model", "model")
        self.slug = self._line(form, "Slug", "slug", "identity in designs; follows manufacturer and model until edited")
        self.slug.textEdited.connect(self._slug_typed)
        for edit in (self.manufacturer, self.model):
            edit.textEdited.connect(self._follow_slug)
        self.part_number = self._line(form, "Part number", "part_number")
        self.category = self._combo(form, "Category", [c.value for c in Category])
        self.source = self._line(form, "Source of figures", "rackstudio.source",
                                 "where the figures come from (datasheet, [KEY], U)")
        return box

    def _size_box(self) -> QGroupBox:
        box = QGroupBox("Size")
        form = QFormLayout(box)
        self.u_height = self._line(form, "Height (U)", "u_height", "rack units, in 0.5 steps; 0 for side-mounted parts")
        self.unit_system = self._combo(form, "Unit system", ["eia", "ou"])
        self.full_depth = QCheckBox("full depth")
        self.full_depth.toggled.connect(self.validate)
        form.addRow("", self.full_depth)
        self.depth = self._line(form, "Depth (mm)", "rackstudio.depth_mm")
        self.weight = self._line(form, "Weight (kg)", "weight")
        return box

    def _power_box(self) -> QGroupBox:
        box = QGroupBox("Power")
        form = QFormLayout(box)
        self.power_source = self._combo(form, "Fed from", ["ac", "busbar", "none"])
        self.max_w = self._line(form, "Maximum (W)", "rackstudio.power.max_w", "nameplate / PSU-limited maximum")
        self.typical_w = self._line(form, "Typical (W)", "rackstudio.power.typical_w")
        self.allocated_w = self._line(form, "Allocated (W)", "rackstudio.power.allocated_w",
                                      "the budget checks count by default")
        self.psu_count = self._line(form, "PSUs", "rackstudio.power.psu_count")
        self.psu_rating_w = self._line(form, "PSU rating (W)", "rackstudio.power.psu_rating_w")
        self.psu_redundancy = self._line(form, "Redundancy (N+M)", "rackstudio.power.psu_redundancy",
                                         "for example 5+1; N+N as numbers, e.g. 6+6")
        return box

    def _cooling_box(self) -> QGroupBox:
        box = QGroupBox("Heat and airflow")
        form = QFormLayout(box)
        self.cooling = self._combo(form, "Cooling", ["air", "liquid", "hybrid", "immersion"])
        self.liquid_fraction = self._line(form, "Liquid share (0-1)", "rackstudio.cooling.liquid_fraction",
                                          "share of the heat the coolant takes")
        self.airflow = self._combo(form, "Airflow", list(get_args(Airflow)), optional=True)
        self.airflow_cfm = self._line(form, "Airflow (CFM)", "rackstudio.cooling.airflow_cfm")
        return box

    def _ports_box(self) -> QGroupBox:
        box = QGroupBox("Ports")
        layout = QVBoxLayout(box)
        self.ports = QTableWidget(0, len(PORT_COLUMNS))
        self.ports.setHorizontalHeaderLabels(list(PORT_COLUMNS))
        self.ports.setMinimumHeight(160)
        header = self.ports.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # NetBox type names are long
        for column, width in ((0, 130), (1, 130), (3, 110), (4, 50)):
            self.ports.setColumnWidth(column, width)
        self.ports.itemChanged.connect(self.validate)
        layout.addWidget(self.ports)
        row = QHBoxLayout()
        for kind in PORT_KINDS:
            button = QPushButton(f"Add {kind.replace('-', ' ')}")
            button.clicked.connect(lambda _=False, k=kind: self.add_port(k))
            row.addWidget(button)
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self.remove_selected_ports)
        row.addWidget(remove)
        row.addStretch()
        layout.addLayout(row)
        self.kept = QLabel()
        layout.addWidget(self.kept)
        return box

    # --- ports -----------------------------------------------------------------------------------------
    def add_port(self, kind: str, name: str | None = None, type_: str | None = None,
                 draw: float | None = None, mgmt: bool = False) -> int:
        self.ports.blockSignals(True)
        row = self.ports.rowCount()
        self.ports.insertRow(row)
        combo = QComboBox()
        combo.addItems(list(PORT_KINDS))
        combo.setCurrentText(kind)
        combo.currentIndexChanged.connect(self.validate)
        self.ports.setCellWidget(row, 0, combo)
        count = sum(1 for r in range(row) if self._kind(r) == kind)
        default = {"interface": f"eth{count}", "power-port": f"PSU{count + 1}", "console-port": "console"}[kind]
        for column, text in ((1, name or default), (2, type_ or _DEFAULT_TYPE[kind]),
                             (3, "" if draw is None else f"{draw:g}")):
            self.ports.setItem(row, column, QTableWidgetItem(text))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if mgmt else Qt.CheckState.Unchecked)
        self.ports.setItem(row, 4, check)
        self.ports.blockSignals(False)
        self.validate()
        return row

    def remove_selected_ports(self) -> None:
        for row in sorted({i.row() for i in self.ports.selectedIndexes()}, reverse=True):
            self.ports.removeRow(row)
        self.validate()

    def _kind(self, row: int) -> str:
        return self.ports.cellWidget(row, 0).currentText()

    def _text(self, row: int, column: int) -> str:
        item = self.ports.item(row, column)
        return item.text().strip() if item is not None else ""

    def _port_data(self) -> tuple[dict[str, list[dict]], list[str]]:
        out: dict[str, list[dict]] = {key: [] for key in PORT_KINDS.values()}
        problems, seen = [], set()
        for row in range(self.ports.rowCount()):
            kind, name, type_ = self._kind(row), self._text(row, 1), self._text(row, 2)
            if (kind, name) in seen:
                problems.append(f"port {row + 1}: a {kind} named {name!r} already exists")
            seen.add((kind, name))
            # a port that keeps its kind and name keeps its other NetBox fields (label, description, ...)
            port: dict[str, Any] = {**self._original_ports.get((kind, name), {}), "name": name, "type": type_ or None}
            if kind == "power-port":
                port["maximum_draw"] = _number(self._text(row, 3))
            if kind == "interface" and self.ports.item(row, 4).checkState() == Qt.CheckState.Checked:
                port["mgmt_only"] = True
            out[PORT_KINDS[kind]].append(port)
        return out, problems

    # --- loading and reading the form -------------------------------------------------------------------
    def _load(self, part: PartType | None) -> None:
        ext = part.rackstudio if part else None
        power = ext.power if ext else None
        values = {
            self.manufacturer: part.manufacturer if part else "", self.model: part.model if part else "",
            self.slug: part.slug if part else "", self.part_number: (part.part_number or "") if part else "",
            self.source: (ext.source or "") if ext else "", self.u_height: f"{part.u_height:g}" if part else "1",
            self.depth: _shown(ext.depth_mm if ext else None), self.weight: _shown(part.weight_kg if part else None),
            self.max_w: _shown(power.max_w if power else None), self.typical_w: _shown(power.typical_w if power else None),
            self.allocated_w: _shown(power.allocated_w if power else None),
            self.psu_count: _shown(power.psu_count if power else None),
            self.psu_rating_w: _shown(power.psu_rating_w if power else None),
            self.psu_redundancy: str(power.psu_redundancy) if power and power.psu_redundancy else "",
            self.liquid_fraction: _shown(ext.cooling.liquid_fraction if ext else 0.0),
            self.airflow_cfm: _shown(ext.cooling.airflow_cfm if ext else None),
        }
        for edit, text in values.items():
            edit.setText(text)
            edit.setCursorPosition(0)  # long texts (the source line) show their beginning
        for combo, value in ((self.category, ext.category.value if ext else "server"),
                             (self.unit_system, ext.unit_system.value if ext else "eia"),
                             (self.power_source, power.source if power else "ac"),
                             (self.cooling, ext.cooling.method if ext else "air"),
                             (self.airflow, part.airflow if part else "front-to-rear")):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.full_depth.setChecked(part.is_full_depth if part else True)
        if part is not None:
            for p in part.interfaces:
                self.add_port("interface", p.name, p.type, mgmt=p.mgmt_only)
            for p in part.power_ports:
                self.add_port("power-port", p.name, p.type, p.maximum_draw)
            for p in part.console_ports:
                self.add_port("console-port", p.name, p.type)
        kept = [f"{len(v)} {k}" for k in _KEPT if (v := getattr(part, k.replace("-", "_"), ()))]
        self.kept.setText(("Kept as they are: " + ", ".join(kept)) if kept else "")

    def _data(self) -> tuple[dict[str, Any], list[str]]:
        """The part as a NetBox mapping with its rackstudio block, and form-level problems."""
        base = self.original.model_dump(mode="json", by_alias=True, exclude={"origin"}) if self.original else {}
        ports, problems = self._port_data()
        ext = dict(base.get("rackstudio") or {})
        weight = _number(self.weight.text())
        width = "21in" if self.unit_system.currentData() == "ou" else ext.get("width_class", "19in")
        ext.update({
            "category": self.category.currentData(), "unit_system": self.unit_system.currentData(),
            "width_class": width, "depth_mm": _number(self.depth.text()), "source": self.source.text().strip() or None,
            "power": {**(ext.get("power") or {}), "source": self.power_source.currentData(),
                      "max_w": _number(self.max_w.text()), "typical_w": _number(self.typical_w.text()),
                      "allocated_w": _number(self.allocated_w.text()), "psu_count": _number(self.psu_count.text()),
                      "psu_rating_w": _number(self.psu_rating_w.text()),
                      "psu_redundancy": self.psu_redundancy.text().strip() or None},
            "cooling": {**(ext.get("cooling") or {}), "method": self.cooling.currentData(),
                        "liquid_fraction": _number(self.liquid_fraction.text()) or 0,
                        "airflow_cfm": _number(self.airflow_cfm.text())},
        })
        data = {key: base[key] for key in (*_KEPT, "subdevice_role", "is_powered", "comments", "description")
                if base.get(key) not in (None, [], ())}
        data.update({
            "manufacturer": self.manufacturer.text().strip(), "model": self.model.text().strip(),
            "slug": self.slug.text().strip(), "part_number": self.part_number.text().strip() or None,
            "u_height": _number(self.u_height.text()), "is_full_depth": self.full_depth.isChecked(),
            "airflow": self.airflow.currentData(), "weight": weight, "weight_unit": "kg" if weight else None,
            "rackstudio": ext, **ports,
        })
        return data, problems

    # --- validation as you type ----------------------------------------------------------------------
    def _slug_typed(self, _text: str) -> None:
        self._slug_edited = True

    def _follow_slug(self, _text: str) -> None:
        if not self._slug_edited:
            self.slug.setText(slugify(f"{self.manufacturer.text()}-{self.model.text()}"))
            self.validate()

    def validate(self, *_args) -> PartType | None:
        """Re-check the form; shows the first problem, the data-quality notes and the heat."""
        if not hasattr(self, "buttons"):
            return None  # still building the form
        data, problems = self._data()
        part = None
        if not problems:
            try:
                part = PartType.model_validate(data)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                where = self._labels.get(where, where)
                problems.append(f"{where}: {err['msg']}" if where else err["msg"])
        flags = ()
        if part is not None:
            result = parse_device_type(part_yaml(part), "this part")  # what a reload will say
            flags = result.flags
            if result.error is not None:
                problems.append(f"{result.error.where or 'part'}: {result.error.reason}")
                part = None
        self._part = part
        self.problem.setText(problems[0] if problems else "")
        self.notes.setText("; ".join(f.message for f in flags))
        self.heat.setText(_heat_text(part) if part is not None else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(part is not None)
        return part

    def part(self) -> PartType | None:
        return self._part

    # --- saving ----------------------------------------------------------------------------------------
    def _ask_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(self, "Replace part?", f"{path} already exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    def save(self) -> Path | None:
        """Save the valid part into the user's parts folder; None when invalid or not confirmed."""
        part = self.validate()
        if part is None:
            return None
        path = part_file(part, self.root)
        same = self.original is not None and part_file(self.original, self.root) == path
        if path.exists() and not same and not self.confirm_overwrite(path):
            return None
        try:
            path = save_part(part, self.root)
        except OSError as exc:
            self.problem.setText(f"Could not save {path}: {exc.strerror or exc}")
            return None
        self.saved.emit(str(path))
        self.accept()
        return path


def _shown(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _heat_text(part: PartType) -> str:
    """Heat = power (1 W = 1 W of heat = 3.412 BTU/h), split by the liquid share; the air ΔT the
    declared airflow implies, ΔT °F = 3.16 × W / CFM (engineering.md 1.2, 3.1)."""
    draw = part_draw(part)
    if not draw.known or draw.max_w == 0:
        return "Heat: no power figures"
    cooling = part.rackstudio.cooling
    liquid = draw.max_w * cooling.liquid_fraction
    air = draw.max_w - liquid
    text = (f"Heat: {draw.max_w / 1000:.2f} kW ({draw.max_w * BTU_H_PER_W:,.0f} BTU/h): "
            f"{air / 1000:.2f} kW to air, {liquid / 1000:.2f} kW to liquid")
    if cooling.airflow_cfm and air:
        dt_f = 3.16 * air / cooling.airflow_cfm
        text += f"; {cooling.airflow_cfm:g} CFM means an air rise of {dt_f:.1f} °F ({dt_f / 1.8:.1f} K)"
    return text


def open_part_editor_dialog(parent: QWidget | None, part: PartType | None = None,
                            root: Path | None = None) -> PartEditorDialog:
    """Show the part editor (modeless) for a new part or a copy of `part`; connect `saved(path)` to
    reload the parts library."""
    dialog = PartEditorDialog(part, parent, root)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
