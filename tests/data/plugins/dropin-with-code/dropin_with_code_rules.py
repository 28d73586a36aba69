"""Must never be imported: a drop-in folder is data only."""
import os
import pathlib

pathlib.Path(os.environ.get("RACKSTUDIO_FIXTURE_MARKER", os.devnull)).write_text("dropin-with-code imported")


def anything(context, subject):
    return []
