"""RackStudio: design AI data-center racks and halls. Importing it loads no Qt."""
from rackstudio._version import __version__

__all__ = ["__version__"]
