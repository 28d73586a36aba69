"""Platform guard: PySide6 6.12.0 on Python 3.11 drops a reference to None on every void
QGraphicsItem call and aborts the interpreter after a few thousand (none_dealloc;
docs/platform.md). The pinned 6.11.3 must not leak."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene


def test_void_graphics_calls_do_not_leak_references_to_none(qapp):
    scene = QGraphicsScene()
    items = [QGraphicsRectItem(0, 0, 10, 10) for _ in range(100)]
    for item in items:
        scene.addItem(item)
    flag = QGraphicsRectItem.GraphicsItemFlag.ItemIsSelectable
    for item in items[:5]:  # warm up any one-time caches
        item.setPos(1, 1)
        item.setFlag(flag, True)
    before = sys.getrefcount(None)
    for n in range(50):
        for item in items:
            item.setPos(n, n)
            item.setFlag(flag, n % 2 == 0)
    after = sys.getrefcount(None)
    assert abs(after - before) < 100, f"None lost {before - after} references over 10,000 calls"
