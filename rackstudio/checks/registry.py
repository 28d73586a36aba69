"""Qt-free. The rule registry: built-in rules registered in one place (`builtin_registry`), plugin
rule packs added with `register(rule)`. Which rules run, and at what severity, is the design's
choice (`CheckSettings.disabled_rules`, `severity_overrides`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rackstudio.checks.rule import Rule, Severity
from rackstudio.model.review import CheckSettings

# Catalogue rules (engineering.md §§1.7, 2.9, 3.8, 4.8, 5.7) that are not registered, and why: a rule
# that could never fire must not look as if it had checked something. Reports list these.
NOT_CHECKED: dict[str, str] = {
    "PWR-017": "NetBox parity of feed capacity is a test-time assertion (tests/core/test_checks_power.py), "
               "not a design rule; every PWR-001/002 finding carries NetBox's available_power figure",
    "CAB-008": "cable tray segments and cable routes are not in the model",
    "CAB-009": "cable tray segments, their load ratings and cable routes are not in the model",
    "CAB-013": "cable routes (which side of the rack a cable runs down) are not in the model",
}


class RuleRegistry:
    def __init__(self, rules: Iterable[Rule] = ()):
        self._rules: dict[str, Rule] = {}
        self.version = 0  # bumped on every change, so an engine knows to re-run everything
        for r in rules:
            self.register(r)

    def register(self, rule: Rule) -> None:
        """Add a rule (a plugin's rule pack calls this once per rule). Ids are unique."""
        if rule.id in self._rules:
            raise ValueError(f"a rule with id {rule.id!r} is already registered")
        self._rules[rule.id] = rule
        self.version += 1

    def unregister(self, rule_id: str) -> None:
        if self._rules.pop(rule_id, None) is not None:
            self.version += 1

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._rules)

    def active(self, settings: CheckSettings) -> list[Rule]:
        """The rules that run under these settings (all but the disabled ones), sorted by id."""
        off = set(settings.disabled_rules)
        return [r for r in self if r.id not in off]

    def disabled(self, settings: CheckSettings) -> list[str]:
        """Disabled rule ids as the settings list them (unknown ids included, so a typo shows)."""
        return sorted(set(settings.disabled_rules))

    @staticmethod
    def severity_override(rule: Rule, settings: CheckSettings) -> Severity | None:
        value = settings.severity_overrides.get(rule.id)
        return Severity(value) if value is not None else None


def builtin_rules() -> list[Rule]:
    """Every built-in rule, from the rule modules (the one place they are listed)."""
    from rackstudio.checks.rules import cabling, cooling, failover, library, optics, power, space

    return [r for module in (library, power, failover, cooling, cabling, optics, space) for r in module.RULES]


def builtin_registry() -> RuleRegistry:
    return RuleRegistry(builtin_rules())
