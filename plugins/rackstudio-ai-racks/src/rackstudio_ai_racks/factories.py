"""Part factories: parts whose figures follow from a configuration.

`hgx_server(...)` returns a NetBox device-type mapping with a `rackstudio:` block, which the
host validates exactly like a library file. Options it refuses raise ValueError (shown to the
user as a refusal; the factory stays enabled). Figures and their sources
(docs/engineering.md keys; U = assumption, D = derived here):

    max power  = GPUs x GPU TDP + CPUs x CPU TDP + platform overhead          (D)
    PSUs       = N + M, N = ceil(max power / PSU rating), M = 1 (N+1) or N (N+N)
    heat       = max power (1 W of IT power = 1 W of heat, engineering.md 2.1)
    liquid     = GPU + CPU share of the heat with cold plates, 0 when air-cooled   (D, U)
    airflow    = 3.16 x heat to air [W] / 29.2 degF                        (engineering.md 1.2, 3.1)

The overhead default (5,600 W) is calibrated so that 8 x B200 air-cooled with 2 x 350 W CPUs gives
the DGX B200's 14.3 kW [NV-B200UG] (D); 29.2 degF is the DGX B200's ratio of 1,550 CFM to 14.3 kW.
"""
from __future__ import annotations

import hashlib
import math

__all__ = ["GPU_TDP_W", "hgx_server"]

# GPU board power, W, with sources. Other GPUs: pass gpu_tdp_w.
GPU_TDP_W = {
    "b200": (1000.0, "1,000 W per GPU with >= 5 PSUs, DGX B200 guide as quoted [B200-NOTES] S (engineering.md 1.2)"),
    "mi300x": (750.0, "[AIWIKI-MI355X] S (engineering.md 1.2)"),
    "mi350x": (1000.0, "[STH-MI350] S, air-cooled (engineering.md 1.2)"),
    "mi355x": (1400.0, "[TH-MI355X] S, liquid-cooled (engineering.md 1.2)"),
}
_LABEL = {"b200": "B200", "mi300x": "MI300X", "mi350x": "MI350X", "mi355x": "MI355X"}
DELTA_T_F = 29.2  # DGX B200: 3.16 x 14,300 W / 1,550 CFM (engineering.md 1.2, D)
# (U height, weight kg, source) by cooling option
_CHASSIS = {
    "air": (10, 142.4, "DGX B200: 10U, 142.4 kg [NV-B200UG] P"),
    "liquid": (4, 53.0, "Supermicro AS-4126GS-NMR-LCC (liquid, 8 GPUs): 4U, 53 kg [DTL-4126] P"),
}


def _check(gpu: str, gpu_count: int, gpu_tdp_w: float | None, cooling: str, psu_redundancy: str,
           psu_rating_w: float, cpu_count: int, cpu_tdp_w: float, overhead_w: float) -> None:
    if gpu not in GPU_TDP_W and gpu_tdp_w is None:
        raise ValueError(f"unknown GPU {gpu!r}: choose {', '.join(GPU_TDP_W)} or give gpu_tdp_w")
    if not 1 <= gpu_count <= 8:
        raise ValueError("gpu_count must be 1 to 8 (one HGX baseboard)")
    if cooling not in _CHASSIS:
        raise ValueError("cooling must be 'air' or 'liquid'")
    if psu_redundancy not in ("n+1", "n+n"):
        raise ValueError("psu_redundancy must be 'n+1' or 'n+n'")
    for name, value in (("gpu_tdp_w", gpu_tdp_w if gpu_tdp_w is not None else 1), ("psu_rating_w", psu_rating_w)):
        if not value > 0:
            raise ValueError(f"{name} must be above 0")
    if cpu_count < 0 or cpu_tdp_w < 0 or overhead_w < 0:
        raise ValueError("CPU count, CPU TDP and overhead cannot be negative")


