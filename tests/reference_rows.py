"""The account file reference (docs/accounts.md, linked from the README), read row by row: (table, key) -> (its default cell, its notes).
The editor schema's descriptions and defaults (`ecrgen.config.descriptions`) are these words;
`python tests/reference_rows.py > ecrgen/config/descriptions.py` writes that module again."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "docs" / "accounts.md"
TABLE = re.compile(r"`\[\[?([a-z_.]+)\]\]?\s*(.*)")
IN = {
    "(in `[role]`)": "role",
    "(in `[alerts]`)": "alerts",
    "(in a pull through cache rule)": "registry.pull_through_cache",
    "(in a creation template)": "registry.creation_template",
    "(in a destination)": "registry.replication.destinations",
}
TOP = ("tags", "defaults")  # tables that are one key of the file


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def _split(cell: str) -> list[str]:
    """A default cell's comma-separated parts, commas inside backticks kept (`["HIGH", "CRITICAL"]`)."""
    parts, current, quoted = [], "", False
    for char in cell:
        if char == "`":
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def rows() -> dict[tuple[str, str], tuple[str, str]]:
    """(table, key) -> (default cell for that key, notes) for every key the reference names."""
    text = README.read_text()
    start = text.index("| key | default | notes |")
    lines = [
        line
        for line in text[start : text.index("### Checked before apply")].splitlines()
        if line.startswith("|")
    ]
    found: dict[tuple[str, str], tuple[str, str]] = {}
    table = ""
    for line in lines[2:]:
        cells = _cells(line)
        keycell, default, notes = cells[0], cells[1], " | ".join(cells[2:])
        if not keycell.startswith("`"):
            continue  # "template repository keys": the repository's rows
        here = table
        for marker, name in IN.items():
            if keycell.endswith(marker):
                here, keycell = name, keycell.removesuffix(marker).strip()
        match = TABLE.fullmatch(keycell)
        if match:
            name, rest = match.groups()
            if name in TOP:
                found[("", name)] = (default, notes)
                continue
            if name == "repository.lifecycle":
                found[("repository", "lifecycle")] = (default, notes)
                table = "repository.lifecycle"
                continue
            table = here = name
            keycell = "`" + rest
        keys = re.findall(r"`([a-z_]+)`", keycell)
        defaults = _split(default)
        defaults = defaults if len(defaults) == len(keys) else [default] * len(keys)
        for key, value in zip(keys, defaults, strict=True):
            found[(here, key)] = (value, notes)
    return found


def default_value(cell: str):
    """The TOML value a default cell names (`true`, `30`, `["*"]`, `AES256`), or None when it names none
    or depends on something (production, another key)."""
    match = re.fullmatch(r"`([^`]+)`", cell)
    if not match:
        return None
    literal = match.group(1)
    try:
        return tomllib.loads(f"v = {literal}")["v"]
    except tomllib.TOMLDecodeError:
        return literal if re.fullmatch(r"[A-Za-z0-9_.-]+", literal) else None


if __name__ == "__main__":
    print("# ruff: noqa: E501")
    print('"""The account file reference\'s words, for the editor schema (`ecrgen.editors`): (table, key) ->')
    print(
        "(description, default). Written from docs/accounts.md by `python tests/reference_rows.py`; a test keeps"
    )
    print('them equal."""')
    print()
    print("DESCRIPTIONS = {")
    for (table, key), (default, notes) in rows().items():
        words = notes if default in ("", "none", "required") else f"{notes} (default: {default})"
        print(f"    ({table!r}, {key!r}): ({words!r}, {default_value(default)!r}),")
    print("}")
