"""Optics in the cable schedule and the BOM: each end's optic, leg and fibre in the schedule; the
transceivers counted cage by cage per part (what `info` and the dashboard count), cable assemblies
and splitter fibres once per physical cable. Figures: engineering.md 4.2 ([NV-MMS4X00])."""
from __future__ import annotations

from collections import Counter

import pytest

from rackstudio import paths
from rackstudio.checks.metrics import OnDemandMetrics, totals
from rackstudio.commands import Connect
from rackstudio.graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model import PortRef, optics
from rackstudio.reports import bom, cable_schedule
from tests.core.test_optics import NIC_DR4, TWIN, breakout, pod  # noqa: F401 (pod is a fixture)

EXAMPLE = paths.resources() / "examples" / "ai-pod.rackstudio"


def _transceivers_by_hand(design) -> Counter:
    """Per optic part: the distinct cages of the connection ends that name it (a twin-port cage's
    logical ports name/1 and name/2, and the legs of a port, share one transceiver)."""
    cages: dict[str, set] = {}
    for conn in design.connections.values():
        for side, end in (("a", conn.a), ("b", conn.b)):
            optic = optics.get(conn.end(side))
            if optic is not None and optic.is_transceiver:
                part = design.part_of(design.devices[end.owner])
                cages.setdefault(optic.slug, set()).add((end.owner, optics.cage_of(part, end.port)))
    return Counter({slug: len(found) for slug, found in cages.items()})


@pytest.fixture(scope="module")
def example():
    return project_file.load(EXAMPLE).design


def test_the_example_pods_bom_counts_its_optics_per_part_as_info_does(example):
    built = bom.build(example)
    counted = Counter({o.slug: o.total for o in built.optics if o.slug})
    assert counted == _transceivers_by_hand(example)
    assert counted == {"nvidia-mma4z00-ns": 304, "nvidia-mma4z00-ns400": 352}  # 128 + 352 + 128 ends on 304 cages
    assert not [o for o in built.optics if not o.slug]  # every fibre end has its transceiver chosen
    figures = OnDemandMetrics(example, ComponentGraph(example))
    t = totals(figures.rack_metrics(r) for r in example.racks)
    assert sum(counted.values()) == t.optics_plugs  # `info`: "7.73 kW in 656 cages"
    assert sum(o.total_w for o in built.optics) == pytest.approx(t.optics_w) == 304 * 15 + 352 * 9
    twin = next(o for o in built.optics if o.slug == "nvidia-mma4z00-ns")
    row = next(r for r in bom.optics_table(built) if r[2] == "MMA4Z00-NS")
    assert row[:6] == ["NVIDIA", twin.item, "MMA4Z00-NS", "OSFP", "mmf", 15]
    assert row[-2:] == [304, 4560]
    csv_row = next(r for r in bom.csv_rows(built) if r[0] == "optic" and r[3] == "MMA4Z00-NS400")
    assert csv_row[-4:] == [352, "", 9, 3168]


def test_the_schedule_names_each_ends_optic_leg_and_fibre(pod):  # noqa: F811
    breakout(pod, fibres=("straight", "straight"))
    rows = {r.conn_id: dict(zip(cable_schedule.HEADER, r.cells(), strict=True))
            for r in cable_schedule.cable_rows(pod.design)}
    cb1 = rows["cb-1"]
    assert (cb1["A port"], cb1["A leg"], cb1["A optic"]) == ("swp1", 1, "NVIDIA MMS4X00-NS")
    assert (cb1["B port"], cb1["B leg"], cb1["B optic"]) == ("cx7-0", "", "NVIDIA MMS4X00-NS400")
    assert (cb1["Fibre"], rows["cb-2"]["A leg"]) == ("MPO-12/APC straight", 2)
    built = bom.build(pod.design)
    assert {o.slug: o.total for o in built.optics} == {TWIN: 1, NIC_DR4: 2}  # one twin-port serves both legs
    assert {c.fibre for c in built.cables} == {"MPO-12/APC straight"} and sum(c.count for c in built.cables) == 2


def test_a_splitter_cable_assembly_is_one_cable_and_no_transceiver(pod):  # noqa: F811
    breakout(pod, switch_end="nvidia-mcp7y00-n", nic_end="nvidia-mcp7y00-n")
    built = bom.build(pod.design)
    assert built.optics == []
    [dac] = built.cables
    assert (dac.assembly, dac.count, dac.media) == ("nvidia-mcp7y00-n", 1, "dac")
    assert bom.cables_table(built)[1][2:6] == ["NVIDIA", dac.part.model, "MCP7Y00-Nxxx", 0]
    schedule = {r.conn_id: r for r in cable_schedule.cable_rows(pod.design)}
    assert schedule["cb-1"].a.optic == schedule["cb-2"].b.optic == "NVIDIA MCP7Y00-Nxxx"
    assert schedule["cb-1"].fibre == ""


