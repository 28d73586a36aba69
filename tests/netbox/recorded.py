"""Answers recorded from a real NetBox 4.7 (tests/netbox/test_bridge.py with
RACKSTUDIO_NETBOX_RECORD=1), replayed in place of a server by the unit and GUI tests: each list
request is answered exactly as NetBox answered it, and a request that was not recorded fails."""
from __future__ import annotations

import json
from pathlib import Path

RECORDED = Path(__file__).resolve().parents[1] / "data" / "netbox" / "brownfield-site.json"


def replay_key(path: str, filters: dict) -> str:
    return path + "?" + "&".join(f"{k}={v}" for k, v in sorted(filters.items()))


def record_lists(server) -> dict[str, list]:
    """Keep every list response the server gives, keyed as `Replay` looks them up."""
    calls: dict[str, list] = {}
    real = server.list

    def list_and_keep(path, **filters):
        found = real(path, **filters)
        calls[replay_key(path, filters)] = found
        return found
    server.list = list_and_keep
    return calls


class Replay:
    """A `rackstudio.netbox.server.Server` that only reads, from the recorded answers."""

    def __init__(self, answers: dict[str, list] | None = None):
        self.answers = answers if answers is not None else json.loads(RECORDED.read_text())
        self.requests = 0

    def list(self, path, **filters):
        self.requests += 1
        return self.answers[replay_key(path, filters)]

    def first(self, path, **filters):
        found = self.list(path, **filters)
        return found[0] if found else None
