"""docs/engineering.md is the reference the code cites: every section a citation names exists, and
every check rule the code registers (or lists as not checked) has its row in a rule table."""
from __future__ import annotations

import re
from pathlib import Path

from rackstudio.checks import builtin_registry
from rackstudio.checks.registry import NOT_CHECKED

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "engineering.md"
CITING = [ROOT / "rackstudio", ROOT / "tests", ROOT / "plugins"]
# "engineering.md 2.5", "engineering.md §2.10", "engineering.md §§1.7, 2.9", "engineering.md 2.1-2.4"
CITATION = re.compile(r"engineering\.md[ ,]*§*\s*((?:\d+(?:\.\d+)?)(?:\s*[,-]\s*\d+(?:\.\d+)?)*)")


def _sections(text: str) -> dict[str, str]:
    """Section number → its text: '2' and '2.10' from '## 2. Power' and '### 2.10 Power cords'."""
    found, current = {}, None
    for line in text.splitlines():
        match = re.match(r"#{2,3} (\d+(?:\.\d+)?)\.?\s", line)
        if match:
            current = match.group(1)
            found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
            if "." in current:
                found[current.split(".")[0]] += line + "\n"
    return found


def _exists(number: str, sections: dict[str, str]) -> bool:
    if number in sections:
        return True
    major, _, item = number.partition(".")  # an item of a numbered list, e.g. §9's open items
    return bool(item) and re.search(rf"^{item}\. ", sections.get(major, ""), re.M) is not None


def test_every_cited_section_exists():
    sections = _sections(REFERENCE.read_text(encoding="utf-8"))
    missing = []
    for folder in CITING:
        for path in folder.rglob("*"):
            if path.suffix not in (".py", ".md", ".toml", ".yaml") or not path.is_file():
                continue
            for match in CITATION.finditer(path.read_text(encoding="utf-8", errors="replace")):
                for number in re.split(r"\s*[,-]\s*", match.group(1)):
                    if not _exists(number, sections):
                        missing.append(f"{path.relative_to(ROOT)}: §{number}")
    assert missing == []


def test_every_rule_has_its_row():
    text = REFERENCE.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| ((?:PWR|COOL|CAB|SPC|LIB)-\d{3}) \|", text, re.M))
    registered = {r.id for r in builtin_registry()} | set(NOT_CHECKED)
    assert registered <= rows, sorted(registered - rows)
