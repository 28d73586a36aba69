"""A real NetBox for each test, from `make test-netbox` (tests/netbox/server.sh).

The script migrates one template database per run and passes its name, the `netbox` command and
an API token in the environment. A test gets its own database copied from a template
(`CREATE DATABASE ... TEMPLATE`) and its own `netbox runserver` on a free loopback port:
`netbox` starts from the empty migrated database; `pod_netbox` from a copy taken once per run
after the example pod was pushed into an empty site (`pushed_pod`, the push the round-trip test
checks), so the tests that edit a published pod do not each publish it again. Without that
environment the tests skip, except under CI=true, where a missing NetBox is a failure.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER = os.environ.get("RACKSTUDIO_NETBOX_SERVER")
TEMPLATE = os.environ.get("RACKSTUDIO_NETBOX_TEMPLATE_DB")
TOKEN = os.environ.get("RACKSTUDIO_NETBOX_TEST_TOKEN")
PIDS = os.environ.get("RACKSTUDIO_NETBOX_PIDS")
OWNER = os.environ.get("PGUSER", "rackstudio_netbox")
DB_PREFIX = os.environ.get("RACKSTUDIO_NETBOX_DB_PREFIX", "rs_netbox_")  # this run's (server.sh)
if PIDS:  # server.sh runs the tests in the background and stops them with SIGTERM: tear down as on ^C
    def _interrupt(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _interrupt)
START_TIMEOUT_S = 180
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "ai-pod.rackstudio"
TIMINGS = ROOT / "build" / "netbox" / "timings.txt"


def record_time(what: str, seconds: float) -> None:
    """A measured step, into build/netbox/timings.txt next to server.sh's own steps."""
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    with TIMINGS.open("a") as out:
        out.write(f"{what:<28} {seconds:6.1f} s\n")


def cli(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """`rackstudio netbox ...` as a user runs it, with the test token in the environment."""
    return subprocess.run([sys.executable, "-m", "rackstudio", "netbox", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "RACKSTUDIO_NETBOX_TOKEN": TOKEN or ""},
                          timeout=timeout)


def _require_netbox() -> None:
    if not (SERVER and TEMPLATE and TOKEN):
        if os.environ.get("CI") == "true":
            pytest.fail("no NetBox server: run these tests through `make test-netbox`")
        pytest.skip("no NetBox server (run `make test-netbox`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql: str) -> None:
    """As PostgreSQL's superuser (as server.sh does): only it may end an autovacuum worker, which
    a copy or a forced drop of a database just written to can meet."""
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
                    "-c", sql], check=True, stdout=subprocess.DEVNULL)


def _copy(template: str) -> str:
    """A new database holding what `template` holds (no one may be connected to the template)."""
    db = f"{DB_PREFIX}{uuid.uuid4().hex[:12]}"
    _psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{template}'")
    _psql(f'CREATE DATABASE "{db}" TEMPLATE "{template}" OWNER {OWNER}')
    return db


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


@contextlib.contextmanager
def running(db: str, log_path: Path):
    """`netbox runserver` on database `db` until the block ends; the database is left as it is."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([SERVER, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
                                env={**os.environ, "NETBOX_DB": db}, stdout=log, stderr=subprocess.STDOUT)
        if PIDS:  # server.sh stops whatever is listed here if the run is cut short
            with open(PIDS, "a") as pids:
                pids.write(f"{proc.pid}\n")
        try:
            _wait_up(url, proc)
            yield Server(url, TOKEN, db)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def _fresh(template: str, log_path: Path, monkeypatch):
    db = _copy(template)
    try:
        with running(db, log_path) as server:
            monkeypatch.setenv("RACKSTUDIO_NETBOX_TOKEN", TOKEN)
            yield server
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def netbox(tmp_path, monkeypatch):
    """A NetBox with nothing in it but the migrated schema and the test user."""
    _require_netbox()
    with _fresh(TEMPLATE, tmp_path / "netbox.log", monkeypatch) as server:
        yield server


@dataclass(frozen=True)
class PushedPod:
    db: str                                # the database the push left, kept as a template
    push: subprocess.CompletedProcess      # `rackstudio netbox push` of the example pod
    seconds: float


@pytest.fixture(scope="session")
def pushed_pod(tmp_path_factory):
    """The example pod published by the CLI into site "pod" of an empty NetBox, once per run."""
    _require_netbox()
    db = _copy(TEMPLATE)
    try:
        with running(db, tmp_path_factory.mktemp("pod") / "netbox.log") as server:
            start = time.perf_counter()
            done = cli("push", str(EXAMPLE), "--url", server.url, "--site", "pod")
            seconds = time.perf_counter() - start
            record_time("push example pod (CLI)", seconds)
        yield PushedPod(db, done, seconds)
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def pod_netbox(pushed_pod, tmp_path, monkeypatch):
    """A NetBox holding the example pod as the CLI published it into site "pod"."""
    assert pushed_pod.push.returncode == 0, pushed_pod.push.stdout + pushed_pod.push.stderr
    with _fresh(pushed_pod.db, tmp_path / "netbox.log", monkeypatch) as server:
        yield server
