"""Qt-free. Design checks: rules over the design and its component graph, run in full or
incrementally from each edit's ChangeSet, with waivers saved in the design."""
from rackstudio.checks.context import CheckContext
from rackstudio.checks.engine import CheckEngine, FindingsDelta
from rackstudio.checks.metrics import RackMetrics
from rackstudio.checks.registry import NOT_CHECKED, RuleRegistry, builtin_registry
from rackstudio.checks.rule import Finding, Hit, Rule, Scope, Severity, rule

__all__ = [
    "NOT_CHECKED", "CheckContext", "CheckEngine", "Finding", "FindingsDelta", "Hit", "RackMetrics", "Rule",
    "RuleRegistry", "Scope", "Severity", "builtin_registry", "rule",
]
