"""`rackstudio netbox pull|push`: exchange a design with a NetBox site.

The token is read from RACKSTUDIO_NETBOX_TOKEN or the system keyring, never from the command
line; `--insecure` turns TLS verification off for a test server with its own certificate.
"""
from __future__ import annotations

import sys
import time


def add_parser(sub) -> None:
    p = sub.add_parser("netbox", help="pull a design from a NetBox site, or push one to it")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=type(p))
    for verb, text in (("pull", "read a NetBox site into a design file"),
                       ("push", "publish a design to a NetBox site (plan first)")):
        v = verbs.add_parser(verb, help=text)
        if verb == "push":
            v.add_argument("file", help="the .rackstudio design to publish")
            v.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
            v.add_argument("--prune", action="store_true",
                           help="also delete objects RackStudio published that the design no longer has")
        v.add_argument("--url", required=True, help="the NetBox server, e.g. https://netbox.example.com")
        v.add_argument("--site", required=True, help="the site's slug")
        v.add_argument("--insecure", action="store_true", help="do not verify the server's TLS certificate")
        if verb == "pull":
            v.add_argument("-o", "--output", required=True, help="the design file to write")


def run(args) -> int:
    from rackstudio.netbox.session import open_server

    start = time.perf_counter()
    server = open_server(args.url, verify_tls=not args.insecure)
    if args.verb == "pull":
        return _pull(args, server, start)
    return _push(args, server, start)


def _pull(args, server, start: float) -> int:
    from rackstudio.io import save
    from rackstudio.netbox.pull import pull

    design, report = pull(server, args.site)
    save(design, args.output, backup=False)
    print(f"{args.output}: {len(design.racks)} racks, {len(design.devices)} devices, "
          f"{len(design.connections)} connections, {len(design.feeds)} feeds from site {args.site} "
          f"({report.requests} requests, {time.perf_counter() - start:.1f} s)")
    for line in report.lines():
        print(f"  {line}")
    return 0


def _push(args, server, start: float) -> int:
    from rackstudio.io import load
    from rackstudio.netbox.push import push

    design = load(args.file).design
    plan, result = push(server, design, args.site, dry_run=args.dry_run, prune=args.prune)
    print(f"plan for site {args.site} on {args.url}:")
    for line in plan.lines():
        print(f"  {line}")
    if result is None:
        what = "dry run: nothing written" if args.dry_run else "NetBox already holds this design"
        print(f"{what} ({server.requests} requests, {time.perf_counter() - start:.1f} s)")
        return 0
    print(f"written ({server.requests} requests, {time.perf_counter() - start:.1f} s):")
    for line in result.lines():
        print(f"  {line}")
    if not result.complete:
        print("rackstudio netbox push: NetBox refused part of the design (see above)", file=sys.stderr)
        return 1
    return 0
