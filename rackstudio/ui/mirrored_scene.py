"""A scene whose selection mirrors the editor's shared selection both ways: what the user
selects here is published; what is selected elsewhere is shown here. Rebuilding items inside
`quiet()` never shrinks the shared selection."""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from rackstudio.ui.editor import EditorContext


class MirroredSelectionScene(QGraphicsScene):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(parent)
        self.editor = editor
        self._following = False
        self._batch = 0  # inside `selecting`
        editor.selection.changed.connect(self._follow_selection)
        self.selectionChanged.connect(self._publish_selection)

    def selected_ids(self) -> list[str]:
        raise NotImplementedError

    def show_selection(self, wanted: set[str]) -> None:
        """Select the items of the ids in `wanted` (and only those)."""
        raise NotImplementedError

    @contextmanager
    def quiet(self):
        was = self._following
        self._following = True
        try:
            yield
        finally:
            self._following = was

    @contextmanager
    def selecting(self):
        """Many items' selection set as one change: `selection_settled` runs once after it, not
        once per item (Qt's `selectionChanged` comes with each item)."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
        if not self._batch:
            self.selection_settled()

    @property
    def in_batch(self) -> bool:
        return self._batch > 0

    def selection_settled(self) -> None:
        """After a batch of selection changes (`selecting`): what follows the selection."""

    def select_together(self, items: Iterable[QGraphicsItem]) -> None:
        """Select `items` and publish the selection once. Item by item, each selection change
        published the whole selection so far: Select All over a 1,000-rack hall's 2,128 racks and
        floor units rebuilt the Inspector and summed the totals 2,128 times (56 s)."""
        with self.quiet(), self.selecting():
            for item in items:
                item.setSelected(True)
        self._publish_selection()

    def select_only(self, item: QGraphicsItem) -> None:
        """`item` alone selected, published once: a click on one of several selected items, not
        dragged, leaves it the selection, as in drawing tools."""
        if item.isSelected() and len(self.selectedItems()) == 1:
            return
        with self.quiet(), self.selecting():
            self.clearSelection()
            item.setSelected(True)
        self._publish_selection()

    def _publish_selection(self) -> None:
        if not self._following:
            self.editor.selection.set(self.selected_ids(), source=self)

    def _follow_selection(self, source) -> None:
        if source is not self:
            with self.quiet(), self.selecting():
                self.show_selection(set(self.editor.selection.ids))
