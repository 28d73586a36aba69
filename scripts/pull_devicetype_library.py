"""Pull every device-type and module-type file of named manufacturers from the public NetBox
device-type library (or a published library in its layout), at a recorded commit, into a fixture
folder with a manifest.

    python scripts/pull_devicetype_library.py [--repository OWNER/NAME] [--commit SHA] [--out DIR]
                                              [--tarball FILE] [--manufacturer NAME ... | --all]

The repository's tarball for the commit is downloaded from GitHub (or read from `--tarball`, e.g.
`git archive --format=tar.gz --prefix=<name>-<sha>/ <sha>` of a clone: the same top folder as
GitHub's), and every file under `device-types/<Manufacturer>/` and `module-types/<Manufacturer>/`
of the named manufacturers (folder names compared case-insensitively; Cisco only its Nexus 9000
`N9K-` files; `--all`: every manufacturer) is copied byte for byte, as published, never rewritten.
An archive whose top folder does not name the commit is refused, so the manifest never records a
commit the files were not taken from. `MANIFEST.json` records the repository, the commit, the URL,
and each file's path, size and SHA-256; `SOURCE.md` says where the files come from and under
which licence (only repositories in REPOSITORIES, whose licences were read, can be pulled). A
name that matches no folder is reported, so a misspelt manufacturer is never a silently empty
pull. Members are read from the archive by name only (no links, no paths outside the folders),
with a size cap per file and for the whole archive.
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
_CC0 = ("under the CC0 1.0 Universal public-domain dedication (the repository's {file}); the files are "
        "redistributed unchanged with this attribution.")
# owner/name: (what the repository is, its licence), each read from the repository itself.
REPOSITORIES = {
    REPOSITORY: ("the NetBox community device-type library",
                 "Published by the NetBox community " + _CC0.format(file="LICENSE")),
    "nautobot/devicetype-library": (
        "Nautobot's fork of the NetBox community device-type library (device types without `slug`)",
        "Published by the Nautobot project (github.com/nautobot) " + _CC0.format(file="LICENSE.txt")),
    "nrkno/netbox-devicetype-library": (
        "NRK's extension of the NetBox community device-type library (broadcast equipment, "
        "following the official library's definitions)",
        "Published by NRK (Norsk rikskringkasting) " + _CC0.format(file="LICENCE.txt")),
}


def tarball_url(commit: str, repository: str = REPOSITORY) -> str:
    return f"https://codeload.github.com/{repository}/tar.gz/{commit}"


def download(url: str, limit: int = MAX_ARCHIVE_BYTES) -> bytes:
    """The archive's bytes; refused past `limit` (a wrong URL must not fill the disk)."""
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - a fixed https URL
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{url}: more than {limit:,} bytes")
    return data


def wanted(path: PurePosixPath, manufacturers: dict[str, str], every: bool = False) -> tuple[str, str] | None:
    """(kind, manufacturer folder) when an archive member (its top folder stripped) is a file to
    take: device-types/<M>/<file>.yaml|yml of a named manufacturer (`every`: of any), Cisco only
    N9K- files."""
    parts = path.parts
    if len(parts) != 3 or parts[0] not in KINDS or path.suffix.lower() not in (".yaml", ".yml"):
        return None
    folder = parts[1].casefold()
    if every or folder in manufacturers:
        return parts[0], parts[1]
    prefix = PREFIXED.get(folder)
    if prefix is not None and parts[2].upper().startswith(prefix):
        return parts[0], parts[1]
    return None


def pull(archive: bytes, out: Path, commit: str, names: tuple[str, ...] | None = MANUFACTURERS,
         repository: str = REPOSITORY, note: str | None = None) -> dict:
    """Copy the wanted files out of `archive` into `out`; returns the manifest (also written).
    `names` None: every manufacturer's files. `note`: why this selection, kept in both files."""
    if repository not in REPOSITORIES:
        raise ValueError(f"{repository}: not a known library; read its licence and add it to REPOSITORIES")
    manufacturers = {n.casefold(): n for n in names or ()}
    files, seen = [], set()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            top, *rest = PurePosixPath(member.name).parts or ("",)
            if not top.endswith(f"-{commit}"):
                raise ValueError(f"{member.name}: the archive is not of commit {commit} "
                                 "(its top folder must be <name>-<commit>/)")
            if not member.isfile():
                continue  # links and folders are never followed
            path = PurePosixPath(*rest)  # "<repo>-<commit>/" stripped
            if ".." in path.parts or not path.parts:
                continue
            found = wanted(path, manufacturers, every=names is None)
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
    description, licence = REPOSITORIES[repository]
    manifest = {"repository": repository, "description": description, "commit": commit,
                "url": tarball_url(commit, repository),
                "manufacturers": list(names) if names is not None else "all",
                "cisco": "N9K- files only" if names is not None else "all files", "licence": licence,
                "note": note, "files": files, "not_found": missing}
    out.mkdir(parents=True, exist_ok=True)
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (out / "SOURCE.md").write_text(source_text(manifest))
    return manifest


def source_text(manifest: dict) -> str:
    counts: dict[str, int] = {}
    for f in manifest["files"]:
        counts[f["manufacturer"]] = counts.get(f["manufacturer"], 0) + 1
    lines = [
        f"# {manifest['repository']}: pulled fixture set", "",
        f"Every device-type and module-type file of the manufacturers below, unmodified, from "
        f"{manifest['description']}, https://github.com/{manifest['repository']} at commit "
        f"`{manifest['commit']}` (`scripts/pull_devicetype_library.py`; Cisco: {manifest['cisco']}). "
        f"Each file's path, size and SHA-256 are in MANIFEST.json.", "",
        f"Licence: {manifest['licence']}", "",
        "| Manufacturer folder | Files |", "|---|---|",
        *(f"| {name} | {n} |" for name, n in sorted(counts.items())), "",
        f"{len(manifest['files'])} files.",
    ]
    if manifest.get("note"):
        lines += ["", manifest["note"]]
    if manifest["not_found"]:
        lines += ["", "Named but not in the library at this commit: " + ", ".join(manifest["not_found"]) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", default=REPOSITORY, choices=sorted(REPOSITORIES),
                        help="the GitHub repository the files are published in (owner/name)")
    parser.add_argument("--commit", help=f"the commit (required unless the repository is {REPOSITORY})")
    parser.add_argument("--out", type=Path, default=Path("tests/data/netbox-library-pull"))
    parser.add_argument("--tarball", type=Path, help="a downloaded tarball of the commit (no download)")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--manufacturer", action="append", help="a manufacturer folder (repeatable)")
    chosen.add_argument("--all", action="store_true", help="every manufacturer's files")
    parser.add_argument("--note", help="why this selection (written into MANIFEST.json and SOURCE.md)")
    args = parser.parse_args(argv)
    if args.commit is None and args.repository != REPOSITORY:
        parser.error(f"--commit is required with --repository {args.repository}")
    commit = args.commit or COMMIT
    names = None if args.all else tuple(args.manufacturer or MANUFACTURERS)
    try:
        archive = (args.tarball.read_bytes() if args.tarball
                   else download(tarball_url(commit, args.repository)))
        manifest = pull(archive, args.out, commit, names, args.repository, args.note)
    except (OSError, ValueError, tarfile.TarError) as exc:
        print(f"pull_devicetype_library: {exc}", file=sys.stderr)
        return 1
    print(f"{len(manifest['files'])} files into {args.out}"
          + (f"; not found: {', '.join(manifest['not_found'])}" if manifest["not_found"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
