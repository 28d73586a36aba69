"""scripts/pull_devicetype_library.py on a small synthetic tarball laid out like GitHub's archive
of the device-type library: it takes every device- and module-type file of the named
manufacturers (Cisco only N9K-), byte for byte, writes a manifest, and names what it did not find."""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pull_devicetype_library.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("pull_devicetype_library", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FILES = {
    "device-types/Dell/PowerEdge-R760xs.yaml": b"---\nmanufacturer: Dell\nmodel: PowerEdge R760xs\n",
    "device-types/Dell/Networking_s5248f.yml": b"manufacturer: Dell\nmodel: S5248F\r\n",  # CRLF kept
    "module-types/Dell/D750E-S6.yaml": b"manufacturer: Dell\nmodel: D750E-S6\n",
    "device-types/Cisco/N9K-C9364D-GX2A.yaml": b"manufacturer: Cisco\nmodel: N9K-C9364D-GX2A\n",
    "device-types/Cisco/ISR4331.yaml": b"manufacturer: Cisco\nmodel: ISR4331\n",  # not Nexus 9000
    "device-types/Nvidia/SN5600.yaml": b"manufacturer: Nvidia\nmodel: SN5600\n",
    "device-types/Ubiquiti/USW.yaml": b"manufacturer: Ubiquiti\nmodel: USW\n",  # not named
    "device-types/Dell/README.md": b"not a device type\n",
    "schema/devicetype.json": b"{}",
}


def _tarball(extra=()) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, data in FILES.items():
            info = tarfile.TarInfo(f"devicetype-library-abc123/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)
    return buf.getvalue()


def test_takes_every_file_of_the_named_manufacturers_byte_for_byte(script, tmp_path):
    link = tarfile.TarInfo("devicetype-library-abc123/device-types/Dell/link.yaml")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    manifest = script.pull(_tarball([link]), tmp_path, "abc123", ("Dell", "nvidia", "Arista"))
    taken = [f["path"] for f in manifest["files"]]
    assert taken == ["device-types/Cisco/N9K-C9364D-GX2A.yaml", "device-types/Dell/Networking_s5248f.yml",
                     "device-types/Dell/PowerEdge-R760xs.yaml", "device-types/Nvidia/SN5600.yaml",
                     "module-types/Dell/D750E-S6.yaml"]
    for f in manifest["files"]:
        data = (tmp_path / f["path"]).read_bytes()
        assert data == FILES[f["path"]] and f["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["not_found"] == ["Arista"] and manifest["commit"] == "abc123"
    assert json.loads((tmp_path / "MANIFEST.json").read_text()) == manifest
    source = (tmp_path / "SOURCE.md").read_text()
    assert "| Dell | 3 |" in source and "Named but not in the library at this commit: Arista." in source
    assert not (tmp_path / "device-types/Dell/link.yaml").exists()


def test_the_command_line_reads_a_local_tarball_and_reports_a_bad_one(script, tmp_path, capsys):
    tarball = tmp_path / "lib.tar.gz"
    tarball.write_bytes(_tarball())
    out = ["--tarball", str(tarball), "--out", str(tmp_path / "out")]
    assert script.main([*out, "--commit", "abc123", "--manufacturer", "Dell"]) == 0
    assert capsys.readouterr().out.startswith("4 files into")  # 3 Dell + Cisco N9K
    # an archive of another commit than the one named (here the default) is never recorded as it
    assert script.main([*out, "--manufacturer", "Dell"]) == 1
    assert "the archive is not of commit 34a3156" in capsys.readouterr().err
    tarball.write_bytes(b"not a tarball")
    assert script.main(["--tarball", str(tarball), "--out", str(tmp_path / "bad")]) == 1
    assert capsys.readouterr().err.startswith("pull_devicetype_library: ")


def test_another_repository_is_recorded_with_its_own_attribution(script, tmp_path):
    """A fork or extension of the library is named as what it is, never as the NetBox community's;
    `--all` takes every manufacturer's files (Cisco's too)."""
    tarball = tmp_path / "lib.tar.gz"
    tarball.write_bytes(_tarball())
    assert script.main(["--tarball", str(tarball), "--out", str(tmp_path / "out"), "--all",
                        "--repository", "nautobot/devicetype-library", "--commit", "abc123",
                        "--note", "Why: a test."]) == 0
    manifest = json.loads((tmp_path / "out" / "MANIFEST.json").read_text())
    assert manifest["repository"] == "nautobot/devicetype-library"
    assert manifest["url"] == "https://codeload.github.com/nautobot/devicetype-library/tar.gz/abc123"
    assert manifest["description"].startswith("Nautobot's fork of the NetBox community device-type library")
    assert manifest["licence"].startswith("Published by the Nautobot project") and "CC0 1.0" in manifest["licence"]
    assert manifest["manufacturers"] == "all" and len(manifest["files"]) == 7  # every yaml but README/schema
    source = (tmp_path / "out" / "SOURCE.md").read_text()
    assert source.startswith("# nautobot/devicetype-library: pulled fixture set")
    assert "Nautobot's fork" in source and "https://github.com/nautobot/devicetype-library" in source
    assert "\nWhy: a test.\n" in source and manifest["note"] == "Why: a test."
    with pytest.raises(ValueError, match="not a known library"):
        script.pull(_tarball(), tmp_path / "x", "abc123", None, "someone/devicetype-library")
    with pytest.raises(SystemExit):  # a fork's commit is never defaulted to the NetBox library's
        script.main(["--tarball", str(tarball), "--repository", "nautobot/devicetype-library"])
