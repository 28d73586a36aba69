"""Qt-free. Read and write NetBox device-type, module-type and rack-type YAML.

A file is parsed safely (no aliases, anchors or object tags, a size and nesting cap), checked
against the rules of the NetBox device-type library's schema, and mapped onto `PartType`,
`ModuleType` or `RackType`. Only what cannot become a part is refused (wrong types, missing
manufacturer/model); everything else loads with data-quality flags, so a user who
points RackStudio at the real library gets nearly all of it. The safe parser and the choice
vocabulary live in `library.safe_yaml`, the schema's field rules in `library.netbox_schema`,
and the data-quality flags in `library.quality`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import ValidationError

from rackstudio.library.netbox_schema import (
    COMPONENTS,
    FieldReader,
    cross_checks,
    flag_unknown_keys,
    kind_of,
    pydantic_problem,
    read_components,
    read_identity,
    read_weight,
    summarise_empty,
)
from rackstudio.library.quality import Flag, infer_category, quality_flags
from rackstudio.library.safe_yaml import (
    MAX_FILE_BYTES,
    LoadProblem,
    Refused,
    Vocabulary,
    locate,
    parse_yaml,
    read_text,
)
from rackstudio.model.modules import ModuleType
from rackstudio.model.parts import Category, PartExtension, PartType
from rackstudio.model.racks import RackType
from rackstudio.model.units import WEIGHT_TO_KG
from rackstudio.power.inlets import derived_pdu_spec, pdu_inlet

__all__ = [
    "DEVICE_TYPE_KEYS", "MAX_FILE_BYTES", "LoadResult", "ModuleType", "device_type_data",
    "dump_device_type", "load_device_type", "load_module_type", "load_rack_type", "parse_device_type",
    "parse_module_type", "parse_rack_type",
]

T = TypeVar("T")


@dataclass(frozen=True)
class LoadResult(Generic[T]):
    """What loading one file gave: the record, or the problem that refused it, plus flags."""

    part: T | None
    flags: tuple[Flag, ...] = ()
    error: LoadProblem | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- device types --------------------------------------------------------------------------------
# NetBox device-type keys in the library schema's order (devicetype.json); exports follow it.
DEVICE_TYPE_KEYS = (
    "manufacturer", "model", "slug", "part_number", "u_height", "is_full_depth", "airflow", "weight",
    "weight_unit", "front_image", "rear_image", "subdevice_role", "is_powered", "console-ports",
    "console-server-ports", "power-ports", "power-outlets", "interfaces", "front-ports", "rear-ports",
    "module-bays", "device-bays", "inventory-items", "description", "comments",
)


def _device_fields(r: FieldReader, data: dict) -> dict[str, Any]:
    """The PartType fields of a device-type mapping (schema rules in `devicetype.json`)."""
    flag_unknown_keys(r, data, {*DEVICE_TYPE_KEYS, "rackstudio", "_is_powered"})
    out = read_identity(r, data)
    out["part_number"] = r.text(data, "part_number", "part_number", max_len=50)
    if "u_height" in data:  # given but null or empty is refused: NetBox refuses it too
        out["u_height"] = float(r.number(data, "u_height", "u_height", required=True, step=0.5))
    else:  # optional in older library schemas (early-2024 files omit it); NetBox defaults it to 1
        r.flag("missing-field", "no u_height; assumed 1 (NetBox's default)")
        out["u_height"] = 1.0
    full_depth = r.boolean(data, "is_full_depth", "is_full_depth")
    if full_depth is None:
        r.flag("missing-field", "no is_full_depth; assumed true (NetBox's default)")
    out["is_full_depth"] = True if full_depth is None else full_depth
    out["airflow"] = r.choice(data, "airflow", "airflow", "airflow", "airflow",
                              Vocabulary.model_allows_airflow)
    out["weight"], out["weight_unit"] = read_weight(r, data)
    out["subdevice_role"] = r.choice(data, "subdevice_role", "subdevice_role", "subdevice-role",
                                     "subdevice role", lambda v: v in ("parent", "child"))
    powered = r.boolean(data, "is_powered", "is_powered")
    legacy = r.boolean(data, "_is_powered", "_is_powered")
    if legacy is not None and powered is None:
        r.flag("schema", "'_is_powered' is not a NetBox key; read as is_powered")
        powered = legacy
    elif legacy is not None:
        r.flag("schema", "'_is_powered' is not a NetBox key; ignored, is_powered is set")
    out["is_powered"] = True if powered is None else powered
    for key in ("front_image", "rear_image"):
        r.boolean(data, key, key)  # library image flags: checked, not kept
    out["description"] = r.text(data, "description", "description", max_len=200)
    out["comments"] = r.text(data, "comments", "comments")
    comps: dict[str, list[dict]] = {}
    for key in COMPONENTS:
        read_components(r, data, key, comps)
    cross_checks(r, comps, out["subdevice_role"])
    inventory = data.get("inventory-items")
    if inventory not in (None, ""):
        if not isinstance(inventory, list):
            raise Refused("inventory-items", f"expected a list, found {kind_of(inventory)}")
        r.flag("not-kept", f"{len(inventory)} inventory items not kept")
    out.update(comps)
    return {k: v for k, v in out.items() if v is not None}


def _build_part(r: FieldReader, data: dict, origin: str | None) -> PartType:
    fields = _device_fields(r, data)
    ext = data.get("rackstudio")
    if ext is not None:
        if not isinstance(ext, dict):
            raise Refused("rackstudio", f"expected a mapping, found {kind_of(ext)}")
        try:
            fields["rackstudio"] = PartExtension.model_validate(ext)
        except ValidationError as exc:
            raise pydantic_problem(exc, "rackstudio") from None
    try:
        part = PartType.model_validate({**fields, "origin": origin})
    except ValidationError as exc:
        raise pydantic_problem(exc) from None
    if ext is None or "category" not in ext:
        guessed = part.rackstudio.model_copy(update={"category": infer_category(part)})
        part = part.model_copy(update={"rackstudio": guessed})
    if ext is None and part.category == Category.PDU:
        spec = derived_pdu_spec(part)  # a NetBox PDU: its inlet rating from its inlet type
        if spec is not None:
            note = f"derived from inlet type {pdu_inlet(part).type} (engineering.md 2.10)"
            derived = part.rackstudio.model_copy(update={"pdu": spec, "sources": {"pdu": note}})
            part = part.model_copy(update={"rackstudio": derived})
    return part


def _load(text: str | None, name: str, build: Callable[[FieldReader, dict], T],
          vocabulary: Vocabulary | None, data: Any = None) -> LoadResult[T]:
    """Parse (unless `data` is given already parsed), build and report; never raises for bad input."""
    r = FieldReader(vocabulary or Vocabulary.default())
    try:
        if text is not None:
            data, duplicates = parse_yaml(text)
            for key, line in duplicates:
                r.flag("duplicate-key", f"duplicate key {key!r} at line {line}; the last value is kept")
        if not isinstance(data, dict):
            raise Refused(None, f"expected a mapping of NetBox fields, found {kind_of(data)}")
        record = build(r, data)
    except Refused as exc:
        line, column = exc.line, exc.column
        if line is None and exc.where and text is not None:
            line, column = locate(text, exc.where)
        return LoadResult(None, tuple(r.flags), LoadProblem(name, exc.where, exc.reason, line, column))
    summarise_empty(r)
    return LoadResult(record, tuple(r.flags))


def parse_device_type(text: str, name: str = "<memory>", vocabulary: Vocabulary | None = None,
                      origin: str | None = None, data: dict | None = None) -> LoadResult[PartType]:
    """A device type from YAML text, or from `data` already in the library's layout (a NetBox
    server's device type, `rackstudio.netbox`). `vocabulary` holds the NetBox choice values to check
    types against (`Vocabulary.from_schema`); without one only the model's own enums are checked."""
    def build(r: FieldReader, data: dict) -> PartType:
        part = _build_part(r, data, origin)
        for flag in quality_flags(part):
            r.flag(flag.key, flag.message)
        return part
    return _load(None if data is not None else text, name, build, vocabulary, data)


