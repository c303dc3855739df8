"""Terraform `moved` blocks for every change ecrgen makes to how addresses are derived.

When a release derives a repository's address differently, it appends the old derivation to
HISTORY. Every stack then carries `moved` blocks from each old address to the current one, so the
next `terraform plan` moves state instead of destroying a repository and creating an empty one.
https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
"""

from __future__ import annotations

from collections.abc import Callable

from ecrgen.model import Repository

# (the ecrgen version that stopped using it, the old derivation: config name -> address part)
HISTORY: list[tuple[str, Callable[[str], str]]] = []


def moved_blocks(
    repositories: tuple[Repository, ...],
    history: list[tuple[str, Callable[[str], str]]] | None = None,
) -> list[dict[str, str]]:
    """One block per resource of each repository whose address used to be different."""
    blocks: dict[str, str] = {}
    for repo in repositories:
        kinds = ["aws_ecr_repository"]
        kinds += ["aws_ecr_lifecycle_policy"] if repo.lifecycle_policy is not None else []
        kinds += ["aws_ecr_repository_policy"] if repo.policy_text is not None else []
        for _, derive in HISTORY if history is None else history:
            before = derive(repo.name)
            if before != repo.address:
                for kind in kinds:
                    blocks.setdefault(f"{kind}.{before}", f"{kind}.{repo.address}")
    return [{"from": source, "to": target} for source, target in sorted(blocks.items())]
