"""Pure AWS rules: no I/O and no CDKTF. A check returns the problems it finds as `Found`, (sub-path,
message) pairs the config wing places under the table it checks; the other functions derive what
follows from a rule (a trust subject, a default lifecycle policy, an IAM document, a provider floor).

Every rule cites the AWS page it codifies, so a reader can check it against AWS, not against us.
"""

from __future__ import annotations

from typing import Any, TypeGuard

Found = list[tuple[str, str]]


def is_int(value: Any) -> TypeGuard[int]:
    """An integer of the user's file (TOML and JSON booleans are not integers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def unknown_keys(table: dict, allowed: tuple[str, ...], prefix: str) -> Found:
    """Every key of `table` that is not `allowed`, under `prefix`."""
    return [
        (f"{prefix}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
        for key in table
        if key not in allowed
    ]
