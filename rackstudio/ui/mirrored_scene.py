"""A scene whose selection mirrors the editor's shared selection both ways: what the user
selects here is published; what is selected elsewhere is shown here. Rebuilding items inside
`quiet()` never shrinks the shared selection."""
from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtWidgets import QGraphicsScene

from rackstudio.ui.editor import EditorContext


class MirroredSelectionScene(QGraphicsScene):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(parent)
        self.editor = editor
        self._following = False
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

    def _publish_selection(self) -> None:
        if not self._following:
            self.editor.selection.set(self.selected_ids(), source=self)

    def _follow_selection(self, source) -> None:
        if source is not self:
            with self.quiet():
                self.show_selection(set(self.editor.selection.ids))
