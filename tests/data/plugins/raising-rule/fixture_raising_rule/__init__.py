"""Writes a marker when imported, so tests can prove discovery imports nothing."""
import os
import pathlib

pathlib.Path(os.environ.get("RACKSTUDIO_FIXTURE_MARKER", os.devnull)).write_text("fixture_raising_rule imported")
