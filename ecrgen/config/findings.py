"""The problems (or warnings) found while resolving one account file, each under its field path, and
the context every table's resolution shares."""

from __future__ import annotations

from dataclasses import dataclass

from ecrgen.config import schema
from ecrgen.rules import Found


class Findings:
    """Collects (path, message) pairs: a rule's sub-paths are joined to the path of the field it checked."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, prefix: str, found: Found) -> None:
        """Add a rule's findings under `prefix` ('[i]...' and '.x' sub-paths join as they are)."""
        for sub, message in found:
            joined = prefix + sub if not sub or sub[0] in ".[" else f"{prefix}.{sub}" if prefix else sub
            self.items.append((joined, message))


@dataclass(frozen=True)
class Context:
    """What resolving one table of an account file reads besides the table: the `[account]` table,
    whether the account is production, its name format, and where problems and warnings go."""

    acct: schema.AccountTable
    production: bool
    fmt: str | None
    found: Findings
    warned: Findings
    tags: tuple[str, ...] = ()  # the keys of the account's [tags] (the provider's default_tags)