def _from_file(path: str | Path, parse: Callable[..., LoadResult[T]], *args: Any) -> LoadResult[T]:
    text, problem = read_text(path)
    if problem is not None:
        return LoadResult(None, (), problem)
    return parse(text, str(path), *args)


def load_device_type(path: str | Path, vocabulary: Vocabulary | None = None,
                     origin: str | None = None) -> LoadResult[PartType]:
    """A device type from a file; refused (never raised) when it cannot become a part."""
    return _from_file(path, parse_device_type, vocabulary, origin)


# --- module types --------------------------------------------------------------------------------
_MODULE_KEYS = ("manufacturer", "model", "part_number", "profile", "attribute_data", "attribute-data", "airflow",
                "weight", "weight_unit", "console-ports", "console-server-ports", "power-ports", "power-outlets",
                "interfaces", "front-ports", "rear-ports", "module-bays", "description", "comments")


def parse_module_type(text: str, name: str = "<memory>", vocabulary: Vocabulary | None = None,
                      origin: str | None = None, data: dict | None = None) -> LoadResult[ModuleType]:
    """A module type from YAML text (schema `moduletype.json`: manufacturer and model required), or
    from `data` already in the library's layout (a NetBox server's module type, `rackstudio.netbox`).
    NetBox 4.3's `profile` (a profile's name) and its attribute values (`attribute_data`) are kept."""
    def build(r: FieldReader, data: dict) -> ModuleType:
        flag_unknown_keys(r, data, set(_MODULE_KEYS))
        out = read_identity(r, data, with_slug=False)
        out["part_number"] = r.text(data, "part_number", "part_number", max_len=50)
        out["profile"] = r.text(data, "profile", "profile", max_len=100)
        for key in ("attribute_data", "attribute-data"):
            attrs = data.get(key)
            if attrs is None:
                continue
            if not isinstance(attrs, dict) or not all(isinstance(k, str) for k in attrs):
                raise Refused(key, f"expected a mapping of attribute names to values, found {kind_of(attrs)}")
            out["attribute_data"] = attrs
        out["weight"], out["weight_unit"] = read_weight(r, data)
        r.choice(data, "airflow", "airflow", "airflow", "airflow")  # checked, not kept
        out["description"] = r.text(data, "description", "description")
        out["comments"] = r.text(data, "comments", "comments")
        comps: dict[str, list[dict]] = {}
        for key in COMPONENTS:
            if key != "device-bays":
                read_components(r, data, key, comps)
        cross_checks(r, comps, None)
        try:
            return ModuleType.model_validate({**out, **comps, "origin": origin})
        except ValidationError as exc:
            raise pydantic_problem(exc) from None
    return _load(None if data is not None else text, name, build, vocabulary, data)


