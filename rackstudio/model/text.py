"""Qt-free. Control characters in names: a design may hold them (it loads with a warning and a
rename repairs it), but no output acts on them: terminals, spreadsheets and XML get escapes."""
from __future__ import annotations

import re

# What a terminal, a spreadsheet or an XML file would act on or refuse (tab and newline are text):
# C0 but tab and newline, DEL, C1, and unpaired surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def escaped(match: re.Match) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def visible(text: str) -> str:
    """`text` with its control characters written as escapes (`\\x1b`), for any output."""
    return CONTROL.sub(escaped, text) if CONTROL.search(text) else text


def typed_problem(field: str, value: object) -> str | None:
    """Why `value` cannot be typed into `field` (it holds a control character), or None.

    The one rule every edit path shares: a loaded design may hold them, an edit may not add them."""
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, (list, tuple)) else []
    for text in texts:
        if CONTROL.search(text):
            return (f"{field}: control characters ({visible(text)[:80]}) cannot be typed into a design; "
                    "tab and newline are the only ones text may hold")
    return None
