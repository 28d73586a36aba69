"""`rackstudio generate --racks N [--seed S] [--rack-designs] -o FILE`: a synthetic AI hall, or the
example pod (whose repeated racks are always instances of rack designs); with --rack-designs every
layout held by two racks or more becomes a rack design made from its first rack, and the racks
holding it its instances."""
from __future__ import annotations

import sys
import time

from rackstudio.cli.exit_codes import Exit


def add_parser(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic AI hall (or the example pod) to a file")
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--racks", type=int, help="about this many racks (S = the example pod, L = 1000, XL = 5000)")
    size.add_argument("--example", action="store_true", help="the example pod that `make run` opens")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rack-designs", action="store_true",
                   help="make the repeated rack layouts rack designs, the racks holding them instances")
    p.add_argument("-o", "--output", required=True)


def run(args) -> int:
    from rackstudio.generate import example_pod, generate_hall, make_rack_designs
    from rackstudio.io import save

    if args.racks is not None and args.racks < 1:
        print("rackstudio generate: --racks must be at least 1", file=sys.stderr)
        return Exit.USAGE
    start = time.perf_counter()
    design = example_pod() if args.example else generate_hall(args.racks, args.seed)
    if args.rack_designs:
        make_rack_designs(design)
    save(design, args.output, backup=False)
    linked = sum(1 for r in design.racks.values() if r.rack_design)
    designs = f", {linked} of them instances of {len(design.rack_designs)} rack designs" if linked else ""
    print(f"{args.output}: {len(design.racks)} racks{designs}, {len(design.devices)} devices, "
          f"{len(design.connections)} connections ({time.perf_counter() - start:.1f} s)")
    return Exit.OK
