"""A real NetBox per test, from `make test-netbox` (tests/netbox/server.sh).

The script migrates one template database per run and passes its name, the `netbox` command and
an API token in the environment; each test here gets a fresh database copied from the template
and its own `netbox runserver` on a free loopback port. Without that environment the tests skip,
except under CI=true, where a missing NetBox is a failure.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

SERVER = os.environ.get("RACKSTUDIO_NETBOX_SERVER")
TEMPLATE = os.environ.get("RACKSTUDIO_NETBOX_TEMPLATE_DB")
TOKEN = os.environ.get("RACKSTUDIO_NETBOX_TEST_TOKEN")
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


class Server:
    """One running NetBox: its URL, token, database and a way to run `netbox shell` code on it."""

    def __init__(self, url: str, token: str, db: str):
        self.url, self.token, self.db = url, token, db

    def shell(self, code: str) -> str:
        """Run Python in `netbox shell` against this server's database; its standard output."""
        env = {**os.environ, "NETBOX_DB": self.db}
        done = subprocess.run([SERVER, "shell", "--no-startup", "-c", code], env=env, check=True,
                              capture_output=True, text=True, timeout=300)
        return done.stdout


def _wait_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"netbox runserver exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/status/", timeout=5):
                return
        except urllib.error.HTTPError:  # it answers (403 without a token): it is up
            return
        except OSError:
            time.sleep(0.5)  # polling a starting process: there is no event to wait on
    raise RuntimeError(f"NetBox did not answer at {url} within {START_TIMEOUT_S} s")


@pytest.fixture
def netbox(tmp_path, monkeypatch):
    if not (SERVER and TEMPLATE and TOKEN):
        if os.environ.get("CI") == "true":
            pytest.fail("no NetBox server: run these tests through `make test-netbox`")
        pytest.skip("no NetBox server (run `make test-netbox`)")
    db = f"rs_netbox_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{db}" TEMPLATE "{TEMPLATE}"')
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "netbox.log", "w")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen([SERVER, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
                            env={**os.environ, "NETBOX_DB": db}, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_up(url, proc)
        monkeypatch.setenv("RACKSTUDIO_NETBOX_TOKEN", TOKEN)
        yield Server(url, TOKEN, db)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
