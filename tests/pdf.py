"""Reading the PDFs RackStudio writes, for tests: page count and text, with pypdf (pure Python,
so the tests need nothing from the system)."""
from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def pdf_text(path: Path) -> str:
    """The text of every page, in page order, with the gaps between words as single spaces
    (pypdf gives Qt's word gaps as tabs)."""
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"[ \t]+", " ", text)
