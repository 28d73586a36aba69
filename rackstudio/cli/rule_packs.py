"""Qt-free. What a design is checked with, in the app and on the command line alike: the built-in
rule packs plus the rules of every active plugin, found by the same discovery
(`PluginManager.start`: the built-in parts, installed entry points, drop-in folders) and
registered through the same `PluginManager.register_rules`. `ran` says which plugins and rule
packs a check used, for the text and JSON outputs.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rackstudio.checks import RuleRegistry, builtin_registry
from rackstudio.model.review import CheckSettings
from rackstudio.plugins import PluginManager


def start_plugins(use: bool = True, disabled: list[str] | tuple[str, ...] = ()) -> PluginManager | None:
    """The plugin manager the app starts (never raises), or None with plugins left out."""
    return PluginManager.start(disabled=disabled) if use else None


@contextmanager
def plugins(use: bool = True) -> Iterator[PluginManager | None]:
    """`start_plugins` for one command: the plugin worker ends when the command does."""
    manager = start_plugins(use)
    try:
        yield manager
    finally:
        if manager is not None:
            manager.close()


def checks_registry(manager: PluginManager | None) -> RuleRegistry:
    """The built-in rules plus the active plugins' rules."""
    registry = builtin_registry()
    if manager is not None:
        manager.register_rules(registry)
    return registry


def ran(registry: RuleRegistry, manager: PluginManager | None, settings: CheckSettings) -> dict[str, Any]:
    """The plugins started and the rule packs whose rules ran: the built-in packs by module
    (power, cooling, ...) and each plugin's rules, with the rule ids."""
    plugin_of = {c.id: c.plugin for c in manager.rule_contributions()} if manager is not None else {}
    packs: dict[str, dict[str, Any]] = {}
    for rule in registry.active(settings):
        plugin = plugin_of.get(rule.id)
        name = plugin if plugin is not None else f"built-in {rule.fn.__module__.rsplit('.', 1)[-1]}"
        pack = packs.setdefault(name, {"name": name, "plugin": plugin, "rules": []})
        pack["rules"].append(rule.id)
    plugins = [] if manager is None else [
        {"name": p.name, "version": p.manifest.version if p.manifest else None, "status": p.status,
         "enabled": p.enabled, "rules": [c.id for c in p.contributions if c.kind == "rule"]}
        for p in manager.plugins]
    return {"plugins_used": manager is not None, "plugins": plugins,
            "rule_packs": [packs[k] for k in sorted(packs, key=lambda k: (packs[k]["plugin"] is not None, k))]}


def ran_text(data: dict[str, Any]) -> list[str]:
    """`ran` for people: one line for the rule packs, one for the plugins."""
    packs = ", ".join(f"{p['name']} ({len(p['rules'])})" for p in data["rule_packs"])
    if not data["plugins_used"]:
        plugins = "plugins left out (--no-plugins)"
    elif data["plugins"]:
        plugins = "plugins: " + ", ".join(f"{p['name']} {p['version'] or ''} ({p['status']})".replace("  ", " ")
                                          for p in data["plugins"])
    else:
        plugins = "plugins: none installed"
    return [f"rule packs: {packs}", plugins]