def test_a_1_to_2_splitter_fibre_serves_two_legs(pod):  # noqa: F811
    """Four legs of the leaf's swp1 on splitter fibres: two fibres, one twin-port transceiver."""
    for leg, (server, port) in enumerate((("dgx1", "cx7-0"), ("dgx1", "cx7-1"), ("dgx2", "cx7-0"),
                                          ("dgx2", "cx7-1")), start=1):
        pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=leg), PortRef(owner=server, port=port),
                            ends=(TWIN, NIC_DR4), fibre="splitter", length_m=3.0 + leg / 10))
    built = bom.build(pod.design)
    [fibre] = built.cables
    assert (fibre.fibre, fibre.count, fibre.length_m) == ("MPO-12/APC 1:2 splitter", 2, 4.0)
    assert {o.slug: o.total for o in built.optics} == {TWIN: 1, NIC_DR4: 4}
    # a single-port optic on a splitter leg draws its half-lane figure: 5 W, not 9 W [NV-MMS4X00]
    nic = next(o for o in built.optics if o.slug == NIC_DR4)
    assert (nic.unit_w, nic.total_w) == (9, 4 * 5)


def test_a_fibre_end_without_a_transceiver_is_listed_once_per_cage(pod):  # noqa: F811
    pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=1), PortRef(owner="dgx1", port="cx7-0"),
                        ends=(TWIN, None), media="smf"))
    pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=2), PortRef(owner="dgx2", port="cx7-0"),
                        ends=(None, None), media="smf"))
    lines = {(o.slug, o.item): o.total for o in bom.build(pod.design).optics}
    assert lines == {(TWIN, optics.get(TWIN).model): 1, ("", "400G OSFP SMF transceiver (not chosen)"): 2}


def test_a_rack_designs_build_package_lists_its_optics(pod):  # noqa: F811
    """A rack holding a leaf cabled to two DGX B200 with optics: the build package's BOM has the
    transceivers with their unit power, its cable schedule the optic at each end and the fibre,
    its sourcing counts the optics, and the design comparison's BOM delta has them."""
    from rackstudio.commands import PlaceDevice
    from rackstudio.commands.rack_designs import MakeRackDesign
    from rackstudio.reports import build_package, rack_design_compare
    from tests.core.builders import rack_named
    from tests.core.test_optics import builtin

    a01 = rack_named(pod.design, "A01")
    pod.execute(PlaceDevice(builtin("SN5600"), rack=a01, position=30, device_id="leaf2"))
    for k, server in enumerate(("dgx1", "dgx2")):
        pod.execute(Connect("network", PortRef(owner="leaf2", port=f"swp{k + 1}"),
                            PortRef(owner=server, port="cx7-0"), ends=(TWIN, NIC_DR4), fibre="straight"))
    pod.execute(MakeRackDesign(a01, "Pod rack", "pod-rack"))
    pod.execute(MakeRackDesign(rack_named(pod.design, "A03"), "Empty rack", "empty-rack"))
    package = build_package.build(pod.design, "pod-rack")
    bom_rows = [r for r in package.table("Bill of materials").rows if r[0] == "optic"]
    assert [(r[3], r[6], r[9]) for r in bom_rows] == [("MMS4X00-NS", 2, 17), ("MMS4X00-NS400", 2, 9)]
    cables = package.table("Internal cables")
    row = dict(zip(cables.headers, next(r for r in cables.rows if r[1] == "network"), strict=True))
    assert (row["From port"], row["From optic"], row["To optic"], row["Fibre"]) == (
        "swp1", "NVIDIA MMS4X00-NS", "NVIDIA MMS4X00-NS400", "MPO-12/APC straight")
    sourcing = {(r[0], r[1]): r[2] for r in package.table("Sourcing").rows}
    assert sourcing["supplier", "(not given)"] == len(package.design.devices) + 4
    _, delta = rack_design_compare.compare(pod.design, "pod-rack", "empty-rack")
    assert ("NVIDIA MMS4X00-NS (optic)", 2, 0) in [(r.figure, r.a, r.b) for r in delta]
