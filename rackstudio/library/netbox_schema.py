"""Qt-free. The NetBox device-type library's schema rules, checked field by field in Python.

The rules are those of the library's `devicetype.json`, `moduletype.json` and `components.json`
(required keys, types, slug pattern, u_height in half units, weight with its unit, component
names and types, bays and references). A wrong type refuses the file (`Refused`, naming the key
path); every other deviation loads with a flag, so real library files with quirks still load.
Choice values (interface/port/outlet types, airflow) are checked against a `Vocabulary`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from rackstudio.library.quality import Flag
from rackstudio.library.safe_yaml import Refused, Vocabulary
from rackstudio.model.text import CONTROL, visible
from rackstudio.model.units import WEIGHT_TO_KG

__all__ = ["COMPONENTS", "SLUG_RE", "FieldReader", "cross_checks", "flag_unknown_keys", "kind_of",
           "pydantic_problem", "read_components", "read_identity", "read_weight", "slugify",
           "summarise_empty"]

SLUG_RE = re.compile(r"^[-a-z0-9_]+$")
_COLOR_RE = re.compile(r"^[a-f0-9]{6}$")


# --- field readers -------------------------------------------------------------------------------

def slugify(text: str) -> str:
    """NetBox-style slug: lower case, runs of other characters become one hyphen."""
    return re.sub(r"[^-a-z0-9_]+", "-", text.lower()).strip("-")


def kind_of(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false", str: "text"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


class FieldReader:
    """Reads one YAML mapping, refusing wrong types and collecting flags as it goes."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.empty: list[str] = []
        self._places: dict[tuple[str, str], list[str]] = {}

    def flag(self, key: str, message: str, where: str | None = None) -> None:
        """Record a flag; the same flag at many places becomes one flag naming the first place
        and how many more (24 outlets of one unknown type are one problem, not 24)."""
        self._places.setdefault((key, message), []).append(where or "")

    @property
    def flags(self) -> list[Flag]:
        out = []
        for (key, message), places in self._places.items():
            if places[0]:
                more = f" (+{len(places) - 1} more)" if len(places) > 1 else ""
                message = f"{message} at {places[0]}{more}"
            out.append(Flag(key, message))
        return out

    def _get(self, data: dict, key: str, where: str, required: bool) -> Any:
        value = data.get(key)
        if value is None or value == "":
            if key in data:
                if required:
                    raise Refused(where, "required, but empty")
                self.empty.append(where)
            elif required:
                raise Refused(where, "required, but missing")
            return None
        return value

    def text(self, data: dict, key: str, where: str, max_len: int | None = None,
             required: bool = False) -> str | None:
        value = self._get(data, key, where, required)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.flag("coerced", "number read as text", where)
            value = str(value)
        if not isinstance(value, str):
            raise Refused(where, f"expected text, found {kind_of(value)}")
        if max_len is not None and len(value) > max_len:
            self.flag("too-long", f"longer than {max_len} characters", where)
        if CONTROL.search(value):  # kept (a rename repairs it); every output shows it as an escape
            self.flag("control-characters", f"holds control characters ({visible(value)[:60]})", where)
        return value

    def number(self, data: dict, key: str, where: str, required: bool = False,
               step: float | None = None) -> float | None:
        value = self._get(data, key, where, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refused(where, f"expected a number, found {kind_of(value)} {value!r}")
        if isinstance(value, int) and abs(value) > 10**12 or not math.isfinite(value) or abs(value) > 1e12:
            # .nan, .inf and 10**400 have no place in a part and break float arithmetic
            raise Refused(where, f"not a usable number ({str(value)[:20]})")
        if value < 0:
            raise Refused(where, f"must not be negative (found {value})")
        if step is not None and (value / step) != int(value / step):
            raise Refused(where, f"must be a multiple of {step:g} (found {value})")
        return value

    def whole(self, data: dict, key: str, where: str, minimum: int = 1) -> int | None:
        value = self.number(data, key, where)
        if value is None:
            return None
        if value != int(value) or value < minimum:
            raise Refused(where, f"must be a whole number of at least {minimum} (found {value})")
        return int(value)

    def boolean(self, data: dict, key: str, where: str) -> bool | None:
        value = self._get(data, key, where, False)
        if value is not None and not isinstance(value, bool):
            raise Refused(where, f"expected true or false, found {kind_of(value)} {value!r}")
        return value

    def choice(self, data: dict, key: str, where: str, vocab: str, label: str,
               model_allows: Callable[[str], bool] | None = None) -> str | None:
        """A NetBox choice value. Unknown values load with a flag; a model that cannot hold
        the value (a fixed Literal) drops it."""
        value = self.text(data, key, where)
        if value is None or self.vocabulary.allows(vocab, value):
            return value
        if model_allows is not None and not model_allows(value):
            self.flag("unknown-type", f"unknown {label} {value!r}, not kept", where)
            return None
        self.flag("unknown-type", f"unknown {label} {value!r}", where)
        return value


# --- components ----------------------------------------------------------------------------------
# NetBox key -> (PartType field, vocabulary for `type`, label, fields beyond name/label/description,
# keys the library schema allows that RackStudio does not keep).
COMPONENTS: dict[str, tuple[str, str | None, str, tuple[str, ...], tuple[str, ...]]] = {
    "console-ports": ("console_ports", "console-port", "console port type", (), ("_is_power_source",)),
    "console-server-ports": ("console_server_ports", "console-server-port", "console server port type",
                             (), ()),
    "power-ports": ("power_ports", "power-port", "power port type", ("maximum_draw", "allocated_draw"), ()),
    "power-outlets": ("power_outlets", "power-outlet", "power outlet type", ("power_port", "feed_leg"), ()),
    "interfaces": ("interfaces", "interface", "interface type",
                   ("enabled", "mgmt_only", "poe_mode", "poe_type"), ("bridge", "rf_role")),
    "front-ports": ("front_ports", "front-port", "front port type",
                    ("color", "rear_port", "rear_port_position", "positions"), ()),
    "rear-ports": ("rear_ports", "rear-port", "rear port type", ("color", "positions"), ("_is_power_source",)),
    "module-bays": ("module_bays", None, "", ("position",), ()),
    "device-bays": ("device_bays", None, "", (), ()),
}
_TYPE_REQUIRED_BY_MODEL = {"interfaces", "front-ports", "rear-ports"}
_SINGULAR = {"console-ports": "console port", "console-server-ports": "console server port",
             "power-ports": "power port", "power-outlets": "power outlet", "interfaces": "interface",
             "front-ports": "front port", "rear-ports": "rear port", "module-bays": "module bay",
             "device-bays": "device bay"}


def _read_field(r: FieldReader, item: dict, name: str, where: str) -> Any:
    w = f"{where}.{name}"
    if name in ("maximum_draw", "allocated_draw"):
        value = r.number(item, name, w)
        if value == 0:
            r.flag("schema", "0 W read as not set", w)
            return None
        if value is not None and value != int(value):
            r.flag("schema", "not a whole number of W", w)
        return value
    if name in ("enabled", "mgmt_only"):
        return r.boolean(item, name, w)
    if name in ("positions", "rear_port_position"):
        return r.whole(item, name, w)
    if name == "feed_leg":
        return r.choice(item, name, w, "feed-leg", "feed leg", lambda v: v in ("A", "B", "C"))
    if name in ("poe_mode", "poe_type"):
        return r.choice(item, name, w, name.replace("_", "-"), name.replace("_", " "))
    if name == "color":
        value = r.text(item, name, w)
        if value is not None and not _COLOR_RE.match(value):
            r.flag("schema", "colour is not six lower-case hex digits", w)
        return value
    return r.text(item, name, w, max_len=30 if name == "position" else 64)


def read_components(r: FieldReader, data: dict, key: str, out: dict[str, list[dict]]) -> None:
    items = data.get(key)
    if items is None or items == "":
        if key in data:
            r.empty.append(key)
        return
    if not isinstance(items, list):
        raise Refused(key, f"expected a list, found {kind_of(items)}")
    field, vocab, label, extra, dropped = COMPONENTS[key]
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise Refused(where, f"expected a mapping, found {kind_of(item)}")
        name = r.text(item, "name", f"{where}.name", max_len=64, required=True)
        target, target_extra = field, extra
        if key == "power-ports" and "position" in item and "type" not in item:
            # A module bay filed under power-ports (seen in the real library): keep it as a bay.
            r.flag("schema", "power port with a position and no type read as a module bay", where)
            target, target_extra = "module_bays", ("position",)
        known = {"name", "label", "type", "description", *target_extra}
        for k in item:
            if k in dropped and item[k] not in (None, ""):
                r.flag("not-kept", f"{k} not kept", f"{where}.{k}")
            elif k not in known and k not in dropped:
                r.flag("unknown-key", f"unknown key {k!r} ignored", f"{where}.{k}")
        rec: dict[str, Any] = {"name": name}
        rec["label"] = r.text(item, "label", f"{where}.label", max_len=64)
        rec["description"] = r.text(item, "description", f"{where}.description", max_len=200)
        if vocab is not None and target == field:
            rec["type"] = r.choice(item, "type", f"{where}.type", vocab, label)
            if rec["type"] is None:
                missing = "other" if key in _TYPE_REQUIRED_BY_MODEL else None
                note = f", read as {missing!r}" if missing else ""
                r.flag("missing-field", f"{_SINGULAR[key]} without a type{note}", where)
                rec["type"] = missing
        for k in target_extra:
            rec[k] = _read_field(r, item, k, where)
        if key == "module-bays" and rec.get("position") is None:
            r.flag("missing-field", "module bay without a position", where)
        if name in seen:
            r.flag("duplicate-name", f"duplicate {_SINGULAR[key]} name {name!r}, later one dropped", where)
            continue
        seen.add(name)
        out.setdefault(target, []).append({k: v for k, v in rec.items() if v is not None})


def cross_checks(r: FieldReader, comps: dict[str, list[dict]], subdevice_role: str | None) -> None:
    """Schema rules between fields: bays need a parent role, references must resolve."""
    if comps.get("device_bays") and subdevice_role != "parent":
        r.flag("schema", "device-bays need subdevice_role: parent")
    inlets = {p["name"] for p in comps.get("power_ports", ())}
    for o in comps.get("power_outlets", ()):
        if "power_port" in o and o["power_port"] not in inlets:
            r.flag("schema", f"power outlet {o['name']!r} names a missing power port {o['power_port']!r}")
    rears = {p["name"] for p in comps.get("rear_ports", ())}
    for p in comps.get("front_ports", ()):
        if "rear_port" in p and p["rear_port"] not in rears:
            r.flag("schema", f"front port {p['name']!r} names a missing rear port {p['rear_port']!r}")
        if "rear_port_position" in p and "rear_port" not in p:
            r.flag("schema", f"front port {p['name']!r} has rear_port_position without rear_port")


def read_weight(r: FieldReader, data: dict) -> tuple[float | None, str | None]:
    weight = r.number(data, "weight", "weight")
    unit = r.choice(data, "weight_unit", "weight_unit", "weight-unit", "weight unit",
                    lambda v: v in WEIGHT_TO_KG)
    if weight is not None and unit is None:
        r.flag("schema", f"weight {weight:g} has no weight_unit; not kept")
        return None, None
    if unit is not None and weight is None:
        r.flag("schema", f"weight_unit {unit!r} without weight; not kept")
        return None, None
    return weight, unit


def read_identity(r: FieldReader, data: dict, with_slug: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "manufacturer": r.text(data, "manufacturer", "manufacturer", required=True),
        "model": r.text(data, "model", "model", required=True),
    }
    for key in ("manufacturer", "model"):
        if len(out[key]) > 100:
            raise Refused(key, f"{key} is longer than 100 characters")
    if with_slug:
        slug = r.text(data, "slug", "slug")
        if slug is None:
            slug = slugify(f"{out['manufacturer']}-{out['model']}")
            r.flag("missing-field", f"no slug; derived {slug!r}")
        elif not SLUG_RE.match(slug):
            fixed = slugify(slug)
            if not fixed:
                raise Refused("slug", f"slug {slug!r} has no usable characters")
            r.flag("schema", f"slug {slug!r} does not match ^[-a-z0-9_]+$; read as {fixed!r}")
            slug = fixed
        if len(slug) > 100:
            raise Refused("slug", "slug is longer than 100 characters")
        out["slug"] = slug
    return out


def flag_unknown_keys(r: FieldReader, data: dict, known: set[str]) -> None:
    for key in data:
        if key not in known:
            r.flag("unknown-key", f"unknown key {key!r} ignored")


def summarise_empty(r: FieldReader) -> None:
    if r.empty:
        shown = ", ".join(r.empty[:3])
        more = f" (+{len(r.empty) - 3} more)" if len(r.empty) > 3 else ""
        r.flag("empty-value", f"null or empty values read as not set: {shown}{more}")


def pydantic_problem(exc: ValidationError, prefix: str = "") -> Refused:
    err = exc.errors()[0]
    loc = prefix
    for part in err["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    return Refused(loc or None, err["msg"])
