"""`[registry]` grants that would grant nothing: warnings (never failures) about a registry policy that
leaves `replication_source_account_ids` or `pull_through_principals` without effect."""

from __future__ import annotations

from ecrgen.config import defaults, schema
from ecrgen.rules import Found

GRANTS = ("replication_source_account_ids", "pull_through_principals")


def ineffective(table: schema.RegistryTable, policy: str) -> Found:
    """What in `table` has no effect with this registry policy template (or 'none')."""
    given = [key for key in GRANTS if getattr(table, key)]
    if policy == "none" and given:
        keys = " and ".join(given)
        return [
            (
                "policy",
                f"'none' means no registry policy, so {keys} grant{'s' if len(given) == 1 else ''} nothing; "
                f"remove policy = 'none' to use the built-in {defaults.REGISTRY_POLICY!r}, or remove {keys}",
            )
        ]
    if policy == defaults.REGISTRY_POLICY and table.pull_through_principals and not table.pull_through_cache:
        return [
            (
                "pull_through_principals",
                f"grant nothing: {defaults.REGISTRY_POLICY!r} grants them the prefixes of the "
                "[[registry.pull_through_cache]] rules, and there are none; add a rule or remove them",
            )
        ]
    return []
