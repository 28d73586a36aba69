"""Pull every device-type and module-type file of named manufacturers from the public NetBox
device-type library, at a recorded commit, into a fixture folder with a manifest.

    python scripts/pull_devicetype_library.py [--commit SHA] [--out DIR] [--tarball FILE]
                                              [--manufacturer NAME ...]

The library's tarball for the commit is downloaded from GitHub (or read from `--tarball`), and
every file under `device-types/<Manufacturer>/` and `module-types/<Manufacturer>/` of the named
manufacturers (folder names compared case-insensitively; Cisco only its Nexus 9000 `N9K-` files)
is copied byte for byte, as published, never rewritten. `MANIFEST.json` records the commit, the
URL, and each file's path, size and SHA-256; `SOURCE.md` says where the files come from and under
which licence. A name that matches no folder is reported, so a misspelt manufacturer is never a
silently empty pull. Members are read from the archive by name only (no links, no paths outside
the folders), with a size cap per file and for the whole archive.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path, PurePosixPath

REPOSITORY = "netbox-community/devicetype-library"
# The library commit the fixture set is pulled at (the commit its PowerEdge-R760 file was read at).
COMMIT = "34a315613aee83efe8786f15257c30a9aad3a167"
MANUFACTURERS = ("Nvidia", "NVIDIA", "Mellanox", "Supermicro", "Dell", "HPE", "Lenovo", "Arista", "Juniper",
                 "APC", "Raritan", "Vertiv", "Geist", "Server Technology", "ServerTech", "Eaton")
# Cisco: only the Nexus 9000 family (file names N9K-...), not the whole Cisco catalogue.
PREFIXED = {"cisco": "N9K-"}
KINDS = ("device-types", "module-types")
MAX_ARCHIVE_BYTES = 400 * 2**20
MAX_FILE_BYTES = 1 * 2**20
LICENCE = ("The NetBox device-type library is published by the NetBox community under the CC0 1.0 Universal "
           "public-domain dedication (the repository's LICENSE); the files are redistributed unchanged with "
           "this attribution.")


def tarball_url(commit: str) -> str:
    return f"https://codeload.github.com/{REPOSITORY}/tar.gz/{commit}"


def download(url: str, limit: int = MAX_ARCHIVE_BYTES) -> bytes:
    """The archive's bytes; refused past `limit` (a wrong URL must not fill the disk)."""
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - a fixed https URL
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{url}: more than {limit:,} bytes")
    return data


def wanted(path: PurePosixPath, manufacturers: dict[str, str]) -> tuple[str, str] | None:
    """(kind, manufacturer folder) when an archive member (its top folder stripped) is a file to
    take: device-types/<M>/<file>.yaml|yml of a named manufacturer, Cisco only N9K- files."""
    parts = path.parts
    if len(parts) != 3 or parts[0] not in KINDS or path.suffix.lower() not in (".yaml", ".yml"):
        return None
    folder = parts[1].casefold()
    if folder in manufacturers:
        return parts[0], parts[1]
    prefix = PREFIXED.get(folder)
    if prefix is not None and parts[2].upper().startswith(prefix):
        return parts[0], parts[1]
    return None


def pull(archive: bytes, out: Path, commit: str, names: tuple[str, ...] = MANUFACTURERS) -> dict:
    """Copy the wanted files out of `archive` into `out`; returns the manifest (also written)."""
    manufacturers = {n.casefold(): n for n in names}
    files, seen = [], set()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue  # links and folders are never followed
            path = PurePosixPath(*PurePosixPath(member.name).parts[1:])  # "<repo>-<commit>/" stripped
            if ".." in path.parts or not path.parts:
                continue
            found = wanted(path, manufacturers)
            if found is None:
                continue
            if member.size > MAX_FILE_BYTES:
                raise ValueError(f"{path}: {member.size:,} bytes, more than {MAX_FILE_BYTES:,}")
            data = tar.extractfile(member).read()
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            seen.add(found[1].casefold())
            files.append({"path": str(path), "kind": found[0], "manufacturer": found[1], "bytes": len(data),
                          "sha256": hashlib.sha256(data).hexdigest()})
    files.sort(key=lambda f: f["path"])
    missing = sorted(n for key, n in manufacturers.items() if key not in seen)
    manifest = {"repository": REPOSITORY, "commit": commit, "url": tarball_url(commit),
                "manufacturers": list(names), "cisco": "N9K- files only", "licence": LICENCE,
                "files": files, "not_found": missing}
    out.mkdir(parents=True, exist_ok=True)
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (out / "SOURCE.md").write_text(source_text(manifest))
    return manifest


def source_text(manifest: dict) -> str:
    counts: dict[str, int] = {}
    for f in manifest["files"]:
        counts[f["manufacturer"]] = counts.get(f["manufacturer"], 0) + 1
    lines = [
        "# NetBox device-type library: pulled fixture set", "",
        f"Every device-type and module-type file of the manufacturers below, unmodified, from "
        f"https://github.com/{manifest['repository']} at commit `{manifest['commit']}` "
        f"(`scripts/pull_devicetype_library.py`). Each file's path, size and SHA-256 are in MANIFEST.json.", "",
        f"Licence: {manifest['licence']}", "",
        "| Manufacturer folder | Files |", "|---|---|",
        *(f"| {name} | {n} |" for name, n in sorted(counts.items())), "",
        f"{len(manifest['files'])} files.",
    ]
    if manifest["not_found"]:
        lines += ["", "Named but not in the library at this commit: " + ", ".join(manifest["not_found"]) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument("--out", type=Path, default=Path("tests/data/netbox-library-pull"))
    parser.add_argument("--tarball", type=Path, help="a downloaded tarball of the commit (no download)")
    parser.add_argument("--manufacturer", action="append", help="a manufacturer folder (repeatable)")
    args = parser.parse_args(argv)
    try:
        archive = args.tarball.read_bytes() if args.tarball else download(tarball_url(args.commit))
        manifest = pull(archive, args.out, args.commit, tuple(args.manufacturer or MANUFACTURERS))
    except (OSError, ValueError, tarfile.TarError) as exc:
        print(f"pull_devicetype_library: {exc}", file=sys.stderr)
        return 1
    print(f"{len(manifest['files'])} files into {args.out}"
          + (f"; not found: {', '.join(manifest['not_found'])}" if manifest["not_found"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
