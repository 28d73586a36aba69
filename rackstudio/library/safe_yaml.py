"""Qt-free. Safe YAML for library files, and the NetBox choice vocabulary to check them against.

Part files come from anywhere (a vendor's plugin, a colleague's folder, a clone of the NetBox
library), so parsing is hostile-input safe: a size cap, a nesting cap, no anchors or aliases
(a 332-byte "billion laughs" file expands to 10^9 nodes), and only the YAML core tags, so
no `!!python/...` tag can construct an object. Duplicate keys keep PyYAML's behaviour (the
last value wins) but are reported, because strict parsers reject them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml

from rackstudio.model.parts import Airflow

__all__ = ["MAX_FILE_BYTES", "MAX_NESTING", "LoadProblem", "Refused", "Vocabulary", "find_schema",
           "locate", "parse_yaml", "read_text"]

MAX_FILE_BYTES = 2 * 1024 * 1024  # the largest real device type is ~60 kB
MAX_NESTING = 16  # a device type nests 3 deep; deeper input is refused before composing
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built, ~8x faster


@dataclass(frozen=True)
class LoadProblem:
    """Why a file was refused: the file, the key path in it (`power-ports[2].maximum_draw`),
    the reason, and the 1-based line/column when known."""

    path: str
    where: str | None
    reason: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        place = []
        if self.where:
            place.append(self.where)
        if self.line is not None:
            place.append(f"line {self.line}, column {self.column}")
        return f"{self.path}{' at ' + ', '.join(place) if place else ''}: {self.reason}"


class Refused(Exception):
    """Raised inside the reader; becomes a LoadProblem, never reaches the user as a traceback."""

    def __init__(self, where: str | None, reason: str, mark: Any = None):
        super().__init__(reason)
        self.where = where
        self.reason = reason
        self.line = mark.line + 1 if mark is not None else None
        self.column = mark.column + 1 if mark is not None else None


class NetboxLoader(_Base):
    """SafeLoader without timestamps (dates stay text) that records duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _CORE + "timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, int]] = []

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise Refused(None, "mapping keys must be plain values", key_node.start_mark)
            if key in seen:
                self.duplicate_keys.append((key, key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep)


def _screen(text: str) -> None:
    """Refuse aliases, anchors, non-core tags and deep nesting from the event stream, before any
    node is composed, so a bomb costs no more than reading its few hundred bytes."""
    loader = _Base(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise Refused(None, f"YAML aliases (*{event.anchor}) are not allowed", event.start_mark)
            if getattr(event, "anchor", None):
                raise Refused(None, f"YAML anchors (&{event.anchor}) are not allowed", event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _ALLOWED_TAGS:
                shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
                raise Refused(None, f"YAML tag {shown} is not allowed (only plain values, lists "
                                    "and mappings)", event.start_mark)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise Refused(None, f"nested deeper than {MAX_NESTING} levels", event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def parse_yaml(text: str) -> tuple[Any, list[tuple[Any, int]]]:
    """The single document in `text` and its duplicate keys as (key, line); raises Refused."""
    if len(text) > MAX_FILE_BYTES:
        raise Refused(None, f"larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
    try:
        _screen(text)
        loader = NetboxLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(x for x in (exc.context, exc.problem) if x)
        raise Refused(None, f"YAML syntax: {reason}", mark) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: say which, and where
        pos = exc.position
        line = text.count("\n", 0, pos)
        mark = yaml.Mark("<text>", pos, line, pos - (text.rfind("\n", 0, pos) + 1), None, None)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise Refused(None, f"YAML: character {char!r} (#x{ord(char):04x}) is not allowed", mark) from None
    except yaml.YAMLError as exc:
        raise Refused(None, " ".join(f"YAML: {exc}".split())) from None
    except ValueError:  # PyYAML's int() of more than 4,300 digits (sys.int_info)
        raise Refused(None, "a number of thousands of digits is not a usable number") from None
    if data is None:
        raise Refused(None, "the file is empty")
    return data, loader.duplicate_keys


def read_text(path: str | Path) -> tuple[str | None, LoadProblem | None]:
    """A library file's text (UTF-8, BOM allowed), or the problem that stops it being read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, LoadProblem(str(path), None, f"larger than {MAX_FILE_BYTES // 1024 // 1024} MiB "
                                                      f"({size} bytes)")
        return path.read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, LoadProblem(str(path), None, f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        return None, LoadProblem(str(path), None, f"cannot read: {exc.strerror or exc}")


def locate(text: str, where: str) -> tuple[int | None, int | None]:
    """1-based line and column of the value at a key path like `power-ports[2].maximum_draw`."""
    try:
        loader = NetboxLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", where):
            node = node.value[int(index)] if index else next(v for k, v in node.value if str(k.value) == key)
        return node.start_mark.line + 1, node.start_mark.column + 1
    except Exception:  # a path into something the screen already refused, or not there
        return None, None


# --- the NetBox choice vocabulary ----------------------------------------------------------------
# Names follow `generated_schema.json` definitions; (definition, property) inside it.
_SCHEMA_ENUMS = {
    "airflow": ("airflow", None), "weight-unit": ("weight-unit", None),
    "subdevice-role": ("subdevice-role", None),
    "console-port": ("console-port", "type"), "console-server-port": ("console-server-port", "type"),
    "power-port": ("power-port", "type"), "power-outlet": ("power-outlet", "type"),
    "feed-leg": ("power-outlet", "feed-leg"), "interface": ("interface", "type"),
    "poe-mode": ("interface", "poe_mode"), "poe-type": ("interface", "poe_type"),
    "front-port": ("front-port", "type"), "rear-port": ("rear-port", "type"),
}
_MODEL_AIRFLOW = frozenset(get_args(Airflow))


@dataclass(frozen=True)
class Vocabulary:
    """NetBox choice values by name (`interface`, `power-outlet`, `airflow`, ...).

    RackStudio does not ship NetBox's lists: they change with each NetBox release, so the
    values come from the library's own `schema/generated_schema.json` when a library has one
    (`find_schema`). A name with no list is not checked (only its shape as text is).
    """

    enums: dict[str, frozenset[str]] = field(default_factory=dict)
    source: str | None = None

    @classmethod
    def default(cls) -> Vocabulary:
        """What RackStudio's model itself fixes: weight units, subdevice roles, feed legs."""
        return _DEFAULT

    @classmethod
    def from_schema(cls, path: str | Path) -> Vocabulary:
        """Read the enumerations from a NetBox library `generated_schema.json`; raises OSError
        or ValueError for a file that is missing, too large or not that schema."""
        path = Path(path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except RecursionError:
            raise ValueError(f"{path}: JSON nested too deeply") from None
        except ValueError as exc:  # not JSON, not UTF-8, or an integer of thousands of digits
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
        definitions = data.get("definitions") if isinstance(data, dict) else None
        if not isinstance(definitions, dict):
            raise ValueError(f"{path}: no 'definitions' (not a NetBox library generated schema)")
        enums = dict(_DEFAULT.enums)
        for name, (definition, prop) in _SCHEMA_ENUMS.items():
            node = definitions.get(definition, {})
            if prop is not None:
                props = node.get("properties") if isinstance(node, dict) else None
                node = props.get(prop, {}) if isinstance(props, dict) else {}
            values = node.get("enum") if isinstance(node, dict) else None
            if isinstance(values, list) and all(isinstance(v, str) for v in values):
                enums[name] = frozenset(values)
        return cls(enums, str(path))

    def allows(self, name: str, value: str) -> bool:
        values = self.enums.get(name)
        return values is None or value in values

    @staticmethod
    def model_allows_airflow(value: str) -> bool:
        return value in _MODEL_AIRFLOW


_DEFAULT = Vocabulary({"weight-unit": frozenset({"kg", "g", "lb", "oz"}),
                       "subdevice-role": frozenset({"parent", "child"}),
                       "feed-leg": frozenset({"A", "B", "C"}),
                       "airflow": _MODEL_AIRFLOW})


def find_schema(library_root: str | Path) -> Path | None:
    """`schema/generated_schema.json` of a folder laid out like the NetBox library, if any."""
    candidate = Path(library_root) / "schema" / "generated_schema.json"
    return candidate if candidate.is_file() else None
