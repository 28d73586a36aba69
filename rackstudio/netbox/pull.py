"""Qt-free. Read a NetBox site into a self-contained design.

Locations become halls, rack groups rows, racks keep their rack type, device types and rack types
go through the same reader as the library's YAML files (`library.netbox_yaml`), devices keep
position and face, cables become power and network connections, power panels and feeds keep
their ratings. What RackStudio published itself comes back exactly from the `rackstudio` custom
fields; a site made in NetBox by hand has no floor positions, so its racks are laid out in a
grid, row by row, and the report says so.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rackstudio.library.netbox_schema import slugify
from rackstudio.library.netbox_yaml import parse_device_type, parse_module_type, parse_rack_type
from rackstudio.model.design import Design
from rackstudio.model.modules import bay_position
from rackstudio.netbox.client import NetboxError
from rackstudio.netbox.export import CABLE_TYPES, MODULE_TEMPLATES, SITE_KEPT
from rackstudio.netbox.objects import DATA_FIELD, ID_FIELD, PORT_TYPES
from rackstudio.netbox.server import Server

NOT_IN_NETBOX = ("coolant loops and connections", "check waivers", "comments", "review records")
TAGS_SHOWN = 20  # tagged objects named per object type in the report
GRID_GAP_MM = 1200.0  # aisle between laid-out rows (RackStudio's hot aisle width)
_TEMPLATE_KEYS = {
    "power-ports": ("dcim.power_port_templates", ("type", "label", "maximum_draw", "allocated_draw",
                                                  "description")),
    "power-outlets": ("dcim.power_outlet_templates", ("type", "label", "power_port", "feed_leg", "description")),
    "interfaces": ("dcim.interface_templates", ("type", "label", "mgmt_only", "enabled", "description",
                                                "poe_mode", "poe_type")),
    "console-ports": ("dcim.console_port_templates", ("type", "label", "description")),
    "device-bays": ("dcim.device_bay_templates", ("label", "description")),
    "module-bays": ("dcim.module_bay_templates", ("label", "position", "description")),
}


# What the pull reads of each object type (`?fields=`: NetBox serializes nothing else)
_RACK_TYPE_FIELDS = ("manufacturer", "model", "slug", "form_factor", "width", "u_height", "starting_unit",
                     "desc_units", "outer_width", "outer_height", "outer_depth", "outer_unit", "mounting_depth",
                     "weight", "max_weight", "weight_unit", "custom_fields")
FIELDS = {
    "dcim.sites": ("name", "custom_fields", "tags"),
    "dcim.locations": ("name", "custom_fields", "tags"),
    "dcim.racks": ("name", "rack_type", "group", "location", "description", "tags", *_RACK_TYPE_FIELDS),
    "dcim.devices": ("name", "device_type", "rack", "position", "face", "parent_device", "location", "asset_tag",
                     "description", "custom_fields", "tags"),
    "dcim.modules": ("device", "module_bay", "module_type", "custom_fields", "tags"),
    "dcim.module_types": ("manufacturer", "model", "part_number", "weight", "weight_unit", "description",
                          "comments", "custom_fields"),
    "dcim.power_panels": ("name", "custom_fields", "tags"),
    "dcim.power_feeds": ("name", "rack", "power_panel", "type", "supply", "phase", "voltage", "amperage",
                         "max_utilization", "custom_fields", "tags"),
    "dcim.cables": ("display", "a_terminations", "b_terminations", "type", "label", "length", "length_unit",
                    "custom_fields", "tags"),
    "dcim.rack_groups": ("name", "custom_fields", "tags"),
    "dcim.rack_types": _RACK_TYPE_FIELDS,
    "dcim.device_types": ("manufacturer", "model", "slug", "part_number", "u_height", "is_full_depth", "airflow",
                          "weight", "weight_unit", "subdevice_role", "description", "comments", "custom_fields"),
}


@dataclass
class PullReport:
    notes: list[str] = field(default_factory=list)
    requests: int = 0

    def lines(self) -> list[str]:
        return [*self.notes, "not held by NetBox, so not in this design: " + ", ".join(NOT_IN_NETBOX)]


def _v(value: Any) -> Any:
    """A NetBox JSON value as the library layout writes it: choices to values, blanks to None."""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    elif isinstance(value, dict) and "name" in value:
        value = value["name"]
    return None if value in ("", None) else value


def _label(what: str, obj: dict) -> str:
    """How a person finds the object in NetBox: its name; a module, its device and bay."""
    if what == "module":
        return f"{obj['device'].get('name') or obj['device']['id']} {obj['module_bay']['name']}"
    return str(obj.get("name") or obj.get("display") or obj["id"])


def _cf(obj: dict) -> tuple[str | None, dict]:
    cf = obj.get("custom_fields") or {}
    return cf.get(ID_FIELD), cf.get(DATA_FIELD) or {}


class Puller:
    def __init__(self, server: Server, site: str):
        self.server, self.slug = server, site
        self.report = PullReport()
        self.rid: dict[tuple[str, int], str] = {}  # (kind, NetBox id) -> RackStudio id

    def _id(self, kind: str, obj: dict, prefix: str) -> str:
        rid, _ = _cf(obj)
        rid = rid or f"{prefix}-nb{obj['id']}"
        self.rid[(kind, obj["id"])] = rid
        return rid

    # --- library entries ------------------------------------------------------------------------
    def _templates(self, owner: str, ids: list[int], keys) -> dict[int, dict[str, list]]:
        """The component templates of the device types (`owner` "device") or module types
        ("module") `ids`, in the library's layout, by type id and library key."""
        templates: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for key in keys:
            endpoint, fields = _TEMPLATE_KEYS[key]
            found = self.server.list(endpoint, ("name", f"{owner}_type", *fields),
                                     **{f"{owner}_type_id": ids}) if ids else ()
            for item in found:
                entry = {"name": item["name"], **{f: _v(item.get(f)) for f in fields}}
                if entry.get("enabled") is True:  # NetBox's default, absent from a library file
                    entry["enabled"] = None
                templates[item[f"{owner}_type"]["id"]][key].append({k: v for k, v in entry.items() if v is not None})
        return templates

    @staticmethod
    def _in_order(lib: dict, order: dict) -> None:
        """The library's component order, kept by the push (NetBox lists in its own name order)."""
        for key, names in (order or {}).items():
            if isinstance(lib.get(key), list):
                rank = {name: i for i, name in enumerate(names)}
                lib[key] = sorted(lib[key], key=lambda item: rank.get(item["name"], len(rank)))

    def _module_types(self, types: list[dict]) -> dict[int, Any]:
        """Module types by NetBox id, read by the library's module-type reader."""
        templates = self._templates("module", [t["id"] for t in types], MODULE_TEMPLATES)
        out = {}
        for t in types:
            _, data = _cf(t)
            lib = {"manufacturer": t["manufacturer"]["name"], "model": t["model"],
                   **{f: _v(t.get(f)) for f in ("part_number", "weight", "weight_unit", "description", "comments")},
                   **{f: data.get(f) for f in ("profile", "attribute_data")}, **templates[t["id"]],
                   **(data.get("verbatim") or {})}
            read = self._read(parse_module_type, f"module type {t['model']}", lib, data)
            if read is not None:
                out[t["id"]] = read
        return out

    def _read(self, parse, what: str, lib: dict, data: dict) -> Any:
        """A type in the library's layout through the library's reader (the order of its
        components as the push kept it); None, and a note, when the reader refuses it."""
        self._in_order(lib, data.get("order"))
        loaded = parse("", what, origin="netbox", data={k: v for k, v in lib.items() if v is not None})
        if loaded.part is None:
            self.report.notes.append(f"{what} not read: {loaded.error.reason}")
        return loaded.part

    def _part_types(self, types: list[dict]) -> dict[str, Any]:
        templates = self._templates("device", [t["id"] for t in types], _TEMPLATE_KEYS)
        parts = {}
        for t in types:
            _, data = _cf(t)
            lib = {"manufacturer": t["manufacturer"]["name"], "model": t["model"], "slug": t["slug"],
                   "part_number": _v(t.get("part_number")), "u_height": float(t["u_height"]),
                   "is_full_depth": t.get("is_full_depth"), "airflow": _v(t.get("airflow")),
                   "weight": t.get("weight"), "weight_unit": _v(t.get("weight_unit")),
                   "subdevice_role": _v(t.get("subdevice_role")), "description": _v(t.get("description")),
                   "comments": _v(t.get("comments")), **templates[t["id"]], **(data.get("verbatim") or {})}
            if data.get("rackstudio") is not None:
                lib["rackstudio"] = data["rackstudio"]
            if "is_powered" in data:
                lib["is_powered"] = data["is_powered"]
            read = self._read(parse_device_type, f"device type {t['slug']}", lib, data)
            if read is not None:
                parts[t["slug"]] = read
        return parts

    def _rack_type(self, data: dict, slug: str, ext: dict) -> Any:
        lib = {"manufacturer": _v(data.get("manufacturer")) or "Generic", "model": data.get("model") or slug,
               "slug": slug, "form_factor": _v(data.get("form_factor")), "width": _v(data.get("width")),
               "u_height": data.get("u_height"), "starting_unit": data.get("starting_unit"),
               "desc_units": data.get("desc_units"), "outer_width": data.get("outer_width"),
               "outer_height": data.get("outer_height"), "outer_depth": data.get("outer_depth"),
               "outer_unit": _v(data.get("outer_unit")), "mounting_depth": data.get("mounting_depth"),
               "weight": data.get("weight"), "max_weight": data.get("max_weight"),
               "weight_unit": _v(data.get("weight_unit"))}
        if ext:
            lib["rackstudio"] = ext
        loaded = parse_rack_type("", f"rack type {slug}", origin="netbox",
                                 data={k: v for k, v in lib.items() if v is not None})
        if loaded.part is None:
            self.report.notes.append(f"rack type {slug} not read: {loaded.error.reason}")
        return loaded.part

    # --- the site --------------------------------------------------------------------------------
    def pull(self) -> Design:
        s = self.server
        site = s.first("dcim.sites", FIELDS["dcim.sites"], slug=self.slug)
        if site is None:
            raise NetboxError(f"no site with slug {self.slug!r} on {s.base}")
        sid = site["id"]
        _, meta = _cf(site)
        design: dict[str, Any] = {"name": site["name"], "site": {"name": site["name"]}}
        design.update({k: v for k, v in meta.items() if k in SITE_KEPT})
        locations = s.list("dcim.locations", FIELDS["dcim.locations"], site_id=sid)
        racks = s.list("dcim.racks", FIELDS["dcim.racks"], site_id=sid)
        devices = s.list("dcim.devices", FIELDS["dcim.devices"], site_id=sid)
        panels = s.list("dcim.power_panels", FIELDS["dcim.power_panels"], site_id=sid)
        feeds = s.list("dcim.power_feeds", FIELDS["dcim.power_feeds"], site_id=sid)
        cables = s.list("dcim.cables", FIELDS["dcim.cables"], site_id=sid)
        group_ids = sorted({r["group"]["id"] for r in racks if r.get("group")})
        groups = s.list("dcim.rack_groups", FIELDS["dcim.rack_groups"], id=group_ids) if group_ids else []
        rt_ids = sorted({r["rack_type"]["id"] for r in racks if r.get("rack_type")})
        rack_types = s.list("dcim.rack_types", FIELDS["dcim.rack_types"], id=rt_ids) if rt_ids else []
        dt_ids = sorted({d["device_type"]["id"] for d in devices})
        device_types = s.list("dcim.device_types", FIELDS["dcim.device_types"], id=dt_ids) if dt_ids else []

        parts = self._part_types(device_types)
        rtypes: dict[str, Any] = {}
        rt_slug: dict[int, str] = {}
        for t in rack_types:
            _, ext = _cf(t)
            made = self._rack_type(t, t["slug"], ext)
            if made is not None:
                rtypes[made.slug] = made
                rt_slug[t["id"]] = made.slug

        halls = {}
        for loc in locations:
            rid, data = _cf(loc)
            hid = self._id("location", loc, "hall")
            halls[hid] = {"id": hid, "name": loc["name"], "width_mm": 1.0, "depth_mm": 1.0, **data}
            halls[hid]["_sized"] = bool(data.get("width_mm"))
        rows = {}
        for g in groups:
            rid, data = _cf(g)
            row_id = self._id("group", g, "row")
            rows[row_id] = {"id": row_id, "name": data.get("name") or g["name"], **data}
        out_racks = {}
        for r in racks:
            rid, data = _cf(r)
            rack_id = self._id("rack", r, "rk")
            if r.get("rack_type") and r["rack_type"]["id"] in rt_slug:
                slug = rt_slug[r["rack_type"]["id"]]
            else:
                slug = slugify(f"netbox-rack-{r.get('u_height')}u-{_v(r.get('width'))}in")
                if slug not in rtypes:
                    made = self._rack_type(r, slug, {})
                    if made is None:
                        continue
                    rtypes[slug] = made
            hall = self.rid.get(("location", r["location"]["id"])) if r.get("location") else None
            if hall is None:
                hall = self._default_hall(halls, site)
            row = self.rid.get(("group", r["group"]["id"])) if r.get("group") else None
            if row is not None and "hall" not in rows[row]:
                rows[row]["hall"] = hall
            out_racks[rack_id] = {"id": rack_id, "name": r["name"], "rack_type": slug, "hall": hall, "row": row,
                                  "description": _v(r.get("description")), **data}
        self._grid(out_racks, rows, halls, rtypes)

        dev_ids = {d["id"]: self._id("device", d, "dv") for d in devices}
        modules = s.list("dcim.modules", FIELDS["dcim.modules"], site_id=sid)
        module_types, installed = self._modules(modules, devices, parts)
        out_devices = {}
        for d in devices:
            rid, data = _cf(d)
            slug = d["device_type"]["slug"]
            if slug not in parts:
                continue
            dev_id = dev_ids[d["id"]]
            dev = {"id": dev_id, "name": d["name"] or f"{slug}-{d['id']}", "part": slug,
                   "asset_tag": _v(d.get("asset_tag")), "description": _v(d.get("description")), **data,
                   "modules": installed.get(d["id"])}
            if d.get("parent_device"):  # in a parent's device bay (NetBox also files it under the parent's rack)
                dev["parent"] = dev_ids.get(d["parent_device"]["id"])
                dev["bay"] = d["parent_device"]["device_bay"]["name"]
            elif d.get("rack") and self.rid.get(("rack", d["rack"]["id"])) in out_racks:
                dev["rack"] = self.rid[("rack", d["rack"]["id"])]
                dev["position"] = float(d["position"]) if d.get("position") is not None else None
                dev["face"] = _v(d.get("face")) or "front"
                if dev["position"] is None and "side" not in data:
                    dev["side"] = "right"
            else:
                hall = self.rid.get(("location", d["location"]["id"])) if d.get("location") else None
                dev["hall"] = hall or self._default_hall(halls, site)
                if "x_mm" not in data:
                    dev["x_mm"], dev["y_mm"] = 0.0, 0.0
                    self.report.notes.append(f"device {dev['name']}: on the floor with no position; "
                                             "set at the hall's north-west corner")
            out_devices[dev_id] = dev
        self._drop_orphans(out_devices)

        upses, out_panels = {}, {}
        for p in panels:
            rid, data = _cf(p)
            pid = self._id("panel", p, "pnl")
            data = dict(data)
            ups = data.pop("ups_record", None)
            if ups:
                upses[ups["id"]] = ups
            out_panels[pid] = {"id": pid, "name": p["name"], **data}
        out_feeds = {}
        for f in feeds:
            rid, data = _cf(f)
            fid = self._id("feed", f, "feed")
            rack = self.rid.get(("rack", f["rack"]["id"])) if f.get("rack") else None
            side = "B" if _v(f.get("type")) == "redundant" else "A"
            out_feeds[fid] = {"id": fid, "name": f["name"], "panel": self.rid.get(("panel", f["power_panel"]["id"])),
                              "rack": rack if rack in out_racks else None, "side": side,
                              "supply": _v(f.get("supply")) or "ac", "phase": _v(f.get("phase")) or "single-phase",
                              "voltage_v": abs(float(f["voltage"])), "amperage_a": float(f["amperage"]),
                              "max_utilization": float(f["max_utilization"]), **data}
        connections = self._connections(cables, out_devices, out_feeds)
        self._tags({"site": [site], "location": locations, "rack group": groups, "rack": racks, "device": devices,
                    "module": modules, "power panel": panels, "power feed": feeds, "cable": cables})

        design.update({"part_types": parts, "module_types": module_types, "rack_types": rtypes,
                       "halls": {k: {f: v for f, v in h.items() if f != "_sized"} for k, h in halls.items()},
                       "rows": {k: r for k, r in rows.items() if "hall" in r}, "racks": out_racks,
                       "devices": out_devices, "upses": upses, "panels": out_panels, "feeds": out_feeds,
                       "connections": connections})
        self.report.requests = s.requests
        return Design.model_validate(design)

    def _modules(self, modules: list[dict], devices: list[dict], parts: dict) -> tuple[dict, dict]:
        """The module types of the site's modules (by the design's key) and each device's installed
        modules (NetBox device id -> bay name -> module type key). A module in a bay of another
        module is left out: a design installs modules in the device's own bays only."""
        type_ids = sorted({m["module_type"]["id"] for m in modules})
        found = self.server.list("dcim.module_types", FIELDS["dcim.module_types"], id=type_ids) if type_ids else []
        by_id = self._module_types(found)
        part_of = {d["id"]: parts.get(d["device_type"]["slug"]) for d in devices}
        installed: dict[int, dict[str, str]] = defaultdict(dict)
        used = {}
        for m in modules:
            mt, part, bay = by_id.get(m["module_type"]["id"]), part_of.get(m["device"]["id"]), m["module_bay"]["name"]
            if mt is None or part is None:
                continue
            if bay_position(part, bay) is None:
                self.report.notes.append(f"module {m.get('display') or m['id']}: in a bay of another module; "
                                         "not read")
                continue
            installed[m["device"]["id"]][bay] = mt.key
            used[mt.key] = mt
        return used, dict(installed)

    @staticmethod
    def _drop_orphans(devices: dict) -> None:
        """Devices in the bay of a device that was not read are left out with it."""
        while gone := [k for k, d in devices.items() if d.get("parent") and d["parent"] not in devices]:
            for k in gone:
                del devices[k]

    def _tags(self, objects: dict[str, list[dict]]) -> None:
        """The tags NetBox holds on the site's objects, listed by object: RackStudio has no tags,
        so they stay in NetBox (a push leaves them there)."""
        for what, items in objects.items():
            tagged = [f"{_label(what, o)} ({', '.join(t['name'] for t in o['tags'])})" for o in items if o.get("tags")]
            if tagged:
                more = f", … {len(tagged) - TAGS_SHOWN} more" if len(tagged) > TAGS_SHOWN else ""
                self.report.notes.append(f"NetBox tags on {what}s, not in the design (RackStudio has no tags; a push "
                                         f"leaves them): {', '.join(tagged[:TAGS_SHOWN])}{more}")

    def _default_hall(self, halls: dict, site: dict) -> str:
        if "hall-site" not in halls:
            halls["hall-site"] = {"id": "hall-site", "name": site["name"], "width_mm": 1.0, "depth_mm": 1.0,
                                  "_sized": False}
            self.report.notes.append("objects without a location are put in one hall named after the site")
        return "hall-site"

    def _grid(self, racks: dict, rows: dict, halls: dict, rtypes: dict) -> None:
        """Racks with no floor position side by side, a line per row, rows an aisle apart; halls
        with no size made big enough for what stands in them."""
        placed = [r for r in racks.values() if "x_mm" not in r]
        if placed:
            self.report.notes.append(f"{len(placed)} racks had no floor position (no RackStudio custom "
                                     "fields): laid out in a grid, one line per rack group")
        lines: dict[tuple, list] = defaultdict(list)
        for r in sorted(placed, key=lambda r: r["name"]):
            lines[(r["hall"], r.get("row") or "")].append(r)
        y = dict.fromkeys(halls, GRID_GAP_MM)
        for (hall, _), members in sorted(lines.items()):
            x = GRID_GAP_MM
            depth = 0.0
            for r in members:
                rt = rtypes[r["rack_type"]]
                r.update(x_mm=x, y_mm=y[hall], facing="S")
                x += rt.outer_width_mm
                depth = max(depth, rt.outer_depth_mm)
            y[hall] += depth + 2 * GRID_GAP_MM
        for hid, hall in halls.items():
            if hall["_sized"]:
                continue
            extent_x, extent_y = 1.0, 1.0
            for r in racks.values():
                if r["hall"] == hid:
                    rt = rtypes[r["rack_type"]]
                    extent_x = max(extent_x, r["x_mm"] + max(rt.outer_width_mm, rt.outer_depth_mm))
                    extent_y = max(extent_y, r["y_mm"] + max(rt.outer_width_mm, rt.outer_depth_mm))
            tile = hall.get("tile_mm", 600.0)
            hall["width_mm"] = math.ceil((extent_x + GRID_GAP_MM) / tile) * tile
            hall["depth_mm"] = math.ceil((extent_y + GRID_GAP_MM) / tile) * tile

    def _end(self, term: dict, devices: dict, feeds: dict) -> tuple[str, str] | None:
        obj = term.get("object") or {}
        if term["object_type"] == "dcim.powerfeed":
            fid = self.rid.get(("feed", term["object_id"]))
            return (fid, "") if fid in feeds else None
        if term["object_type"] not in {t for t, _ in PORT_TYPES.values()} or not obj.get("device"):
            return None
        did = self.rid.get(("device", obj["device"]["id"]))
        return (did, obj["name"]) if did in devices else None

    def _connections(self, cables: list[dict], devices: dict, feeds: dict) -> dict[str, dict]:
        out = {}
        for c in cables:
            rid, data = _cf(c)
            a_ends = [self._end(t, devices, feeds) for t in c.get("a_terminations") or ()]
            b_ends = [self._end(t, devices, feeds) for t in c.get("b_terminations") or ()]
            if not a_ends or len(b_ends) != 1 or None in a_ends or None in b_ends:
                self.report.notes.append(f"cable {c.get('display') or c['id']}: an end RackStudio does not "
                                         "model (console, front/rear port, circuit); not read")
                continue
            types = {t["object_type"] for t in (c.get("a_terminations") or []) + (c.get("b_terminations") or [])}
            kind = "power" if types & {"dcim.powerport", "dcim.poweroutlet", "dcim.powerfeed"} else "network"
            kept = {(k["a"]["owner"], k["a"].get("port", "")): k for k in data.get("connections", ())
                    if "a" in k}
            nb_type, nb_label = _v(c.get("type")), _v(c.get("label"))
            nb_length = _metres(c.get("length"), _v(c.get("length_unit")))
            for i, a in enumerate(a_ends):
                saved = {k: v for k, v in kept.get(a, {}).items() if k not in ("a", "b")}
                cid = saved.pop("id", None) or (f"cb-nb{c['id']}" if len(a_ends) == 1 else f"cb-nb{c['id']}-{i + 1}")
                conn = {**saved, "id": cid, "kind": kind, "a": {"owner": a[0], "port": a[1]},
                        "b": {"owner": b_ends[0][0], "port": b_ends[0][1]},
                        "media": _media_back(saved.get("media"), nb_type, kind) if saved else _media(nb_type, kind)}
                if len(a_ends) == 1:  # NetBox holds this connection's own length and label
                    conn["label"] = nb_label
                    saved_length = saved.get("length_m")
                    if nb_length is None or saved_length is None or not math.isclose(
                            nb_length, saved_length, abs_tol=0.005):  # changed in NetBox: typed there
                        conn["length_m"] = nb_length
                        conn.pop("length_estimated", None)
                out[cid] = {k: v for k, v in conn.items() if v is not None}
        return out


