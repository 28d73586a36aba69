"""The plugin worker: the process that runs plugin code (imports, rules, part factories).

Started by `process.PluginProcess` as `python -m rackstudio.plugins.worker` (in the frozen app,
the executable with `--plugin-worker`, see rackstudio/__main__.py). It speaks JSON, one message
a line: requests on stdin, replies on what was stdout; the real stdout goes to stderr so a
plugin's prints cannot break the protocol. Replies are plain data that the host validates;
nothing the plugin made crosses as an object. On Linux the process limits its own address space
(RLIMIT_AS) and, per call, its CPU time (RLIMIT_CPU, a backstop that holds even if the host has
gone); the host enforces the wall-clock limit by killing the process.

Requests: {"op": "hello", "sys_path", "memory_mib"}; {"op": "import", "python_name"};
{"op": "rule", "python_name", "subjects", "data", "cap", "limit_s"}, during which the worker
may send {"need": kind, "id": id} and read {"data": ...} or {"missing": why};
{"op": "params", "python_name"}; {"op": "factory", "python_name", "options"}.
"""
from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import traceback
from collections.abc import Iterable, Mapping
from functools import reduce
from pathlib import Path
from typing import Any, BinaryIO

MIB = 1 << 20


class _Failed(Exception):
    """A reply that ends the request with an error of a stage."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.reply = {"error": stage, "reason": reason}


def describe(exc: BaseException) -> str:
    """`ValueError: bad input (rules.py:12)`: the exception and the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _unserialisable(value: Any) -> Any:
    """json.dumps' fallback: a marker the host refuses (it names the type), never the object."""
    if isinstance(value, tuple | list | set | frozenset):
        return list(value)
    return {"__unserialisable__": type(value).__name__}


