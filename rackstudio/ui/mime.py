"""Drag payloads: "application/x-rackstudio-part" carries a library key only ("part:<slug>",
"rack-type:<slug>", "rack-design:<slug>" or "module:<key>"), never an object; the drop looks the key up again."""
from __future__ import annotations

from PySide6.QtCore import QMimeData

PART_MIME = "application/x-rackstudio-part"
KINDS = ("part", "rack-type", "rack-design", "module")


def encode(kind: str, key: str) -> QMimeData:
    if kind not in KINDS:
        raise ValueError(f"unknown library kind {kind!r}")
    mime = QMimeData()
    mime.setData(PART_MIME, f"{kind}:{key}".encode())
    mime.setText(key)
    return mime


def decode(mime: QMimeData | None) -> tuple[str, str] | None:
    """(kind, key) from a drag payload, or None when it is not ours."""
    if mime is None or not mime.hasFormat(PART_MIME):
        return None
    text = bytes(mime.data(PART_MIME).data()).decode("utf-8", "replace")
    kind, _, key = text.partition(":")
    if kind not in KINDS or not key:
        return None
    return kind, key