def load_module_type(path: str | Path, vocabulary: Vocabulary | None = None,
                     origin: str | None = None) -> LoadResult[ModuleType]:
    return _from_file(path, parse_module_type, vocabulary, origin)


# --- rack types ----------------------------------------------------------------------------------
_RACK_KEYS = ("manufacturer", "model", "slug", "description", "form_factor", "width", "u_height",
              "outer_width", "outer_height", "outer_depth", "outer_unit", "weight", "max_weight",
              "weight_unit", "mounting_depth", "starting_unit", "desc_units", "comments")
_FORM_FACTORS = ("2-post-frame", "4-post-frame", "4-post-cabinet", "wall-frame", "wall-frame-vertical",
                 "wall-cabinet", "wall-cabinet-vertical")
# RackType fields a rack-type file may set under `rackstudio:` (the rest come from NetBox keys).
RACK_EXTENSION_FIELDS = ("unit_system", "rolling_load_kg", "feet_count", "power_capacity_kw",
                         "air_cooling_capacity_kw", "cooling_capability", "busbar", "nvlink",
                         "ships_integrated", "source")
_MM_PER = {"mm": 1.0, "in": 25.4}


def _rack_fields(r: FieldReader, data: dict) -> dict[str, Any]:
    """RackType fields from NetBox rack-type keys: sizes to mm, weights to kg.

    NetBox widths are 10, 19, 21 and 23 inch; RackStudio models 19-inch (EIA) and 21-inch
    (OCP Open Rack, 48 mm OpenU [WIKI-OR]) racks, so 10- and 23-inch racks are refused.
    """
    flag_unknown_keys(r, data, {*_RACK_KEYS, "rackstudio"})
    out = read_identity(r, data)
    form = r.text(data, "form_factor", "form_factor")
    if form is None:
        r.flag("missing-field", "no form_factor")
    elif form not in _FORM_FACTORS:
        r.flag("unknown-type", f"unknown form factor {form!r}")
    width = r.number(data, "width", "width")
    if width is None:
        r.flag("missing-field", "no width; assumed 19 inch")
    elif width not in (19, 21):
        raise Refused("width", f"{width:g}-inch racks are not supported (19 or 21 inch)")
    out["width_class"] = "21in" if width == 21 else "19in"
    out["unit_system"] = "ou" if width == 21 else "eia"
    out["u_height"] = int(r.number(data, "u_height", "u_height", required=True, step=1))
    start = r.whole(data, "starting_unit", "starting_unit")
    if start is None:
        r.flag("missing-field", "no starting_unit; assumed 1")
    out["starting_unit"] = start or 1
    out["desc_units"] = bool(r.boolean(data, "desc_units", "desc_units"))
    unit = r.text(data, "outer_unit", "outer_unit")
    dims = {k: r.number(data, k, k) for k in ("outer_width", "outer_height", "outer_depth")}
    if unit is not None and unit not in _MM_PER:
        raise Refused("outer_unit", f"unknown outer unit {unit!r} (mm or in)")
    if unit is None and any(v is not None for v in dims.values()):
        r.flag("missing-field", "outer dimensions without outer_unit; read as mm")
    for key, value in dims.items():
        if value is not None:
            out[f"{key}_mm"] = round(value * _MM_PER[unit or "mm"], 2)  # NetBox keeps 0.01
    depth = r.whole(data, "mounting_depth", "mounting_depth")
    if depth is not None:
        out["mounting_depth_mm"] = depth
    # One weight_unit serves both the empty weight and the load rating (NetBox RackType).
    unit_w = r.choice(data, "weight_unit", "weight_unit", "weight-unit", "weight unit",
                      lambda v: v in WEIGHT_TO_KG)
    for key, field in (("weight", "weight_kg"), ("max_weight", "max_weight_kg")):
        value = r.number(data, key, key)
        if value is not None and unit_w is None:
            r.flag("schema", f"{key} has no weight_unit; not kept")
        elif value is not None:
            out[field] = value * WEIGHT_TO_KG[unit_w]
    r.text(data, "description", "description")
    r.text(data, "comments", "comments")
    return out


