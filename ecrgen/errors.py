"""The one exception type ecrgen raises for bad input (it carries every problem found), and the helpers
that word problems: `show` (a bad value), `duplicates`, `each_matching`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: the file, the field path inside it, and what is wrong (value and what is allowed)."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.path, self.message) if part)


class EcrgenError(Exception):
    """Raised with every problem found; the CLI prints them one per line and exits 1, after the
    `warnings` of the same run where they are known (a refusal does not hide them)."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


def duplicates(values: Iterable[object]) -> str | None:
    """`has duplicates: 'a', 'b'` naming every value listed more than once (in order), or None."""
    seen: list[object] = []
    repeated: list[object] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.append(value)
    return f"has duplicates: {', '.join(show(value) for value in repeated)}" if repeated else None


def show(value: object, limit: int = 80) -> str:
    """The bad value as the user wrote it (Python repr, like TOML's quoting), cut to a readable length."""
    # A TOML date or time reads as the user wrote it, not as Python's datetime(...).
    text = value.isoformat() if isinstance(value, (dt.date, dt.time)) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def path_key(name: str) -> str:
    """A key as a field path shows it: bare where TOML allows it bare, else quoted as TOML quotes it
    (`tags."cost center"`, `tags.""`), so that a path always reads back to the one key."""
    return name if BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def each_matching(key: str, values: list[str], pattern: re.Pattern[str], what: str) -> list[tuple[str, str]]:
    """Each value that does not match `pattern` fully (`what` it should be), and repeated values."""
    found = [
        (f"{key}[{i}]", f"{show(v)} is not {what}") for i, v in enumerate(values) if not pattern.fullmatch(v)
    ]
    if repeated := duplicates(values):
        found.append((key, repeated))
    return found
