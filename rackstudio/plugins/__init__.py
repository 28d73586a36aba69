"""Qt-free. The plugin host (the plugin packages themselves live in the repository's plugins/).

A plugin declares itself in `rackstudio-plugin.toml` (`manifest`), which is found and read
without importing the plugin (`discovery`: the built-in parts, installed entry points in the
group `rackstudio.plugins`, data-only drop-in folders). `PluginManager` registers the manifests,
gives their part folders to the catalog and their rules to a rule registry, imports code on first
use, runs it under a time limit, and records each failure by stage. Plugin code receives only
what `api` offers.

Start-up: `manager = PluginManager.start()` (never raises), then `manager.catalog()` and
`manager.register_rules(registry)`.
"""
from rackstudio.plugins.api import API_VERSION, SUPPORTED_API_VERSIONS, PluginContext
from rackstudio.plugins.discovery import ENTRY_POINT_GROUP, Discovered, PluginSource, discover, dropin_folder
from rackstudio.plugins.manager import (
    Contribution,
    ContributionFailed,
    FactoryRefused,
    Failure,
    Plugin,
    PluginManager,
    Stage,
)
from rackstudio.plugins.manifest import MANIFEST_FILE, ManifestError, PluginManifest, read_manifest

__all__ = [
    "API_VERSION", "ENTRY_POINT_GROUP", "MANIFEST_FILE", "SUPPORTED_API_VERSIONS", "Contribution",
    "ContributionFailed", "Discovered", "FactoryRefused", "Failure", "ManifestError", "Plugin", "PluginContext",
    "PluginManager", "PluginManifest", "PluginSource", "Stage", "discover", "dropin_folder", "read_manifest",
]
