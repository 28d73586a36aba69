"""The desktop editor: the only package that imports PySide6, shiboken6 or pyqtgraph.

Modules here that say "Qt-free" in their docstring (bulk, floor_plan, elevation_layout, totals,
cable_labels, duplication) import no Qt, so their decisions are tested headless.
"""
