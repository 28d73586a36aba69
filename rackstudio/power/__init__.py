"""Qt-free. Power arithmetic below the checks and the commands: what a device draws (`draw`), the
supply, bank, leg and phase figures (`electrical`) and which inlet mates which outlet (`cords`).
The checks, the dashboard and the power planner call these and never repeat them."""
from rackstudio.power.draw import (
    PASS_THROUGH,
    DeviceDraw,
    device_draw,
    listed_max_w,
    part_draw,
    port_draw,
    psu_rating_w,
)

__all__ = ["PASS_THROUGH", "DeviceDraw", "device_draw", "listed_max_w", "part_draw", "port_draw", "psu_rating_w"]
