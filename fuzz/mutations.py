"""Structure-aware mutations of valid inputs, for fuzzing the loaders.

A mutant starts from a valid design (JSON) or NetBox device type (YAML), gets one to four
structural edits (delete a key, swap a value's type, push a number to an extreme, rename a key,
point a reference elsewhere, copy a record, add a key) and then, sometimes, a text edit
(truncate, insert garbage bytes, flip or drop bytes, re-encode). Everything draws from one
`random.Random`, so hypothesis (`st.randoms()`) can shrink a failure and a seed replays it.
Used by tests/core/test_fuzz_loaders.py and the atheris harnesses in this folder.
"""
from __future__ import annotations

import contextlib
import copy
import json
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parent / "seeds"

SPECIAL_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2, 0.5, -0.0, 0.3, 48, 101, 1e12, 1e13, -1e13, 2**53 + 1, 2**64, 10**30,
    1e-320, 1e308, "", " ", "0", "1", "1.5", "inf", "-Infinity", "NaN", "nan", "1e999", "1e300", "1_000",
    "0x10", "²", "\u0000", "\ud800", "\u202e", "é", "x" * 300, "../../etc/passwd", "/etc/passwd",
    "!!python/object/apply:os.system", "rk-1", "dv-1", "feed-a", "hall-1", "acme-sw", "rt-48u", "PS1",
    "power", "network", "coolant", "front", "rear", "left", "N", "W", "3+1", "N+N", "kg",
    [], {}, [1, 2], ["a"], [None], {"a": 1}, {"id": "x"}, [[[]]], {"": None},
]
SPECIAL_KEYS = ["id", "name", "x_mm", "rack", "parent", "hall", "position", "part", "u", "rotation",
                "format_version", "path", "python_name", "__proto__", "", " ", "ü", "a.b", "rk-1",
                "manufacturer", "model", "slug", "u_height", "power-ports", "interfaces", "rackstudio",
                "<<", "maximum_draw", "type", "weight", "weight_unit"]
JUNK: list[bytes] = [
    b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 400, b'{"', b"[[[[[[[[", b"]]]]", b"}", b",", b":",
    b'"', b"\\", b"\\ud800", b"\\u0000", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe9", b"\t",
    b"\n", b"&a ", b"*a", b"!!python/object/apply:os.system [ls]", b"!!binary", b"? ", b"- ", b"---\n",
    b"<<: ", b"%YAML 1.1\n", b"{a: [b, {c: d}]}", b".inf", b".nan", b"~", b"null", b"true", b"'",
    b"\xf0\x9f\x98\x80", b"\r\n", b"#", b"|\n  text", b">-\n", b"@", b"`",
]


def design_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((SEEDS / "design").glob("*.rackstudio"))]


def netbox_seeds() -> list[str]:
    files = sorted((SEEDS / "netbox").glob("*.yaml"))
    for kind in ("device-types", "rack-types"):
        files += sorted((ROOT / "resources" / "builtin" / kind).glob("*/*.yaml"))
    return [p.read_text(encoding="utf-8") for p in files]


# --- structural edits -----------------------------------------------------------------------------

