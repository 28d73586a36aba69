"""Answers recorded from a real NetBox 4.7 (tests/netbox/test_bridge.py with
RACKSTUDIO_NETBOX_RECORD=1), replayed in place of a server by the unit and GUI tests: each list
request is answered exactly as NetBox answered it, and a request that was not recorded fails."""
from __future__ import annotations

import json
from pathlib import Path

RECORDED = Path(__file__).resolve().parents[1] / "data" / "netbox" / "brownfield-site.json"


def replay_key(path: str, fields, filters: dict) -> str:
    shown = f"fields={','.join(sorted({'id', *fields}))}&" if fields is not None else ""
    return path + "?" + shown + "&".join(f"{k}={v}" for k, v in sorted(filters.items()))


def record_lists(server) -> dict[str, list]:
    """Keep every list response the server gives, keyed as `Replay` looks them up."""
    calls: dict[str, list] = {}
    real = server.list

    def list_and_keep(path, fields=None, **filters):
        found = real(path, fields, **filters)
        calls[replay_key(path, fields, filters)] = found
        return found
    server.list = list_and_keep
    return calls


class Replay:
    """A `rackstudio.netbox.server.Server` that only reads, from the recorded answers."""

    def __init__(self, answers: dict[str, list] | None = None):
        self.answers = answers if answers is not None else json.loads(RECORDED.read_text())
        self.requests = 0
        self.base = "http://netbox.invalid/api"

    def list(self, path, fields=None, **filters):
        self.requests += 1
        return self.answers[replay_key(path, fields, filters)]

    def first(self, path, fields=None, **filters):
        found = self.list(path, fields, **filters)
        return found[0] if found else None