_MEDIA = {"dac-passive": "dac", "dac-active": "acc", "aoc": "aoc", "mmf": "mmf", "smf": "smf", "cat6": "cat6",
          "cat5e": "cat6", "cat6a": "cat6", "power": "power"}


_TO_METRES = {"m": 1.0, "cm": 0.01, "km": 1000.0, "ft": 0.3048, "in": 0.0254, "mi": 1609.344}


def _metres(length: Any, unit: str | None) -> float | None:
    return None if length in (None, "") else float(length) * _TO_METRES.get(unit or "m", 1.0)


def _media_back(saved: str | None, cable_type: str | None, kind: str) -> str | None:
    """The cable family: the one the push kept, unless the cable's type was changed in NetBox
    (acc and aec are both NetBox's dac-active, so the type alone cannot tell them apart)."""
    if (cable_type or "") == CABLE_TYPES.get(saved or ("power" if kind == "power" else ""), ""):
        return saved
    return _media(cable_type, kind)


def _media(cable_type: str | None, kind: str) -> str | None:
    if cable_type in _MEDIA:
        return _MEDIA[cable_type]
    return "power" if kind == "power" else None


def pull(server: Server, site: str) -> tuple[Design, PullReport]:
    puller = Puller(server, site)
    design = puller.pull()
    return design, puller.report
