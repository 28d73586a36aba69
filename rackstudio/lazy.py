"""Qt-free. A package's names loaded from its submodules on first use (PEP 562 `__getattr__`), so
importing one submodule does not load the rest: the plugin worker process imports only the
plugin API, and the app's first paint needs neither the parts catalog nor PyYAML."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(package: str, where: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The package's module `__getattr__`: `name` from its submodule `where[name]`, kept in the
    package's `namespace` once loaded."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = namespace[name] = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        return value

    return __getattr__
