"""Qt-free. Reading and writing design files."""
from rackstudio.io.project_file import SUFFIX, Loaded, dumps, load, parse, save

__all__ = ["SUFFIX", "Loaded", "dumps", "load", "parse", "save"]
