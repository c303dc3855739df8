"""Terraform `moved` blocks for every change ecrgen makes to how addresses are derived.

When a release derives a repository's address differently, it appends the old derivation to
HISTORY. Every stack then carries `moved` blocks from each old address to the current one, so the
next `terraform plan` moves state instead of destroying a repository and creating an empty one.
https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ecrgen.addresses import repository_blocks

if TYPE_CHECKING:  # the model is only read: no import at run time
    from ecrgen.config.model import Repository

# (the ecrgen version that stopped using it, the old derivation: config name -> address part)
HISTORY: list[tuple[str, Callable[[str], str]]] = []


def moved_blocks(
    repositories: tuple[Repository, ...],
    history: list[tuple[str, Callable[[str], str]]] | None = None,
) -> list[dict[str, str]]:
    """One block per resource of each repository whose address used to be different (the resources a
    repository emits: see `ecrgen.addresses.repository_blocks`)."""
    blocks: dict[str, str] = {}
    for repo in repositories:
        for _, derive in HISTORY if history is None else history:
            before = derive(repo.name)
            if before != repo.address:
                for old, new in zip(repository_blocks(repo, before), repository_blocks(repo), strict=True):
                    blocks.setdefault(str(old), str(new))
    return [{"from": source, "to": target} for source, target in sorted(blocks.items())]
