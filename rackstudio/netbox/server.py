"""Qt-free. The REST calls the bridge makes: list (paged, only the fields asked for), bulk
create, bulk update, bulk delete, and the custom fields the push keeps its ids and floor data in. NetBox's
refusals become `Refused`, naming the object NetBox objected to."""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from rackstudio.netbox.client import NetboxError
from rackstudio.netbox.objects import DATA_FIELD, ID_FIELD

PAGE = 1000
SHOWN = 3  # refused objects named in a message
# NetBox object types that carry the custom fields
TRACKED_TYPES = ("dcim.site", "dcim.location", "dcim.rackgroup", "dcim.rack", "dcim.racktype", "dcim.device",
                 "dcim.devicetype", "dcim.moduletype", "dcim.module", "dcim.powerpanel", "dcim.powerfeed",
                 "dcim.cable")
_SHARED = ("dcim.site", "dcim.racktype", "dcim.devicetype", "dcim.moduletype")  # no RackStudio id
CUSTOM_FIELDS = (
    {"name": ID_FIELD, "type": "text", "label": "RackStudio id", "filter_logic": "exact",
     "description": "The id of this object in its RackStudio design (the publish matches on it)",
     "object_types": [t for t in TRACKED_TYPES if t not in _SHARED]},
    {"name": DATA_FIELD, "type": "json", "label": "RackStudio",
     "description": "RackStudio fields NetBox has no place for (floor position, rotation, figures)",
     "object_types": list(TRACKED_TYPES)},
)


class Refused(NetboxError):
    """NetBox refused a request (a validation error): the message names the object."""


def _problem(text: str, labels: list[str] | None) -> str:
    """NetBox's error body, as one line naming the object (a bulk request answers per object)."""
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return str(text)[:300]
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
    """One NetBox server, reached through the pynetbox API object `client.connect` checked.

    The bridge's own calls go over pynetbox's HTTP session as plain REST requests, because they
    need what pynetbox does not pass: `?fields=` on every list, so NetBox serializes (and the
    client parses) only what the plan compares. (Not on writes: NetBox 4.7 narrows the input
    serializer to the same fields.)
    `timings` keeps the count and seconds per method and endpoint, for `--profile`-style reports.
    """

    def __init__(self, api):
        self.api = api
        self.base = api.base_url.rstrip("/")
        self.session = api.http_session
        scheme = "Bearer" if str(api.token or "").startswith("nbt_") else "Token"
        self.headers = {"Accept": "application/json", "Content-Type": "application/json",
                        "Authorization": f"{scheme} {api.token}"}
        self.requests = 0
        self.timings: dict[str, list[float]] = {}

    def _url(self, path: str) -> str:
        app, name = path.split(".")
        return f"{self.base}/{app}/{name.replace('_', '-')}/"

    def _call(self, method: str, path: str, params: list[tuple[str, Any]], body: Any = None,
              labels: list[str] | None = None) -> Any:
        import requests

        self.requests += 1
        start = time.perf_counter()
        try:
            answer = self.session.request(method, self._url(path), params=params, headers=self.headers,
                                          data=None if body is None else json.dumps(body))
        except requests.exceptions.RequestException as exc:
            raise NetboxError(f"{self.base}: {method} {path} failed ({type(exc).__name__})") from None
        finally:
            spent = self.timings.setdefault(f"{method} {path}", [0, 0.0])
            spent[0] += 1
            spent[1] += time.perf_counter() - start
        if answer.status_code == 400:
            raise Refused(_problem(answer.text, labels))
        if answer.status_code >= 300:
            raise NetboxError(f"{self.base}: {method} {path} answered {answer.status_code}: "
                              f"{_problem(answer.text, labels)}")
        return answer.json() if answer.content else None

    def list(self, path: str, fields: Iterable[str] | None = None, **filters) -> list[dict]:
        """Every object matching `filters` (a list value matches any of its items), a page of
        `PAGE` per request, with only `fields` (and `id`) when given."""
        params = [(k, v) for k, value in sorted(filters.items())
                  for v in (value if isinstance(value, list | tuple | set) else [value])]
        if fields is not None:
            params.append(("fields", ",".join(sorted({"id", *fields}))))
        found: list[dict] = []
        while True:
            page = self._call("GET", path, [*params, ("limit", PAGE), ("offset", len(found))])
            found += page["results"]
            if not page["results"] or len(found) >= page["count"]:
                return found

    def first(self, path: str, fields: Iterable[str] | None = None, **filters) -> dict | None:
        found = self.list(path, fields, **filters)
        return found[0] if found else None

    def create(self, path: str, bodies: list[dict], wants=None) -> list[dict]:
        """Create `bodies` in one request (one transaction); NetBox's answer, in order."""
        if not bodies:
            return []
        made = self._call("POST", path, [], bodies, [w.label for w in wants] if wants else None)
        return made if isinstance(made, list) else [made]

    def update(self, path: str, bodies: list[dict], wants=None) -> None:
        """Change the objects (each body carries its `id`) in one request."""
        if bodies:
            self._call("PATCH", path, [], bodies, [w.label for w in wants] if wants else None)

    def delete(self, path: str, ids: list[int]) -> None:
        if ids:
            self._call("DELETE", path, [], [{"id": i} for i in ids])

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
