"""A flat table model over a Python list, the base of the palette and the cable list."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

_ROOT = QModelIndex()


class RowsTableModel(QAbstractTableModel):
    """Rows in `self.rows`, column titles in `columns`; subclasses give `data`."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def multiData(self, index, roles) -> None:
        """Every role a view asks of a cell to paint it (seven), in one call from Qt into Python.
        Each such call takes the GIL anew, and while a background check runs each take waits for
        the worker's time slice: painting the palette's 95 cells cost 70 ms with `data` alone."""
        data = self.data
        for role_data in roles:
            value = data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def index(self, row, column, parent=_ROOT):
        """The view asks this per cell it paints; Qt's own asks `rowCount` and `columnCount` in
        two more calls into Python (see `multiData`)."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.columns) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None
