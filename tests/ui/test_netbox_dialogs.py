"""File ▸ NetBox: pull a site into a new design and preview a push, driven through the dialogs,
with NetBox's answers replayed from responses recorded from a real NetBox 4.7
(tests/data/netbox/brownfield-site.json); the token goes to the keyring, never to the settings."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from rackstudio.netbox import client, server  # noqa: E402
from rackstudio.netbox.client import NetboxError  # noqa: E402
from tests.netbox.recorded import Replay  # noqa: E402

URL = "http://127.0.0.1:8000"


@pytest.fixture
def netbox(monkeypatch):
    """The server side: what `connect` was given, the keyring, and the replayed answers."""
    seen = {"creds": [], "keyring": {}, "refuse": None}

    def connect(creds, verify_tls=True):
        if seen["refuse"]:
            raise NetboxError(seen["refuse"])
        seen["creds"].append((creds.token, creds.source, verify_tls))
        return object()

    import keyring

    monkeypatch.setattr(client, "connect", connect)
    monkeypatch.setattr(server, "Server", lambda api: Replay())
    monkeypatch.setattr(keyring, "set_password", lambda service, url, token: seen["keyring"].update(
        {(service, url): token}))
    monkeypatch.setattr(keyring, "get_password", lambda service, url: seen["keyring"].get((service, url)))
    monkeypatch.delenv(client.TOKEN_ENV, raising=False)
    return seen


def _fill(qtbot, dialog, url=URL, site="brownfield", token=""):
    for edit, text in ((dialog.url, url), (dialog.site, site), (dialog.token, token)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_pull_opens_the_site_as_a_new_design_and_keeps_the_token_in_the_keyring(
        qtbot, window, netbox, dialogs, isolated_qsettings):
    window.actions_by_id["netbox_pull"].trigger()
    dialog = window.netbox.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Pull from NetBox"
    netbox["refuse"] = f"{URL}: NetBox refused the token from the dialog (403)"
    _fill(qtbot, dialog, token="nbt_abc.def")
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running)
    assert dialog.status.text() == netbox["refuse"] and dialog.isVisible()
    assert window.editor.design.racks == {}

    netbox["refuse"] = None
    dialog.remember.setChecked(True)
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.editor.design.racks))
    design = window.editor.design
    assert sorted(r.name for r in design.racks.values()) == ["R7-01", "R7-02"]
    assert {d.name: (d.position, d.face) for d in design.devices.values()} == {
        "srv1": (10.0, "front"), "srv2": (10.0, "front")}
    assert window.document.path is None and not dialog.isVisible()
    assert not window.undo_stack.isClean() and window.isWindowModified()  # closing asks to save it
    assert netbox["creds"] == [("nbt_abc.def", "dialog", True)]
    assert netbox["keyring"] == {("rackstudio-netbox", URL): "nbt_abc.def"}
    (kind, text), = [s for s in dialogs.shown if s[0] == "information"]
    assert "laid out in a grid" in text and "check waivers" in text
    kept = "".join(p.read_text() for p in isolated_qsettings.rglob("*.ini"))
    assert "brownfield" in kept and "nbt_abc" not in kept  # the site is remembered, the token is not


def test_push_previews_the_change_list_before_it_may_write(qtbot, window, netbox, dialogs):
    window.actions_by_id["netbox_pull"].trigger()
    _fill(qtbot, window.netbox.dialog, token="nbt_abc.def")
    window.netbox.dialog.remember.setChecked(True)
    qtbot.mouseClick(window.netbox.dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.editor.design.racks))

    window.actions_by_id["netbox_push"].trigger()
    dialog = window.netbox.dialog
    assert dialog.windowTitle() == "Push to NetBox"
    assert (dialog.url.text(), dialog.site.text()) == (URL, "brownfield")  # remembered from the pull
    assert not dialog.go.isEnabled()  # nothing is written before the change list has been seen
    qtbot.mouseClick(dialog.preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running)
    lines = dialog.changes.toPlainText().splitlines()
    assert lines[0] == "site brownfield: exists"
    assert "racks: 0 create, 2 update, 0 unchanged, 0 would delete (no --prune)" in lines
    assert "devices: 0 create, 2 update, 0 unchanged, 0 would delete (no --prune)" in lines
    assert dialog.go.isEnabled()
    assert netbox["creds"][-1] == ("nbt_abc.def", "keyring", True)  # the token kept by the pull
    _fill(qtbot, dialog, site="other")
    assert not dialog.go.isEnabled()  # another site needs its own preview
