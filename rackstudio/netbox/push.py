"""Qt-free. Publish a design to a NetBox site: plan first, then write with bulk requests.

Every object is matched to what NetBox holds by the RackStudio id in its `rackstudio_id` custom
field, else by its NetBox name (slug for shared library objects), so a second push changes
nothing. The plan counts create / update / unchanged / would-delete per object type. Writing
goes type by type in dependency order, one bulk request per `CHUNK` objects of a type and
operation (NetBox's bulk endpoints take lists; each request is one transaction); if NetBox
refuses one, the push stops and the result says what was written and what was not, and a re-run
completes it. Nothing is deleted unless `prune` is asked for, and then only objects carrying a
RackStudio id.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from rackstudio.model.design import Design
from rackstudio.netbox.export import design_wants, site_custom
from rackstudio.netbox.objects import DATA_FIELD, ID_FIELD, KIND, KINDS, PORT_TYPES, NotHeld, Ref, Want
from rackstudio.netbox.server import Refused, Server

NEW = "(new)"  # a reference to an object the plan would create: no NetBox id yet
# Objects per bulk request (one transaction each): NetBox takes ~0.3 s a device and ~0.2 s a
# cable on 2 cores, so a request stays well inside a reverse proxy's usual 60 s read timeout
CHUNK = 100


@dataclass
class Step:
    """What the push does to one object type."""

    kind: str
    create: list[Want] = field(default_factory=list)
    update: list[tuple[Want, int, list[str]]] = field(default_factory=list)  # want, NetBox id, fields
    unchanged: int = 0
    delete: list[tuple[int, str]] = field(default_factory=list)  # NetBox id, label
    replace: list[tuple[Want, int]] = field(default_factory=list)  # deleted and made again (`Kind.remake_on`)

    @property
    def changes(self) -> int:
        return len(self.create) + len(self.update) + len(self.delete) + len(self.replace)


@dataclass
class Plan:
    site: str
    site_exists: bool
    steps: list[Step]
    not_held: NotHeld
    prune: bool

    @property
    def changes(self) -> int:
        return sum(s.changes for s in self.steps) + (0 if self.site_exists else 1)

    def lines(self, first: int = 3) -> list[str]:
        out = [f"site {self.site}: {'exists' if self.site_exists else 'create'}"]
        for s in self.steps:
            if not (s.changes or s.unchanged):
                continue
            gone = "delete" if self.prune else "would delete (no --prune)"
            remade = f", {len(s.replace)} replace" if s.replace else ""
            out.append(f"{s.kind}: {len(s.create)} create, {len(s.update)} update{remade}, {s.unchanged} unchanged, "
                       f"{len(s.delete)} {gone}")
            out += [f"  + {w.label}" for w in s.create[:first]]
            out += [f"  ± {w.label} ({', '.join(KIND[s.kind].remake_on)})" for w, _ in s.replace[:first]]
            out += [f"  ~ {w.label} ({', '.join(f)})" for w, _, f in s.update[:first]]
            out += [f"  - {label}" for _, label in s.delete[:first]]
        if self.not_held.items:
            out.append("not held by NetBox (stays in the design file):")
            out += [f"  {line}" for line in self.not_held.lines()]
        return out


@dataclass
class Result:
    plan: Plan
    written: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> operation -> count
    refused: str | None = None  # NetBox's refusal, naming the object

    @property
    def complete(self) -> bool:
        return self.refused is None

    def lines(self) -> list[str]:
        out = [f"{kind}: " + ", ".join(f"{n} {op}d" for op, n in ops.items() if n)
               for kind, ops in self.written.items() if any(ops.values())]
        if not out:
            out = ["nothing written"]
        if self.refused:
            out.append(f"REFUSED: {self.refused}")
            pending = [f"{s.kind} ({s.changes - sum(self.written.get(s.kind, {}).values())})"
                       for s in self.plan.steps if sum(self.written.get(s.kind, {}).values()) < s.changes]
            out.append("not written: " + ", ".join(pending) + "; fix the cause and push again to finish")
        return out


# --- comparing a wanted payload with what NetBox holds -----------------------------------------

def _plain(value: Any) -> Any:
    """NetBox's JSON for a field reduced to what a payload sends: nested objects to ids, choices
    to values."""
    if isinstance(value, dict):
        if "value" in value and "label" in value:
            return value["value"]
        if "id" in value:
            return value["id"]
    return value


def _same(want: Any, have: Any) -> bool:
    have = _plain(have)
    if want is None or want == "":
        return have in (None, "", [])
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and want == have
    if isinstance(want, int | float):
        try:
            return math.isclose(float(want), float(have), abs_tol=0.005)
        except (TypeError, ValueError):
            return False
    return want == have


def _terminations(ends: list[dict]) -> list[tuple[str, int]]:
    return sorted((e["object_type"], e["object_id"]) for e in ends or ())


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class Pusher:
    """Plans and writes one design into one site of one server."""

    def __init__(self, server: Server, design: Design, site: str, prune: bool = False):
        self.server, self.design, self.site_slug, self.prune = server, design, site, prune
        self.wants, self.not_held = design_wants(design, site)
        self.ids: dict[tuple[str, Any], int] = {}
        self.existing: dict[str, list[dict]] = {}
        self.site: dict | None = None

    # --- reading what NetBox holds ---------------------------------------------------------
    def _resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.ids.get((value.kind, value.key), NEW)
        if isinstance(value, list):
            out = []
            for ref in value:
                kind = "dcim.powerfeed" if ref.kind == "power feeds" else PORT_TYPES[ref.kind[5:]][0]
                out.append({"object_type": kind, "object_id": self._resolve(ref)})
            return out
        return value

    @staticmethod
    def _fields(kind: str, wants: list[Want]) -> set[str]:
        """What the plan reads of an existing object: what the wants set, what names it, and
        its custom fields (NetBox then serializes nothing else, which is most of a list's cost)."""
        spec = KIND[kind]
        fields = {"display", "name", *spec.natural}
        for w in wants:
            fields.update(w.payload)
        if spec.tracked or any(w.custom for w in wants):
            fields.add("custom_fields")
        if kind == "racks":
            fields.add("group")  # a site's own rack groups are found through its racks
        return fields

    def _fetch(self, kind: str, wants: list[Want]) -> list[dict]:
        spec = KIND[kind]
        site_id = self.site["id"] if self.site else None
        if not wants and not spec.tracked:
            return []
        fields = self._fields(kind, wants)
        if spec.scope == "site":
            return [] if site_id is None else self.server.list(spec.endpoint, fields, site_id=site_id)
        if spec.scope == "slug":
            slugs = sorted({w.payload["slug"] for w in wants})
            found = self.server.list(spec.endpoint, fields, slug=slugs) if slugs else []
            if kind == "device roles" and wants:  # also roles named alike (made in NetBox by hand)
                have = {r["id"] for r in found}
                found += [r for r in self.server.list(spec.endpoint, fields,
                                                      name=sorted({w.payload["name"] for w in wants}))
                          if r["id"] not in have]
            if kind == "rack groups" and site_id is not None:  # also groups the site's racks use
                have = {g["id"] for g in found}
                racks = self.existing.get("racks") or self.server.list(KIND["racks"].endpoint, ("group",),
                                                                       site_id=site_id)
                used = {r["group"]["id"] for r in racks if r.get("group")}
                if used - have:
                    found += self.server.list(spec.endpoint, fields, id=sorted(used - have))
            return found
        if spec.scope == "model":
            models = sorted({w.payload["model"] for w in wants})
            return self.server.list(spec.endpoint, fields, model=models) if models else []
        owner = "device" if spec.scope == "type" else "module"
        type_ids = sorted({self.ids[(f"{owner} types", w.key.split("/")[0])] for w in wants
                           if (f"{owner} types", w.key.split("/")[0]) in self.ids})
        return self.server.list(spec.endpoint, fields, **{f"{owner}_type_id": type_ids}) if type_ids else []

    def _load_components(self, kinds: dict[str, str]) -> None:
        """NetBox ids of the site's device components (`kinds`: Ref kind -> endpoint), by
        (RackStudio device id, component name)."""
        if self.site is None:
            return
        device_rid = {v: k[1] for k, v in self.ids.items() if k[0] == "devices"}
        for kind, endpoint in kinds.items():
            for item in self.server.list(endpoint, ("name", "device"), site_id=self.site["id"]):
                rid = device_rid.get(item["device"]["id"])
                if rid is not None:
                    self.ids[(kind, (rid, item["name"]))] = item["id"]

    def _load_before(self, kind: str) -> None:
        """Before modules, the module bays NetBox made with their devices; before power ports
        (and cables), the ports NetBox made with the devices and their modules."""
        if kind == "modules":
            self._load_components({"module bays": "dcim.module_bays"})
        elif kind == "power ports":
            self._load_components({f"port:{k}": endpoint for k, (_, endpoint) in PORT_TYPES.items()})

    # --- planning ------------------------------------------------------------------------------
    def _diff(self, kind: str, want: Want, have: dict) -> list[str]:
        changed = []
        for name, value in want.payload.items():
            if kind in ("device roles", "rack groups") and name in ("name", "slug", "color") and not (
                    have.get("custom_fields") or {}).get(ID_FIELD):
                continue  # one RackStudio did not publish keeps NetBox's own name and colour
            resolved = self._resolve(value)
            if name.endswith("_terminations"):
                if resolved and any(e["object_id"] == NEW for e in resolved) or _terminations(resolved) != _terminations(have.get(name)):
                    changed.append(name)
            elif not _same(resolved, have.get(name)):
                changed.append(name)
        cf = have.get("custom_fields") or {}
        for name, value in want.custom.items():
            if _json(value) != _json(cf.get(name)):
                changed.append(f"custom field {name}")
        return changed

    def _names(self, kind: str, have: dict | None, want: Want | None = None) -> list[Any]:
        """What names an object that carries no RackStudio id (made in NetBox by hand, or pulled
        from there): its natural fields; a cable, the ports it joins; a role or rack group, also
        its name (a site's own group is reached only through the site's racks)."""
        if kind == "cables":
            if want is not None:
                ends = [*self._resolve(want.payload["a_terminations"]),
                        *self._resolve(want.payload["b_terminations"])]
            else:
                ends = [*(have.get("a_terminations") or ()), *(have.get("b_terminations") or ())]
            joined = frozenset((e["object_type"], e["object_id"]) for e in ends)
            return [joined] if joined and all(i != NEW for _, i in joined) else []
        natural = KIND[kind].natural
        if want is not None:
            keys = [tuple(self._resolve(want.payload.get(f)) for f in natural)]
            name = (want.custom.get(DATA_FIELD) or {}).get("name") or want.payload.get("name")
        else:
            keys = [tuple(_plain(have.get(f)) for f in natural)]
            name = have.get("name")
        if kind in ("device roles", "rack groups"):
            keys.append(("name", name))
        return keys if natural else []

    def _match(self, kind: str, wants: list[Want], have: list[dict]) -> Step:
        spec = KIND[kind]
        step = Step(kind)
        by_rid: dict[str, dict] = {}
        if spec.tracked:  # a cable's id lists its connections: it is found by any of them
            for h in have:
                for rid in ((h.get("custom_fields") or {}).get(ID_FIELD) or "").split(","):
                    by_rid.setdefault(rid, h)
        by_name: dict[Any, dict] = {}
        for h in have:
            for key in self._names(kind, h):
                by_name.setdefault(key, h)
        used: set[int] = set()
        for w in wants:
            h = next((by_rid[r] for r in (w.rid or "").split(",") if r in by_rid and by_rid[r]["id"] not in used),
                     None)
            if h is None:
                h = next((by_name[k] for k in self._names(kind, None, w) if k in by_name), None)
            if h is None or h["id"] in used:
                if spec.create:
                    step.create.append(w)
                else:  # a component NetBox makes with its device: set once the device exists
                    step.update.append((w, NEW, [f for f in w.payload if f not in spec.natural]))
                continue
            used.add(h["id"])
            self.ids[(kind, w.key)] = h["id"]
            changed = self._diff(kind, w, h)
            if set(changed) & set(spec.remake_on):
                step.replace.append((w, h["id"]))
            elif changed:
                step.update.append((w, h["id"], changed))
            else:
                step.unchanged += 1
        if spec.tracked:
            for h in have:
                rid = (h.get("custom_fields") or {}).get(ID_FIELD)
                if rid and h["id"] not in used:
                    step.delete.append((h["id"], h.get("display") or h.get("name") or str(h["id"])))
        return step

    def plan(self) -> Plan:
        self.site = self.server.first("dcim.sites", ("slug", "name", "custom_fields"), slug=self.site_slug)
        if self.site is not None:
            self.ids[("site", self.site_slug)] = self.site["id"]
        by_kind: dict[str, list[Want]] = {k.name: [] for k in KINDS}
        for w in self.wants:
            by_kind[w.kind].append(w)
        steps = []
        for spec in KINDS:
            self._load_before(spec.name)
            have = self._fetch(spec.name, by_kind[spec.name])
            self.existing[spec.name] = have
            steps.append(self._match(spec.name, by_kind[spec.name], have))
        return Plan(self.site_slug, self.site is not None, steps, self.not_held, self.prune)

    # --- writing -------------------------------------------------------------------------------
    def _body(self, want: Want, fields: list[str] | None = None) -> dict[str, Any]:
        body = {k: self._resolve(v) for k, v in want.payload.items()
                if fields is None or k in fields}
        if fields is None:
            body = {k: v for k, v in body.items() if v is not None}
        custom = {k: v for k, v in want.custom.items()
                  if fields is None or f"custom field {k}" in fields}
        if custom:
            body["custom_fields"] = custom
        return body

    def _ensure_site(self) -> None:
        custom = site_custom(self.design)
        if self.site is None:
            name = self.site_slug
            self.site = self.server.create("dcim.sites", [{"name": name, "slug": self.site_slug,
                                                           "status": "active", "custom_fields": custom}])[0]
        elif _json((self.site.get("custom_fields") or {}).get(DATA_FIELD)) != _json(custom[DATA_FIELD]):
            self.server.update("dcim.sites", [{"id": self.site["id"], "custom_fields": custom}])
        self.ids[("site", self.site_slug)] = self.site["id"]

    def _drop_cables_of_modules(self, module_ids: list[int]) -> None:
        """The cables on the components of modules about to be deleted: NetBox deletes the
        components with the module but keeps their cables, each left with one end, which would
        refuse the design's cable on the other end's port; the cables step makes the wanted ones."""
        cables = set()
        for _, endpoint in PORT_TYPES.values():
            for item in self.server.list(endpoint, ("cable",), module_id=module_ids):
                if item.get("cable"):
                    cables.add(item["cable"]["id"])
        if cables:
            self.server.delete("dcim.cables", sorted(cables))

    def apply(self, plan: Plan) -> Result:
        """Write the plan. A planned step refers to objects the plan would create as "(new)", so
        once something has been created the later types are re-planned against the new ids (and
        a new site); until then the planned steps stand as they are."""
        result = Result(plan)
        self.server.ensure_custom_fields()
        fresh = not plan.site_exists
        self._ensure_site()
        by_kind: dict[str, list[Want]] = {k.name: [] for k in KINDS}
        for w in self.wants:
            by_kind[w.kind].append(w)
        for spec, planned in zip(KINDS, plan.steps, strict=True):
            if not fresh:
                step = planned
            else:
                self._load_before(spec.name)
                step = self._match(spec.name, by_kind[spec.name], self._fetch(spec.name, by_kind[spec.name]))
            fresh = fresh or bool(step.create or step.replace)
            done = result.written.setdefault(spec.name, {"create": 0, "update": 0, "replace": 0, "delete": 0})
            try:
                for i in range(0, len(step.replace), CHUNK):
                    chunk = step.replace[i:i + CHUNK]
                    self._drop_cables_of_modules([nid for _, nid in chunk])
                    self.server.delete(spec.endpoint, [nid for _, nid in chunk])
                    made = self.server.create(spec.endpoint, [self._body(w) for w, _ in chunk], [w for w, _ in chunk])
                    for (w, _), obj in zip(chunk, made, strict=True):
                        self.ids[(spec.name, w.key)] = obj["id"]
                    done["replace"] += len(made)
                for i in range(0, len(step.create), CHUNK):
                    chunk = step.create[i:i + CHUNK]
                    made = self.server.create(spec.endpoint, [self._body(w) for w in chunk], chunk)
                    for w, obj in zip(chunk, made, strict=True):
                        self.ids[(spec.name, w.key)] = obj["id"]
                    done["create"] += len(made)
                for i in range(0, len(step.update), CHUNK):
                    chunk = step.update[i:i + CHUNK]
                    self.server.update(spec.endpoint, [{"id": nid, **self._body(w, f)} for w, nid, f in chunk],
                                       [w for w, _, _ in chunk])
                    done["update"] += len(chunk)
            except Refused as exc:
                result.refused = f"{spec.name}: {exc}"
                return result
        if self.prune:
            for spec, step in reversed(list(zip(KINDS, plan.steps, strict=True))):
                if step.delete:
                    self.server.delete(spec.endpoint, [nid for nid, _ in step.delete])
                    result.written[spec.name]["delete"] = len(step.delete)
        return result


def push(server: Server, design: Design, site: str, *, dry_run: bool = False,
         prune: bool = False) -> tuple[Plan, Result | None]:
    """Plan, and unless `dry_run`, write. The plan is computed before anything is written."""
    pusher = Pusher(server, design, site, prune)
    plan = pusher.plan()
    if dry_run or plan.changes == 0:
        return plan, None
    return plan, pusher.apply(plan)
