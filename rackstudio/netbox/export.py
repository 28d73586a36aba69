"""Qt-free. A design as the NetBox objects that hold it (`Want`s), and what NetBox cannot hold.

Device types are written from the same library layout the YAML exporter writes
(`library.netbox_yaml.device_type_data`), so a part means the same thing in a file and on a
server. Each object's RackStudio fields that have no NetBox field (a rack's floor position and
rotation, a row's facing, a hall's size, a part's RackStudio figures) travel in the `rackstudio`
JSON custom field, so a round trip keeps them. Module types go out like device types (their
components as module-type templates), each filled module bay as a NetBox module, and a device in
a parent's bay as a child device installed in that device bay.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from rackstudio.library.netbox_schema import slugify
from rackstudio.library.netbox_yaml import device_type_data
from rackstudio.model.design import Connection, Design, Device
from rackstudio.model.modules import ModuleType
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.netbox.objects import DATA_FIELD, ID_FIELD, NotHeld, Ref, Want
from rackstudio.netbox.power import inlet_draws

# RackStudio cable family -> NetBox cable type (the family itself is kept in the custom field,
# as acc and aec are both active copper to NetBox).
CABLE_TYPES = {"dac": "dac-passive", "acc": "dac-active", "aec": "dac-active", "aoc": "aoc", "mmf": "mmf",
               "smf": "smf", "cat6": "cat6", "power": "power"}
# library component key -> (template kind, payload fields copied as they are)
TEMPLATES = {
    "power-ports": ("power port templates", ("type", "label", "maximum_draw", "allocated_draw", "description")),
    "power-outlets": ("power outlet templates", ("type", "label", "feed_leg", "description")),
    "interfaces": ("interface templates", ("type", "label", "mgmt_only", "enabled", "description",
                                           "poe_mode", "poe_type")),
    "console-ports": ("console port templates", ("type", "label", "description")),
    "device-bays": ("device bay templates", ("label", "description")),
    "module-bays": ("module bay templates", ("label", "position", "description")),
}
# A module type's components by library key, written as module-type templates (NetBox 4.x: the
# same template endpoints with `module_type` in place of `device_type`)
MODULE_TEMPLATES = {"power-ports": "power_ports", "power-outlets": "power_outlets", "interfaces": "interfaces",
                    "console-ports": "console_ports"}
_MODULE_NOT_WRITTEN = ("console_server_ports", "front_ports", "rear_ports", "module_bays")
_MODULE_TYPE_FIELDS = ("model", "part_number", "weight", "weight_unit", "description", "comments")
_DEVICE_TYPE_FIELDS = ("model", "slug", "part_number", "u_height", "is_full_depth", "airflow", "weight",
                       "weight_unit", "subdevice_role", "description", "comments")


def _data(record, netbox_fields: set[str]) -> dict[str, Any]:
    """A record's fields that NetBox has no place for, for the `rackstudio` custom field."""
    return record.model_dump(mode="json", exclude=netbox_fields | {"id"}, exclude_defaults=True)