def parse_rack_type(text: str, name: str = "<memory>", origin: str | None = None,
                    data: dict | None = None) -> LoadResult[RackType]:
    """A rack type from NetBox rack-type YAML (or `data` in that layout), with RackStudio's
    additions under `rackstudio:`."""
    def build(r: FieldReader, data: dict) -> RackType:
        out = _rack_fields(r, data)
        ext = data.get("rackstudio") or {}
        if not isinstance(ext, dict):
            raise Refused("rackstudio", f"expected a mapping, found {kind_of(ext)}")
        for key in ext:
            if key not in RACK_EXTENSION_FIELDS:
                raise Refused(f"rackstudio.{key}", f"unknown RackStudio rack-type field {key!r}")
        try:
            return RackType.model_validate({**out, **ext, "origin": origin})
        except ValidationError as exc:
            raise pydantic_problem(exc) from None
    return _load(None if data is not None else text, name, build, None, data)


def load_rack_type(path: str | Path, origin: str | None = None) -> LoadResult[RackType]:
    return _from_file(path, parse_rack_type, origin)


# --- export --------------------------------------------------------------------------------------
_COMPONENT_KEY_ORDER = ("name", "label", "type", "color", "rear_port", "rear_port_position", "positions",
                        "power_port", "feed_leg", "maximum_draw", "allocated_draw", "enabled",
                        "mgmt_only", "poe_mode", "poe_type", "position", "description")


class _NetboxDumper(yaml.SafeDumper):
    """Indents list items under their key, as the NetBox library's files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _plain_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def device_type_data(part: PartType) -> dict[str, Any]:
    """The NetBox fields of a part as a mapping in NetBox key order (no `rackstudio`, no origin)."""
    raw = part.model_dump(mode="json", by_alias=True, exclude={"rackstudio", "origin"}, exclude_none=True)
    out: dict[str, Any] = {}
    for key in DEVICE_TYPE_KEYS:
        value = raw.get(key)
        if value in (None, [], ()) or (key == "is_powered" and value is True):
            continue
        if isinstance(value, list):
            value = [{k: _plain_number(item[k]) for k in _COMPONENT_KEY_ORDER
                      if k in item and not (k == "mgmt_only" and item[k] is False)} for item in value]
        out[key] = _plain_number(value)
    return out


def dump_device_type(part: PartType) -> str:
    """NetBox device-type YAML for a part: keys in the library's order, only fields that are set."""
    return yaml.dump(device_type_data(part), Dumper=_NetboxDumper, sort_keys=False, allow_unicode=True,
                     explicit_start=True, default_flow_style=False, width=110)
