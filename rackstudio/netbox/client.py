"""Qt-free. The connection to a NetBox server: credentials, the REST client and its errors.

The token comes from the environment (`RACKSTUDIO_NETBOX_TOKEN`) or the system keyring (the
`keyring` library: service "rackstudio-netbox", user = the server URL), never from a design file
or the command line, so it is not left in a shell history. v2 tokens (`nbt_<key>.<token>`,
sent as `Bearer`) and v1 tokens (40 hex digits, sent as `Token`) both work: pynetbox tells them
apart. TLS certificates are verified unless the caller says otherwise.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from rackstudio.errors import RackStudioError

TOKEN_ENV = "RACKSTUDIO_NETBOX_TOKEN"
KEYRING_SERVICE = "rackstudio-netbox"
EXTRA_HINT = "the NetBox bridge needs pynetbox: pip install 'rackstudio[netbox]'"


class NetboxError(RackStudioError):
    """A NetBox problem the user can act on (no server, bad token, missing client)."""

    exit_code = 2


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    source: str  # where the token came from: "environment" or "keyring"

    @property
    def version(self) -> str:
        return "v2" if self.token.startswith("nbt_") else "v1"


def find_token(url: str, env: dict[str, str] | None = None) -> Credentials:
    """The token for `url` from the environment, else from the system keyring."""
    env = os.environ if env is None else env
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return Credentials(url, token, "environment")
    try:
        import keyring
        import keyring.errors
    except ModuleNotFoundError:
        keyring = None
    if keyring is not None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, url)
        except keyring.errors.KeyringError:
            stored = None
        if stored:
            return Credentials(url, stored.strip(), "keyring")
    raise NetboxError(f"no NetBox token for {url}: set {TOKEN_ENV} or store one with "
                      f"`keyring set {KEYRING_SERVICE} {url}`")


def store_token(url: str, token: str) -> None:
    """Keep a token in the system keyring for `url`."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, url, token)


def connect(creds: Credentials, *, verify_tls: bool = True):
    """A pynetbox API object for the server, checked with one request to /api/status/."""
    try:
        import pynetbox
        import requests
    except ModuleNotFoundError:
        raise NetboxError(EXTRA_HINT) from None
    api = pynetbox.api(creds.url.rstrip("/"), token=creds.token)
    session = requests.Session()
    session.verify = verify_tls
    api.http_session = session
    try:
        status = api.status()
    except pynetbox.RequestError as exc:
        raise NetboxError(f"{creds.url}: NetBox refused the token from the {creds.source} "
                          f"({exc.req.status_code})") from None
    except requests.exceptions.SSLError as exc:
        raise NetboxError(f"{creds.url}: TLS certificate not verified ({exc})") from None
    except requests.exceptions.RequestException as exc:
        raise NetboxError(f"{creds.url}: cannot reach NetBox ({type(exc).__name__})") from None
    version = str(status.get("netbox-version", "?"))
    if not version.startswith("4."):
        raise NetboxError(f"{creds.url}: NetBox {version} is not supported (4.x)")
    return api
