"""Qt-free. The REST calls the bridge makes, over pynetbox: list (paged), bulk create, bulk
update, bulk delete, and the custom fields the push keeps its ids and floor data in. NetBox's
refusals become `Refused`, naming the object NetBox objected to."""
from __future__ import annotations

import json
from typing import Any

from rackstudio.netbox.client import NetboxError
from rackstudio.netbox.objects import DATA_FIELD, ID_FIELD

PAGE = 1000
SHOWN = 3  # refused objects named in a message
# NetBox object types that carry the custom fields
TRACKED_TYPES = ("dcim.site", "dcim.location", "dcim.rackgroup", "dcim.rack", "dcim.racktype", "dcim.device",
                 "dcim.devicetype", "dcim.powerpanel", "dcim.powerfeed", "dcim.cable")
CUSTOM_FIELDS = (
    {"name": ID_FIELD, "type": "text", "label": "RackStudio id", "filter_logic": "exact",
     "description": "The id of this object in its RackStudio design (the publish matches on it)",
     "object_types": [t for t in TRACKED_TYPES if t not in ("dcim.site", "dcim.racktype", "dcim.devicetype")]},
    {"name": DATA_FIELD, "type": "json", "label": "RackStudio",
     "description": "RackStudio fields NetBox has no place for (floor position, rotation, figures)",
     "object_types": list(TRACKED_TYPES)},
)


class Refused(NetboxError):
    """NetBox refused a request (a validation error): the message names the object."""


def _problem(exc, labels: list[str] | None) -> str:
    """NetBox's error body, as one line naming the object (a bulk request answers per object)."""
    try:
        body = json.loads(exc.error)
    except (TypeError, ValueError):
        return str(exc.error)[:300]
    def name(i: Any) -> str:
        return labels[i] if labels and isinstance(i, int) and 0 <= i < len(labels) else f"object {i}"

    if isinstance(body, dict) and isinstance(body.get("errors"), list):  # NetBox 4.7's bulk answer
        named = [f"{name(e.get('index'))}: {_flat(e.get('errors'))}" for e in body["errors"][:SHOWN]
                 if isinstance(e, dict)]
        more = f"; … {len(body['errors']) - SHOWN} more" if len(body["errors"]) > SHOWN else ""
        return f"{body.get('detail', '')} {'; '.join(named)}{more}".strip()
    if isinstance(body, list):  # older NetBox: one entry per object, empty when it was fine
        for i, item in enumerate(body):
            if item:
                return f"{name(i)}: {_flat(item)}"
    return _flat(body)


def _flat(body: Any) -> str:
    if isinstance(body, dict):
        return "; ".join(f"{k}: {_flat(v)}" if k != "__all__" else _flat(v) for k, v in body.items())
    if isinstance(body, list):
        return " ".join(_flat(v) for v in body)
    return str(body)


class Server:
    """One NetBox server reached through a pynetbox API object (`client.connect`)."""

    def __init__(self, api):
        self.api = api
        import pynetbox

        self._error = pynetbox.RequestError
        self.requests = 0

    def _endpoint(self, path: str):
        app, name = path.split(".")
        return getattr(getattr(self.api, app), name)

    def list(self, path: str, **filters) -> list[dict]:
        self.requests += 1
        return [dict(r) for r in self._endpoint(path).filter(limit=PAGE, **filters)]

    def first(self, path: str, **filters) -> dict | None:
        found = self.list(path, **filters)
        return found[0] if found else None

    def create(self, path: str, bodies: list[dict], wants=None) -> list[dict]:
        if not bodies:
            return []
        self.requests += 1
        try:
            made = self._endpoint(path).create(bodies)
        except self._error as exc:
            raise Refused(_problem(exc, [w.label for w in wants] if wants else None)) from None
        return [dict(r) for r in (made if isinstance(made, list) else [made])]

    def update(self, path: str, bodies: list[dict], wants=None) -> None:
        if not bodies:
            return
        self.requests += 1
        try:
            self._endpoint(path).update(bodies)
        except self._error as exc:
            raise Refused(_problem(exc, [w.label for w in wants] if wants else None)) from None

    def delete(self, path: str, ids: list[int]) -> None:
        if ids:
            self.requests += 1
            try:
                self._endpoint(path).delete(ids)
            except self._error as exc:
                raise Refused(_problem(exc, None)) from None

    def ensure_custom_fields(self) -> None:
        """Create the bridge's custom fields, or add missing object types to them."""
        have = {f["name"]: f for f in self.list("extras.custom_fields", name=[f["name"] for f in CUSTOM_FIELDS])}
        for spec in CUSTOM_FIELDS:
            found = have.get(spec["name"])
            if found is None:
                self.create("extras.custom_fields", [spec])
                continue
            types = set(found.get("object_types") or ())
            if not set(spec["object_types"]) <= types:
                self.update("extras.custom_fields", [{"id": found["id"],
                                                      "object_types": sorted(types | set(spec["object_types"]))}])
