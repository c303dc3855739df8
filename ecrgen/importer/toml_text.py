"""A small TOML writer for the account files `ecrgen import` writes (TOML 1.0; tomllib reads it back).

Strings, booleans, integers, arrays and tables only (an account file has nothing else). Tables near the
top become sections (`[account]`, `[[repository]]`, `[repository.lifecycle]`, `[[registry.replication]]`);
deeper ones are inline tables, and a long array of them is written one per line. Strings are basic strings
with every character TOML requires escaped (backslash, quote, control characters).
"""

from __future__ import annotations

import re
from typing import Any

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
SECTION_DEPTH = 3  # [registry.creation_template.lifecycle] is a section; tables below it are inline
ARRAY_DEPTH = 2  # [[registry.replication]] is an array of tables; deeper arrays of tables are inline
LINE = 80  # an inline array of tables longer than this is written one table per line


def dumps(document: dict[str, Any], comment: str = "") -> str:
    """The document as TOML text, after a `# comment` line when given."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    _table(lines, [], document, header=None)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(lines: list[str], path: list[str], table: dict[str, Any], header: str | None) -> None:
    """A table's own keys under its header, then its sections and arrays of tables, in their order."""
    depth = len(path)
    nested = {
        k: v
        for k, v in table.items()
        if (isinstance(v, dict) and depth < SECTION_DEPTH) or (_table_array(v) and depth < ARRAY_DEPTH)
    }
    plain = {k: v for k, v in table.items() if k not in nested}
    if header is not None and (plain or not nested):
        lines += ["", header]
    lines += [f"{key(k)} = {value(v, multiline=True)}" for k, v in plain.items()]
    for k, v in nested.items():
        dotted = ".".join(key(p) for p in [*path, k])
        if isinstance(v, dict):
            _table(lines, [*path, k], v, f"[{dotted}]")
            continue
        for item in v:
            lines += ["", f"[[{dotted}]]"]
            _table(lines, [*path, k], item, header=None)


def _table_array(items: Any) -> bool:
    return isinstance(items, list) and bool(items) and all(isinstance(item, dict) for item in items)


def key(name: str) -> str:
    """A bare key where TOML allows one, else a quoted key."""
    return name if BARE_KEY.fullmatch(name) else string(name)


def string(text: str) -> str:
    """A TOML basic string."""
    escaped = "".join(
        ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text
    )
    return f'"{escaped}"'


def value(item: Any, multiline: bool = False) -> str:
    """An inline value; with `multiline`, an array of tables is written one table per line."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, dict):
        inner = ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(item, list):
        inline = "[" + ", ".join(value(v) for v in item) + "]"
        if multiline and _table_array(item) and len(inline) > LINE:
            return "[\n" + "".join(f"  {value(v)},\n" for v in item) + "]"
        return inline
    raise TypeError(f"an account file holds no {type(item).__name__} values")