class Worker:
    def __init__(self, requests: BinaryIO, replies: BinaryIO):
        self.requests, self.replies = requests, replies
        self.targets: dict[str, Any] = {}
        self.limit_s = 2.0

    # --- the pipe --------------------------------------------------------------------------------
    def send(self, message: dict) -> None:
        self.replies.write(json.dumps(message, default=_unserialisable).encode() + b"\n")
        self.replies.flush()

    def receive(self) -> dict | None:
        line = self.requests.readline()
        return json.loads(line) if line else None

    def fetch(self, kind: str, key: str) -> Any:
        """Ask the host for a view the call's data lacks (PluginContext's fetch)."""
        self.send({"need": kind, "id": key})
        reply = self.receive()
        if reply is None:
            raise SystemExit(0)
        if "missing" in reply:
            raise KeyError(key)
        return reply["data"]

    # --- limits ------------------------------------------------------------------------------------
    def limit_memory(self, mib: int | None) -> None:
        if mib and sys.platform.startswith("linux"):
            import resource
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            soft = mib * MIB if hard == resource.RLIM_INFINITY else min(mib * MIB, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    def limit_cpu(self, seconds: float) -> None:
        """Ends this process (SIGXCPU) once this call has used `seconds` more CPU time, with a
        margin: the host's wall-clock limit normally fires first."""
        try:
            import resource
        except ImportError:  # Windows: the host's limit alone
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(used.ru_utime + used.ru_stime + 2 * seconds) + 2
        if hard == resource.RLIM_INFINITY or soft <= hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

    # --- requests ----------------------------------------------------------------------------------
    def serve(self) -> int:
        while True:
            request = self.receive()
            if request is None:
                return 0
            try:
                reply = self.handle(request)
            except _Failed as failed:
                reply = failed.reply
            except MemoryError:
                self.targets.clear()
                self.send({"error": "memory", "reason": "it ran out of memory (the plugin memory limit)"})
                return 3  # leave: the host starts a fresh worker with its memory back
            self.send(reply)

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        self.limit_s = float(request.get("limit_s") or self.limit_s)
        self.limit_cpu(self.limit_s)
        if op == "hello":
            for entry in reversed(request.get("sys_path") or []):
                if entry not in sys.path:
                    sys.path.insert(0, entry)
            import rackstudio.plugins.api  # noqa: F401  loaded now, not on a plugin's time
            self.limit_memory(request.get("memory_mib"))
            return {"ok": True, "pid": os.getpid()}
        if op == "import":
            self.target(request["python_name"])
            return {"ok": True}
        if op == "rule":
            return self.rule(self.target(request["python_name"]), request)
        if op == "params":
            return {"ok": True, "params": self.params(self.target(request["python_name"]))}
        if op == "factory":
            return self.factory(self.target(request["python_name"]), request.get("options") or {})
        return {"error": "protocol", "reason": f"unknown request {op!r}"}

    def target(self, python_name: str) -> Any:
        """The callable behind `package.module:attribute`, imported on first use."""
        if python_name in self.targets:
            return self.targets[python_name]
        module_name, _, attr = python_name.partition(":")
        try:
            module = importlib.import_module(module_name)
        except MemoryError:
            raise
        except BaseException as exc:  # SystemExit too: the import fails, the worker stays
            raise _Failed("import", f"importing {module_name}: {describe(exc)}") from None
        try:
            target = reduce(getattr, attr.split("."), module)
        except AttributeError:
            raise _Failed("activate", f"{module_name} has no attribute {attr!r}") from None
        if not callable(target):
            raise _Failed("activate", f"{python_name} is a {type(target).__name__}, not callable")
        self.targets[python_name] = target
        return target

    def rule(self, fn: Any, request: dict) -> dict:
        """Run the rule over every subject: hits as [subject, hit] pairs, stopping at `cap`."""
        from rackstudio.plugins.api import PluginContext
        cap = int(request.get("cap") or 1000)
        hits: list[list[Any]] = []
        api = PluginContext(request.get("data") or {}, self.fetch)
        try:
            for subject in request.get("subjects") or []:
                try:
                    result = fn(api, subject)
                    garbage = _garbage(result)
                    if garbage is None:
                        for item in result or ():
                            if len(hits) >= cap:
                                return {"ok": True, "hits": hits, "capped": subject}
                            hits.append([subject, _plain_hit(item)])
                except MemoryError:
                    raise
                except BaseException as exc:  # SystemExit, KeyboardInterrupt: the rule's failure only
                    return {"ok": True, "hits": hits, "raised": subject, "reason": describe(exc)}
                if garbage is not None:
                    return {"ok": True, "hits": hits, "garbage": subject, "reason": garbage}
        finally:
            api.revoke()
        return {"ok": True, "hits": hits}

    def params(self, fn: Any) -> list[list[Any]]:
        """[name, has default, default] for each option the factory takes."""
        out = []
        for name, p in inspect.signature(fn).parameters.items():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                has = p.default is not inspect.Parameter.empty
                out.append([name, has, p.default if has else None])
        return out

    def factory(self, fn: Any, options: dict) -> dict:
        try:
            inspect.signature(fn).bind(**options)
        except TypeError as exc:
            return {"refused": str(exc)}
        try:
            out = fn(**options)
        except ValueError as exc:
            return {"refused": str(exc)}
        except MemoryError:
            raise
        except BaseException as exc:
            raise _Failed("contribute", f"factory raised {describe(exc)}") from None
        parts = sys.modules.get("rackstudio.model.parts")
        if parts is not None and isinstance(out, parts.PartType):
            out = out.model_dump(mode="json", by_alias=True, exclude={"origin"}, exclude_none=True)
        if not isinstance(out, Mapping):
            raise _Failed("contribute", f"factory returned a {type(out).__name__}, not a NetBox device-type mapping")
        try:
            text = json.dumps(dict(out), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise _Failed("contribute", f"factory returned values that are not plain data: {exc}") from None
        return {"ok": True, "part": json.loads(text)}


def _garbage(result: Any) -> str | None:
    if result is None:
        return None
    if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
        return f"a {type(result).__name__}, not an iterable of Hits"
    return None


def _plain_hit(item: Any) -> dict[str, Any]:
    from rackstudio.plugins.api import Hit
    if not isinstance(item, Hit):
        return {"not_a_hit": type(item).__name__}
    objects = item.objects if isinstance(item.objects, str) else _unserialisable(item.objects) \
        if isinstance(item.objects, tuple | list) else {"__unserialisable__": type(item.objects).__name__}
    figures = dict(item.figures) if isinstance(item.figures, Mapping) else item.figures
    return {"message": item.message, "objects": objects, "figures": figures, "severity": item.severity,
            "aspect": item.aspect}


def main() -> int:
    """Move the protocol off stdin/stdout, then serve requests until the host closes the pipe."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a plugin's print() goes to stderr, never into the replies
    return Worker(requests, replies).serve()


if __name__ == "__main__":
    sys.exit(main())