def _custom(rid: str | None, data: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rid is not None:
        out[ID_FIELD] = rid
    if data is not None:
        out[DATA_FIELD] = data or None
    return out


# What the NetBox site keeps of the design itself: its settings, and its rack designs (the racks
# that are their instances name them; NetBox has nothing like a rack layout placed many times)
SITE_KEPT = ("name", "revision", "site", "settings", "rack_designs")


def site_custom(design: Design) -> dict[str, Any]:
    """The design's own settings, kept on the NetBox site."""
    return {DATA_FIELD: design.model_dump(mode="json", include=set(SITE_KEPT))}


def rack_type_payload(rt: RackType) -> dict[str, Any]:
    """NetBox rack-type fields of a rack type (the inverse of the rack-type YAML reader)."""
    out: dict[str, Any] = {
        "manufacturer": Ref("manufacturers", slugify(rt.manufacturer)), "model": rt.model, "slug": rt.slug,
        "form_factor": "4-post-cabinet", "width": 21 if rt.width_class == "21in" else 19,
        "u_height": rt.u_height, "starting_unit": rt.starting_unit, "desc_units": rt.desc_units,
        "outer_width": rt.outer_width_mm, "outer_depth": rt.outer_depth_mm, "outer_height": rt.outer_height_mm,
        "outer_unit": "mm", "mounting_depth": round(rt.mounting_depth_mm),
        "weight": rt.weight_kg or None, "max_weight": round(rt.max_weight_kg) if rt.max_weight_kg else None,
        "weight_unit": "kg",
    }
    return out


_RACK_TYPE_NETBOX = {"manufacturer", "model", "slug", "width_class", "u_height", "starting_unit", "desc_units",
                     "outer_width_mm", "outer_depth_mm", "outer_height_mm", "mounting_depth_mm", "weight_kg",
                     "max_weight_kg", "origin"}


def _verbatim(payload: dict[str, Any], extra: dict[str, Any]) -> None:
    """NetBox trims the whitespace around a text field (a library file's `comments: |` block ends
    in a newline): the payload sends the trimmed text, and the text as it was travels in the
    custom field under "verbatim" so a pull gives it back unchanged."""
    kept = {}
    for name in ("description", "comments"):
        text = payload.get(name)
        if isinstance(text, str) and text != text.strip():
            payload[name], kept[name] = text.strip(), text
    if kept:
        extra["verbatim"] = kept


def _part_wants(part: PartType) -> list[Want]:
    lib = device_type_data(part)
    payload = {k: lib.get(k) for k in _DEVICE_TYPE_FIELDS}
    payload["manufacturer"] = Ref("manufacturers", slugify(part.manufacturer))
    extra = {"rackstudio": part.rackstudio.model_dump(mode="json", exclude_defaults=True)}
    _verbatim(payload, extra)
    if not part.is_powered:
        extra["is_powered"] = False
    # NetBox lists a device type's components in its own natural name order; the library's order
    # (the order ports are shown and numbered in) travels here
    extra["order"] = {key: [item["name"] for item in lib.get(key, ())] for key in TEMPLATES if lib.get(key)}
    wants = [Want("device types", part.slug, f"{part.manufacturer} {part.model}", payload,
                  _custom(None, extra))]
    return wants + _template_wants(lib, "device", part.slug)


def _template_wants(lib: dict[str, Any], owner: str, key: str) -> list[Want]:
    """The component templates of a device type (`owner` "device") or module type ("module")
    `key`, from its library layout `lib`."""
    prefix = "" if owner == "device" else "module "
    wants = []
    for lib_key, (kind, fields) in TEMPLATES.items():
        for item in lib.get(lib_key, ()):
            body = {f"{owner}_type": Ref(f"{owner} types", key), "name": item["name"],
                    **{f: item.get(f) for f in fields}}
            if lib_key == "power-outlets":
                port = item.get("power_port")
                body["power_port"] = Ref(f"{prefix}power port templates", f"{key}/{port}") if port else None
            if lib_key == "interfaces":
                body["mgmt_only"] = bool(item.get("mgmt_only"))
                body["enabled"] = item.get("enabled", True)
            wants.append(Want(prefix + kind, f"{key}/{item['name']}", f"{key} {item['name']}", body))
    return wants


def _module_type_wants(key: str, mt: ModuleType, not_held: NotHeld) -> list[Want]:
    """A module type and its component templates. NetBox module types have no slug: the design's
    key (`module_key`) names them in the plan; NetBox matches them on manufacturer and model. The
    profile and its attributes travel in the custom field (a NetBox profile is an object with a
    schema of its own, which a design does not carry)."""
    payload: dict[str, Any] = {"manufacturer": Ref("manufacturers", slugify(mt.manufacturer)),
                               **{f: getattr(mt, f) for f in _MODULE_TYPE_FIELDS}}
    lib = {lib_key: [c.model_dump(mode="json", exclude_none=True) for c in getattr(mt, field)]
           for lib_key, field in MODULE_TEMPLATES.items() if getattr(mt, field)}
    extra: dict[str, Any] = {k: v for k, v in (("profile", mt.profile), ("attribute_data", mt.attribute_data))
                             if v is not None}
    extra["order"] = {lib_key: [item["name"] for item in items] for lib_key, items in lib.items()}
    _verbatim(payload, extra)
    for field in _MODULE_NOT_WRITTEN:
        if getattr(mt, field):
            not_held.add(f"module type {field.replace('_', ' ')}", key)
    return [Want("module types", key, mt.name, payload, _custom(None, extra)), *_template_wants(lib, "module", key)]


def _racked(design: Design, dev: Device) -> Device:
    """The device itself, or for a device in a parent's bay the device at the top of its bays
    (the one in a rack or on the floor): NetBox files a child under its parent's rack."""
    seen = {dev.id}
    while dev.parent is not None and dev.parent in design.devices and dev.parent not in seen:
        dev = design.devices[dev.parent]
        seen.add(dev.id)
    return dev


def _port_kind(design: Design, owner: str, port: str) -> str | None:
    """The NetBox component a connection end is: interface, power-port or power-outlet, of the
    device type or of a module installed in the device (NetBox makes a module's components on
    the device, named as `modules.module_components` names them)."""
    part = design.part_of(design.devices[owner])
    if any(p.name == port for p in part.power_ports):
        return "power-port"
    if any(p.name == port for p in part.power_outlets):
        return "power-outlet"
    if any(p.name == port for p in part.interfaces):
        return "interface"
    return None


def _end(design: Design, owner: str, port: str) -> Ref | None:
    if owner in design.feeds:
        return Ref("power feeds", owner)
    if owner not in design.devices:
        return None
    kind = _port_kind(design, owner, port)
    return None if kind is None else Ref(f"port:{kind}", (owner, port))


def _cable_wants(design: Design, not_held: NotHeld) -> list[Want]:
    """One cable per connection, except that the inlets one feed supplies share one cable (a
    NetBox feed takes one cable; its end may hold several power ports)."""
    groups: dict[str, list[Connection]] = defaultdict(list)
    for conn in sorted(design.connections.values(), key=lambda c: c.id):
        if conn.kind == "coolant":
            not_held.add("coolant connections", conn.id)
            continue
        if conn.a.leg or conn.b.leg:  # a second cable on the same NetBox interface would be refused
            not_held.add("breakout legs (NetBox takes one cable per port)", conn.id)
            continue
        key = f"feed:{conn.b.owner}" if conn.kind == "power" and conn.b.owner in design.feeds else conn.id
        groups[key].append(conn)
    wants = []
    for conns in groups.values():
        a_ends = [_end(design, c.a.owner, c.a.port) for c in conns]
        b_end = _end(design, conns[0].b.owner, conns[0].b.port)
        if b_end is None or any(e is None for e in a_ends):
            for c in conns:
                not_held.add("connections to ports NetBox has no component for", c.id)
            continue
        first = conns[0]
        rid = ",".join(c.id for c in conns)
        data = {"connections": [c.model_dump(mode="json", exclude={"b"}, exclude_none=True)
                                for c in conns]}
        length = first.length_m if len(conns) == 1 else None
        payload = {
            "type": CABLE_TYPES.get(first.media or ("power" if first.kind == "power" else ""), ""),
            "status": "connected", "label": first.label if len(conns) == 1 else None,
            "length": length, "length_unit": "m" if length is not None else None,
            "a_terminations": a_ends, "b_terminations": [b_end],
        }
        wants.append(Want("cables", rid, rid, payload, _custom(rid, data)))
    return wants


def design_wants(design: Design, site: str) -> tuple[list[Want], NotHeld]:
    """Every object the design needs in NetBox site `site` (its slug), in push order."""
    not_held = NotHeld()
    wants: list[Want] = []
    makers = {p.manufacturer for p in design.part_types.values()} | {
        r.manufacturer for r in design.rack_types.values()} | {m.manufacturer for m in design.module_types.values()}
    for name in sorted(makers):
        wants.append(Want("manufacturers", slugify(name), name, {"name": name, "slug": slugify(name)}))
    roles = sorted({p.category.value for p in design.part_types.values()})
    for role in roles:
        wants.append(Want("device roles", role, role, {"name": role.replace("-", " ").title(), "slug": role,
                                                       "color": "9e9e9e"}))
    for part in sorted(design.part_types.values(), key=lambda p: p.slug):
        wants.extend(_part_wants(part))
    for key, mt in sorted(design.module_types.items()):
        wants.extend(_module_type_wants(key, mt, not_held))
    for rt in sorted(design.rack_types.values(), key=lambda r: r.slug):
        wants.append(Want("rack types", rt.slug, f"{rt.manufacturer} {rt.model}", rack_type_payload(rt),
                          _custom(None, _data(rt, _RACK_TYPE_NETBOX))))
    site_ref = Ref("site", site)
    for hall in sorted(design.halls.values(), key=lambda h: h.id):
        wants.append(Want("locations", hall.id, hall.name,
                          {"name": hall.name, "slug": slugify(hall.name), "site": site_ref, "status": "active"},
                          _custom(hall.id, _data(hall, {"name"}))))
    for row in sorted(design.rows.values(), key=lambda r: r.id):
        slug = slugify(f"{site}-{row.name}")
        wants.append(Want("rack groups", row.id, row.name, {"name": f"{row.name} ({site})", "slug": slug},
                          _custom(row.id, _data(row, set()) | {"name": row.name})))
    for rack in sorted(design.racks.values(), key=lambda r: r.id):
        payload = {"name": rack.name, "site": site_ref, "location": Ref("locations", rack.hall),
                   "group": Ref("rack groups", rack.row) if rack.row else None,
                   "rack_type": Ref("rack types", rack.rack_type), "status": "active",
                   "description": rack.description}
        wants.append(Want("racks", rack.id, rack.name, payload,
                          _custom(rack.id, _data(rack, {"name", "rack_type", "hall", "row", "description"}))))
    bays: list[Want] = []
    for dev in sorted(design.devices.values(), key=lambda d: d.id):
        part = design.part_of(dev)
        top = _racked(design, dev)
        in_bay, in_rack = dev.placement == "bay", top.placement == "rack"
        hall = design.racks[top.rack].hall if in_rack else top.hall
        payload = {"name": dev.name, "device_type": Ref("device types", dev.part),
                   "role": Ref("device roles", part.category.value), "site": site_ref,
                   "location": Ref("locations", hall), "rack": Ref("racks", top.rack) if in_rack else None,
                   "position": dev.position if in_rack and not in_bay else None,
                   "face": dev.face if in_rack and not in_bay else None, "status": "active",
                   "asset_tag": dev.asset_tag, "description": dev.description}
        kept = {"name", "part", "rack", "position", "face", "asset_tag", "description", "modules", "parent", "bay"}
        if in_bay:  # NetBox keeps a child in its parent's device bay, filed under the parent's rack
            bays.append(Want("device bays", f"{dev.parent}/{dev.bay}", f"{design.devices[dev.parent].name} {dev.bay}",
                             {"device": Ref("devices", dev.parent), "name": dev.bay,
                              "installed_device": Ref("devices", dev.id)}))
        wants.append(Want("devices", dev.id, dev.name, payload, _custom(dev.id, _data(dev, kept))))
    for dev in sorted(design.devices.values(), key=lambda d: d.id):
        for bay, key in sorted((dev.modules or {}).items()):
            rid = f"{dev.id}/{bay}"
            wants.append(Want("modules", rid, f"{dev.name} {bay}",
                              {"device": Ref("devices", dev.id), "module_bay": Ref("module bays", (dev.id, bay)),
                               "module_type": Ref("module types", key), "status": "active"}, _custom(rid, None)))
    wants.extend(bays)
    for panel in sorted(design.panels.values(), key=lambda p: p.id):
        data = _data(panel, {"name"})
        if panel.ups and panel.ups in design.upses:
            data["ups_record"] = design.upses[panel.ups].model_dump(mode="json")
        hall = panel.hall or (min(design.halls) if len(design.halls) == 1 else None)
        wants.append(Want("power panels", panel.id, panel.name,
                          {"name": panel.name, "site": site_ref,
                           "location": Ref("locations", hall) if hall else None},
                          _custom(panel.id, data)))
    held_upses = {p.ups for p in design.panels.values()}
    for ups in design.upses.values():
        if ups.id not in held_upses:
            not_held.add("UPSes feeding no panel", ups.name)
    for feed in sorted(design.feeds.values(), key=lambda f: f.id):
        if feed.panel is None:
            not_held.add("feeds without a panel", feed.name)
            continue
        payload = {"name": feed.name, "power_panel": Ref("power panels", feed.panel),
                   "rack": Ref("racks", feed.rack) if feed.rack else None, "status": "active",
                   "type": "primary" if feed.side == "A" else "redundant", "supply": feed.supply,
                   "phase": feed.phase, "voltage": round(feed.voltage_v), "amperage": round(feed.amperage_a),
                   "max_utilization": round(feed.max_utilization)}
        kept = {"name", "panel", "rack", "supply", "phase", "voltage_v", "amperage_a", "max_utilization"}
        wants.append(Want("power feeds", feed.id, feed.name, payload, _custom(feed.id, _data(feed, kept))))
    for (dev, port), watts in sorted(inlet_draws(design).items()):
        if dev in design.devices and _port_kind(design, dev, port) == "power-port":
            wants.append(Want("power ports", f"{dev}/{port}", f"{design.devices[dev].name} {port}",
                              {"device": Ref("devices", dev), "name": port, "allocated_draw": watts}))
    wants.extend(_cable_wants(design, not_held))
    for what, table in (("comments", design.comments), ("check waivers", design.waivers)):
        for obj in table.values():
            not_held.add(what, obj.id)
    for review in design.reviews:
        not_held.add("review records", str(getattr(review, "revision", "")))
    return wants, not_held
