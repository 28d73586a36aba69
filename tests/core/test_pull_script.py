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
    assert script.main(["--tarball", str(tarball), "--out", str(tmp_path / "out"), "--manufacturer", "Dell"]) == 0
    assert capsys.readouterr().out.startswith("4 files into")  # 3 Dell + Cisco N9K
    tarball.write_bytes(b"not a tarball")
    assert script.main(["--tarball", str(tarball), "--out", str(tmp_path / "bad")]) == 1
    assert capsys.readouterr().err.startswith("pull_devicetype_library: ")
