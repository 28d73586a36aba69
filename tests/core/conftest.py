"""The core suite runs with Qt blocked: any Qt import anywhere in the core fails these tests."""
import sys

for _name in ("PySide6", "shiboken6", "pyqtgraph"):
    sys.modules[_name] = None  # type: ignore[assignment]