def hgx_server(gpu: str = "b200", gpu_count: int = 8, gpu_tdp_w: float | None = None, cooling: str = "air",
               psu_redundancy: str = "n+1", psu_rating_w: float = 3300.0, cpu_count: int = 2,
               cpu_tdp_w: float = 350.0, overhead_w: float = 5600.0) -> dict:
    """An HGX-class GPU server configured by its options; powers in W, weights in kg."""
    _check(gpu, gpu_count, gpu_tdp_w, cooling, psu_redundancy, psu_rating_w, cpu_count, cpu_tdp_w, overhead_w)
    tdp, tdp_source = (gpu_tdp_w, "given (U)") if gpu_tdp_w is not None else GPU_TDP_W[gpu]
    gpu_w, cpu_w = gpu_count * tdp, cpu_count * cpu_tdp_w
    max_w = gpu_w + cpu_w + overhead_w
    n = math.ceil(max_w / psu_rating_w)
    m = 1 if psu_redundancy == "n+1" else n
    psus = n + m
    liquid = round((gpu_w + cpu_w) / max_w, 3) if cooling == "liquid" else 0.0
    air_w = max_w * (1 - liquid)
    u_height, weight, chassis_source = _CHASSIS[cooling]
    options = f"{gpu}|{gpu_count}|{tdp}|{cooling}|{psu_redundancy}|{psu_rating_w}|{cpu_count}|{cpu_tdp_w}|{overhead_w}"
    digest = hashlib.sha256(options.encode()).hexdigest()[:6]
    label = _LABEL.get(gpu, gpu.upper())
    cooling_block: dict = {"method": "air" if cooling == "air" else "hybrid", "liquid_fraction": liquid,
                           "airflow_cfm": round(3.16 * air_w / DELTA_T_F)}
    if cooling == "liquid":
        cooling_block["coolant_ports"] = [{"name": "coolant", "role": "pair", "connector": "UQD"}]
    nics = [f"nic{i}" for i in range(gpu_count)]
    return {
        "manufacturer": "Generic",
        "model": f"HGX {gpu_count}x {label} {tdp:g} W ({cooling}, {n}+{m} x {psu_rating_w / 1000:g} kW PSU)",
        "slug": f"rackstudio-ai-racks-hgx-{gpu_count}x-{gpu}-{cooling}-{n}p{m}-{digest}",
        "u_height": u_height,
        "is_full_depth": True,
        "airflow": "front-to-rear",
        "weight": weight,
        "weight_unit": "kg",
        "power-ports": [{"name": f"PSU{i}", "type": "iec-60320-c20", "maximum_draw": round(max_w / psus)}
                        for i in range(1, psus + 1)],
        "interfaces": [{"name": "bmc", "type": "1000base-t", "mgmt_only": True}]
        + [{"name": nic, "type": "400gbase-x-osfp", "description": f"400G NIC for GPU {i}, compute fabric rail {i}"}
           for i, nic in enumerate(nics)],
        "comments": (f"{gpu_count} x {label} at {tdp:g} W + {cpu_count} x {cpu_tdp_w:g} W CPU + {overhead_w:g} W "
                     f"platform = {max_w:g} W; {n}+{m} PSUs of {psu_rating_w:g} W; {cooling}-cooled, "
                     f"{liquid * 100:.0f} % of the heat to liquid."),
        "rackstudio": {
            "category": "server",
            "depth_mm": 897.1,
            "power": {"max_w": max_w, "psu_count": psus, "psu_rating_w": psu_rating_w,
                      "psu_redundancy": f"{n}+{m}", "psu_input_v": [200, 240], "source": "ac"},
            "cooling": cooling_block,
            "required_ports": nics,
            "source": "rackstudio-ai-racks HGX factory: figures computed from the options (see sources)",
            "sources": {
                "power.max_w": f"derived (D): {gpu_count} x {tdp:g} W GPU ({tdp_source}) + {cpu_count} x "
                               f"{cpu_tdp_w:g} W CPU (assumption U) + {overhead_w:g} W platform (D: calibrated "
                               "to DGX B200 14.3 kW [NV-B200UG] P)",
                "power.psu_count": f"derived (D): N = ceil({max_w:g} / {psu_rating_w:g}) = {n}, "
                                   f"{psu_redundancy.upper()} gives {psus}; 8 x B200 air = 5+1 as DGX B200 [NV-B200UG] P",
                "power.psu_rating_w": "3.3 kW default as DGX B200 [NV-B200UG] P",
                "power.psu_input_v": "200-240 V as DGX B200 [NV-B200UG] P",
                "power-ports.maximum_draw": f"derived (D): {max_w:g} W shared by {psus} PSUs",
                "power-ports.type": "assumption (U): C19/C20 cords as DGX H100 [NV-H100UG] P",
                "u_height": chassis_source,
                "weight": chassis_source,
                "depth_mm": "DGX B200 897.1 mm [NV-B200UG] P; assumption (U) for the liquid chassis",
                "cooling.liquid_fraction": "derived (D): GPU + CPU power over total with cold plates; capture "
                                           "efficiency assumed complete (U)",
                "cooling.airflow_cfm": "derived (D): 3.16 x W to air / 29.2 degF, the DGX B200 ratio "
                                       "(1,550 CFM at 14.3 kW, engineering.md 1.2)",
                "interfaces": "one 400G NIC per GPU as DGX B200 (8 x ConnectX-7) [NV-B200UG] P",
            },
        },
    }
