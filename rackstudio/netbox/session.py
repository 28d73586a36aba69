"""Qt-free. One call from a URL to a ready `Server`: token from the environment or keyring,
connection checked, TLS verified by default."""
from __future__ import annotations

from rackstudio.netbox.client import connect, find_token
from rackstudio.netbox.server import Server


def open_server(url: str, *, verify_tls: bool = True) -> Server:
    return Server(connect(find_token(url), verify_tls=verify_tls))
