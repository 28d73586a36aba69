"""Qt-free. The parts library: NetBox device/module/rack-type YAML and the merged catalog.

`load_device_type` / `load_module_type` / `load_rack_type` read one file safely and return a
`LoadResult` (the record or the `LoadProblem` that refused it, plus data-quality `Flag`s);
`dump_device_type` writes NetBox YAML back; `Catalog` merges built-in, plugin and user folders.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rackstudio import lazy

# Loaded on first use (PEP 562, as rackstudio.plugins): importing one submodule (the rack-design
# files the palette lists) does not load the catalog, the YAML reader and PyYAML, which the app's
# first paint does not need (≈ 20 ms of its start-up); they load when the plugins fill the palette.
_WHERE = {
    "Catalog": "catalog", "CatalogEntry": "catalog", "Conflict": "catalog", "FileProblem": "catalog",
    "LibrarySource": "catalog", "SourceKind": "catalog", "builtin_source": "catalog", "default_catalog": "catalog",
    "LoadResult": "netbox_yaml", "ModuleType": "netbox_yaml", "device_type_data": "netbox_yaml",
    "dump_device_type": "netbox_yaml", "load_device_type": "netbox_yaml", "load_module_type": "netbox_yaml",
    "load_rack_type": "netbox_yaml", "parse_device_type": "netbox_yaml", "parse_module_type": "netbox_yaml",
    "parse_rack_type": "netbox_yaml",
    "Flag": "quality", "infer_category": "quality", "quality_flags": "quality",
    "LoadProblem": "safe_yaml", "Vocabulary": "safe_yaml", "find_schema": "safe_yaml",
}

if TYPE_CHECKING:
    from rackstudio.library.catalog import (
        Catalog,
        CatalogEntry,
        Conflict,
        FileProblem,
        LibrarySource,
        SourceKind,
        builtin_source,
        default_catalog,
    )
    from rackstudio.library.netbox_yaml import (
        LoadResult,
        ModuleType,
        device_type_data,
        dump_device_type,
        load_device_type,
        load_module_type,
        load_rack_type,
        parse_device_type,
        parse_module_type,
        parse_rack_type,
    )
    from rackstudio.library.quality import Flag, infer_category, quality_flags
    from rackstudio.library.safe_yaml import LoadProblem, Vocabulary, find_schema

__all__ = [
    "Catalog", "CatalogEntry", "Conflict", "FileProblem", "Flag", "LibrarySource", "LoadProblem",
    "LoadResult", "ModuleType", "SourceKind", "Vocabulary", "builtin_source", "default_catalog",
    "device_type_data", "dump_device_type",
    "find_schema", "infer_category", "load_device_type", "load_module_type", "load_rack_type",
    "parse_device_type", "parse_module_type", "parse_rack_type", "quality_flags",
]


__getattr__ = lazy.attributes(__name__, _WHERE, globals())
