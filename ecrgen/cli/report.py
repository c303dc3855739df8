"""What the command line prints besides data: problems (one per line, as GitHub Actions annotations
`::error file=F,line=N::message` and `::warning ...`, or as one JSON document, with the line found in the
file: the parser's own line for a syntax error, else the line that sets the problem's field path), the
interruption notice, the account table."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ecrgen import commands
    from ecrgen.commands import Problem

_AT_LINE = re.compile(r"\bline (\d+)\b")
_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_PATH_PART = re.compile(r'("(?:[^"\\]|\\.)*")|([^."\[\]]+)|\[(\d+)\]')


def warnings(found: Iterable[Problem], github_too: bool = False) -> None:
    """Warnings: on stderr as `warning: FILE:LINE: path: message` (the line where it is known), never a
    failure (and as `::warning` annotations on stdout with `github_too`)."""
    found = list(found)
    if github_too:
        for annotation in github(found, "warning"):
            typer.echo(annotation)
    for problem, line in located(found):
        typer.echo(f"warning: {_text(problem, line)}", err=True)


def problems(found: list[Problem], github_too: bool, writes: bool) -> None:
    """The problems, one per line on stderr as `FILE:LINE: path: message` (the line where it is known;
    and as annotations on stdout with `github_too`), then how many; a command that writes says that it
    wrote nothing."""
    if github_too:
        for annotation in github(found):
            typer.echo(annotation)
    for problem, line in located(found):
        typer.echo(_text(problem, line), err=True)
    written = "; nothing was written" if writes else ""
    typer.echo(f"ecrgen: {len(found)} problem(s) found{written}.", err=True)


def _text(problem: Problem, line: int | None) -> str:
    """`FILE:LINE: path: message` (`FILE: path: message` where the line is not known)."""
    where = f"{problem.file}:{line}" if line else problem.file
    return ": ".join(part for part in (where, problem.path, problem.message) if part)


def interrupted(writes: bool) -> None:
    """Ctrl-C: one line, and it is the last word: Node got the Ctrl-C too, and jsii's shutdown at exit
    may report a broken pipe or relay Node's own complaint about its closed channel."""
    written = " (every account's output is as it was, or completely written)" if writes else ""
    typer.echo(f"\necrgen: interrupted{written}.", err=True)
    sys.stderr.flush()
    sys.stderr = open(os.devnull, "w")
    sys.unraisablehook = lambda unraisable: None


def table(rows: list[dict]) -> list[str]:
    """`ecrgen list`'s rows as aligned columns under a header."""
    header = ("ACCOUNT", "ID", "REGION", "ENVIRONMENT", "REPOSITORIES")
    cells = [header] + [
        (r["name"], r["id"], r["region"], r["environment"], str(r["repositories"])) for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]


def github(problems: Iterable[Problem], severity: str = "error") -> list[str]:
    """One `::error` (or `::warning`) workflow command per problem (GitHub shows them on the pull
    request's files)."""
    lines = []
    for problem, line in located(problems):
        where = f"file={_escape(problem.file, True)}" + (f",line={line}" if line else "")
        message = ": ".join(part for part in (problem.path, problem.message) if part)
        lines.append(f"::{severity} {where}::{_escape(message, False)}")
    return lines


def located(problems: Iterable[Problem]) -> list[tuple[Problem, int | None]]:
    """Each problem with the 1-based line of its file it is about, or None where that is not known."""
    texts: dict[str, list[str] | None] = {}
    found = []
    for problem in problems:
        if problem.file not in texts:
            texts[problem.file] = _lines(problem.file)
        found.append((problem, find_line(texts[problem.file], problem)))
    return found


def document(accounts: list[str], errors: Iterable[Problem] = (), warned: Iterable[Problem] = ()) -> str:
    """`--format json`: one JSON object on stdout, `{"ok": bool, "accounts": [names], "problems": [{"file",
    "line" (1-based, or null), "path", "message", "severity": "error" | "warning"}]}`; `ok` is false
    exactly when there is an error (then the exit code is 1)."""
    rows = [
        {"file": p.file, "line": line, "path": p.path, "message": p.message, "severity": severity}
        for severity, found in (("error", errors), ("warning", warned))
        for p, line in located(found)
    ]
    ok = not any(row["severity"] == "error" for row in rows)
    return json.dumps({"ok": ok, "accounts": accounts, "problems": rows}, indent=2)


def find_line(lines: list[str] | None, problem: Problem) -> int | None:
    """The 1-based line a problem is about, when it can be found."""
    stated = _AT_LINE.search(problem.message)
    if stated and not problem.path:
        return int(stated.group(1))
    if lines is None or not problem.path or not problem.file.endswith(".toml"):  # field paths are TOML's
        return None
    return locate(lines, split_path(problem.path))


def split_path(path: str) -> list[str | int]:
    """'repository[2].lifecycle.rules[0]' -> ['repository', 2, 'lifecycle', 'rules', 0]; a quoted key
    (`tags."cost center"`, `errors.path_key`) is one name."""
    return [
        int(index) if index else json.loads(quoted) if quoted else name
        for quoted, name, index in _PATH_PART.findall(path)
    ]


def locate(lines: list[str], path: list[str | int]) -> int | None:
    """The line whose table header or key covers the longest prefix of `path` (TOML tables, arrays of
    tables, dotted and inline keys): good enough to point a reviewer at the right place."""
    best, best_length = None, 0
    table: list[str | int] = []
    counts: dict[tuple, int] = {}
    for number, text in enumerate(lines, start=1):
        header = _HEADER.match(text)
        if header:
            names = _keys(header.group(2))
            if header.group(1) == "[[":
                counts[tuple(names)] = counts.get(tuple(names), -1) + 1
                table = _indexed(names, counts)
            else:
                table = _indexed(names, counts, last_is_table=True)
            here = table
        else:
            key = _KEY.match(text)
            if not key:
                continue
            here = [*table, *_keys(key.group(1))]
        length = _common(here, path)
        # A dotted key (`lifecycle.max_image_count = 10`) also sets the table it passes through
        # (`lifecycle`): the first such line is that table's, where it has no header of its own.
        passes = not header and len(table) < len(path) == length < len(here)
        if length > best_length and (length == len(here) or passes):
            best, best_length = number, length
    return best


def _indexed(names: list[str], counts: dict[tuple, int], last_is_table: bool = False) -> list[str | int]:
    """A header's path with the current index of every array of tables it passes through."""
    out: list[str | int] = []
    for i in range(len(names)):
        out.append(names[i])
        prefix = tuple(names[: i + 1])
        if prefix in counts and not (last_is_table and i == len(names) - 1):
            out.append(counts[prefix])
    return out


def _keys(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", dotted)]


def _common(here: list, path: list) -> int:
    length = 0
    for a, b in zip(here, path, strict=False):
        if a != b:
            break
        length += 1
    return length


def _lines(file: str) -> list[str] | None:
    try:
        return Path(file).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _escape(text: str, property_value: bool) -> str:
    """As the toolkit escapes (escapeData, escapeProperty):
    https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts"""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def plan_checked(
    account: str, checked: commands.PlanChecked, migration: bool, github_too: bool = False
) -> str:
    """What `check-plan` says of a plan it lets through (its warnings go to stderr first)."""
    warnings(checked.warnings, github_too)
    if migration:
        return (
            f"{account}: the migration plan imports {checked.imported} repository(ies) and creates, deletes "
            f"or replaces none ({checked.changes} repository change(s) checked)"
        )
    return (
        f"{account}: the plan deletes or replaces no production or adopted repository "
        f"({checked.changes} repository change(s) checked)"
    )
