"""RackStudio example plugin: AI-rack parts (data), an HGX server factory and a site rule.

RackStudio finds this package through its entry point and reads `rackstudio-plugin.toml` beside
this file without importing it; `factories` and `rules` are imported only when first used.
Keep this module free of imports and side effects.
"""
__version__ = "1.0.0"
