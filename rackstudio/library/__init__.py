"""Qt-free. The parts library: NetBox device/module/rack-type YAML and the merged catalog.

`load_device_type` / `load_module_type` / `load_rack_type` read one file safely and return a
`LoadResult` (the record or the `LoadProblem` that refused it, plus data-quality `Flag`s);
`dump_device_type` writes NetBox YAML back; `Catalog` merges built-in, plugin and user folders.
"""
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
