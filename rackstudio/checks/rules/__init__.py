"""Qt-free. The built-in rules, one module per family; each module's `RULES` lists its rules
(the registry reads them in `checks.registry.builtin_rules`)."""