def _slots(data: Any) -> list[tuple[Any, Any]]:
    """(container, key or index) of every value inside `data`."""
    out: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                out.append((node, k))
                stack.append(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out.append((node, i))
                stack.append(v)
    return out


def _containers(data: Any) -> list[Any]:
    found = [data] if isinstance(data, dict | list) else []
    found += [c[k] for c, k in _slots(data) if isinstance(c[k], dict | list)]
    return found


def _strings(data: Any) -> list[str]:
    return [c[k] for c, k in _slots(data) if isinstance(c[k], str)] + [
        k for c, k in _slots(data) if isinstance(k, str)]


def _number(rng: random.Random, value: Any) -> Any:
    if rng.random() < 0.5:
        return rng.choice([0, -1, -0.5, 1e12, 1e13, 1e300, 2**63, 10**40, 0.25, 47.5, 100, 101, 1000, 1e-9])
    scale = rng.choice([-1, 0, 0.5, 2, 10, 1000, 1e6, 1e9])
    return value * scale if isinstance(value, int | float) and not isinstance(value, bool) else scale


def _same_type(rng: random.Random, data: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return rng.choice([_number(rng, value), value + rng.choice([-1, 1, 0.5, 600, -600]), -value])
    if isinstance(value, str):
        names = _strings(data)
        return rng.choice(names + [value + "-2", "", value * 2]) if names else value + "x"
    if isinstance(value, list) and value:
        return [v for i, v in enumerate(value) if i != rng.randrange(len(value))]
    return value


def mutate_data(rng: random.Random, data: Any) -> Any:
    """One structural edit of parsed JSON/YAML (the argument is changed and returned)."""
    slots = _slots(data)
    op = rng.randrange(10)
    if not slots:
        return rng.choice(SPECIAL_VALUES) if op < 5 else {"format_version": 2}
    container, key = rng.choice(slots)
    value = container[key]
    if rng.random() < 0.4:  # keep the type, change the value: these often still load
        container[key] = _same_type(rng, data, value)
    elif op == 0:  # delete a key or an item
        del container[key]
    elif op == 1:  # swap the value's type
        container[key] = copy.deepcopy(rng.choice(SPECIAL_VALUES))
    elif op == 2:  # a number to an extreme, or a number where there was none
        container[key] = _number(rng, value)
    elif op == 3 and isinstance(container, dict):  # rename a key
        new = rng.choice(SPECIAL_KEYS + [key + "_", key.upper() if isinstance(key, str) else "K"])
        container[new] = container.pop(key)
    elif op == 4:  # point a reference at another id or name in the data
        names = _strings(data)
        container[key] = rng.choice(names) if names else ""
    elif op == 5 and isinstance(container, dict):  # copy a record under another key
        container[rng.choice(SPECIAL_KEYS + _strings(data)[:50] or ["k"])] = copy.deepcopy(value)
    elif op == 6:  # add a key or item somewhere
        target = rng.choice(_containers(data))
        item = copy.deepcopy(rng.choice(SPECIAL_VALUES + [value]))
        if isinstance(target, dict):
            target[rng.choice(SPECIAL_KEYS)] = item
        else:
            target.insert(rng.randrange(len(target) + 1), item)
    elif op == 7:  # wrap the value: a list or an object around it
        container[key] = rng.choice([[value], {"value": value}, [value, value]])
    elif op == 8 and isinstance(value, str):  # stretch or garble text
        container[key] = rng.choice([value * rng.choice([2, 50, 3000]), value[::-1], value + "\n",
                                     value.upper(), value[: len(value) // 2], value + "#busbar"])
    else:  # move a value somewhere else entirely
        other, other_key = rng.choice(slots)
        with contextlib.suppress(IndexError, KeyError):
            other[other_key] = copy.deepcopy(value)
    return data


# --- text edits -----------------------------------------------------------------------------------

def mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    """One edit of the file's bytes."""
    n = len(raw)
    at = rng.randrange(n + 1)
    op = rng.randrange(8)
    if op == 0:
        return raw[:at]  # truncated
    if op == 1:
        return raw[:at] + rng.choice(JUNK) + raw[at:]
    if op == 2 and n:
        i = rng.randrange(n)
        return raw[:i] + bytes([raw[i] ^ (1 << rng.randrange(8))]) + raw[i + 1:]
    if op == 3:
        end = min(n, at + rng.randrange(1, 64))
        return raw[:at] + raw[end:]  # a slice dropped
    if op == 4:
        end = min(n, at + rng.randrange(1, 200))
        return raw[:end] + raw[at:end] + raw[end:]  # a slice repeated
    if op == 5:
        return raw[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9))) + raw[at:]
    if op == 6:
        try:
            return raw.decode("utf-8").encode(rng.choice(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]))
        except (UnicodeError, ValueError):
            return raw[::-1]
    return raw.replace(rng.choice([b": ", b", ", b"\n", b"-", b'"', b"1"]), rng.choice(JUNK), rng.randrange(1, 4))


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_PARSED: dict[int, Any] = {}


def _parsed(seed: bytes | str, parse: Any) -> Any:
    """A fresh copy of a seed's data (each seed is parsed once)."""
    key = hash(seed)
    if key not in _PARSED:
        if len(_PARSED) >= 256:  # atheris passes every corpus input as a seed
            _PARSED.clear()
        _PARSED[key] = parse(seed)
    return copy.deepcopy(_PARSED[key])


def mutant_design(rng: random.Random, seed: bytes) -> bytes:
    """A mutated design file: structural edits, then sometimes a text edit."""
    data = _parsed(seed, json.loads)
    for _ in range(1 if rng.random() < 0.5 else rng.randrange(2, 5)):
        data = mutate_data(rng, data)
    try:
        raw = json.dumps(data, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5).encode(
            "utf-8", "surrogatepass")
    except (TypeError, ValueError):
        raw = seed
    if rng.random() < 0.35:
        raw = mutate_bytes(rng, raw)
    return raw


def mutant_netbox(rng: random.Random, seed: str) -> str:
    """A mutated NetBox device-type file, as text."""
    data = _parsed(seed, lambda text: yaml.load(text, Loader=_SAFE_LOADER))
    for _ in range(1 if rng.random() < 0.5 else rng.randrange(2, 5)):
        data = mutate_data(rng, data)
    try:
        text = yaml.dump(data, Dumper=_SAFE_DUMPER, sort_keys=False, allow_unicode=rng.random() < 0.5)
    except (yaml.YAMLError, UnicodeError):
        text = seed
    if rng.random() < 0.35:
        text = mutate_bytes(rng, text.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")
    return text
