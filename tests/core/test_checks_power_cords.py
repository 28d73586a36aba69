"""PWR-018 (a cord whose inlet and outlet do not mate), PWR-019 (a device not powered as its PSU
policy needs) and PWR-020 (a PDU or power shelf with no feed): engineering.md 2.9, 2.10."""
from __future__ import annotations

from rackstudio.model.parts import PartType
from tests.core import builders
from tests.core.check_builders import Bench, load, pdu, shelf


def c13_pdu() -> PartType:
    base = pdu(slug="c13-pdu").model_dump(by_alias=True, exclude_none=True)
    base["power-outlets"] = [{**o, "type": "iec-60320-c13"} if o["name"] in ("O0", "O1") else o
                             for o in base["power-outlets"]]
    return PartType.model_validate(base)


def bench() -> Bench:
    b = Bench()
    b.rack()
    b.feed("f-a", side="A", rack="rk-1", voltage_v=415, amperage_a=32, phase="three-phase")
    b.place(c13_pdu(), "pdu")
    b.power("pdu", "Inlet", "f-a")
    return b


def test_c20_on_c13_is_an_error_and_c14_on_c19_is_not():
    b = bench()
    b.place(builders.server(), "srv", position=1)   # six C20 inlets
    b.place(builders.switch(), "sw", position=20)   # two C14 inlets
    b.power("srv", "PSU1", "pdu", "O0")   # C20 on C13: wrong
    b.power("srv", "PSU2", "pdu", "O4")   # C20 on C19: normal
    b.power("sw", "PS1", "pdu", "O2")     # C14 on C19: a C13-C20 cord, allowed
    b.power("sw", "PS2", "pdu", "O1")     # C14 on C13: normal
    found = b.findings("PWR-018")
    assert [f.message for f in found] == [
        "srv PSU1 on pdu O0: a 16 A C20 inlet on a 10 A C13 outlet: the outlet is rated below the PSU "
        "(engineering.md §2.10)"]
    assert found[0].figures == {"inlet_type": "iec-60320-c20", "outlet_type": "iec-60320-c13",
                                "inlet_a": 16.0, "outlet_a": 10.0}
    assert found[0].severity.value == "error"


def test_no_psu_connected_is_an_error_and_too_few_for_the_policy_is_by_policy():
    b = bench()
    b.place(builders.server(), "srv", position=1)   # 5+1, does not declare throttling
    b.place(load(900, ports=2, power={"psu_redundancy": "2+0"}), "two", position=20)
    b.power("two", "PSU1", "pdu", "O4")
    found = {f.objects[0]: f for f in b.findings("PWR-019")}
    assert found["srv"].message == "srv: none of its 6 PSUs is connected" and found["srv"].severity.value == "error"
    assert found["two"].message == "two: 1 of 2 PSUs connected; its 2+0 policy needs 2 to carry its load"
    assert found["two"].severity.value == "error"
    for port, outlet in zip(("PSU1", "PSU2", "PSU3"), ("O8", "O9", "O10"), strict=True):
        b.power("srv", port, "pdu", outlet)
    throttling = builders.server(slug="dgx-throttles", rackstudio={
        **builders.server().rackstudio.model_dump(exclude_none=True),
        "power": {"max_w": 14300, "psu_rating_w": 3300, "psu_redundancy": "5+1", "throttles_on_feed_loss": True}})
    b.place(throttling, "dgx", position=30)
    b.power("dgx", "PSU1", "pdu", "O7")
    found = {f.objects[0]: f for f in b.findings("PWR-019")}
    assert found["srv"].message == "srv: 3 of 6 PSUs connected; its 5+1 policy needs 5 to carry its load"
    assert found["dgx"].severity.value == "warning" and "(it runs throttled)" in found["dgx"].message
    assert found["srv"].figures == {"connected": 3, "psus": 6, "needed": 5, "policy": "5+1"}


def test_a_pdu_or_shelf_without_a_feed_is_an_error():
    b = bench()
    b.place(pdu(slug="pdu-2"), "pdu2", side="right")
    b.place(shelf(), "shelf", position=1)
    b.place(load(300), "srv", position=10)
    b.power("srv", "PSU1", "pdu2", "O0")
    found = {f.objects[0]: f.message for f in b.findings("PWR-020")}
    assert found == {"pdu2": "pdu2: no feed (its inlet is not connected to one); the 1 cord(s) plugged into it "
                             "carry no power",
                     "shelf": "shelf: no feed (its inlet is not connected to one)"}
    b.power("pdu2", "Inlet", "pdu", "O8")  # daisy-chained below a fed PDU: fed
    b.power("shelf", "AC1", "f-a")
    assert b.findings("PWR-020") == []
