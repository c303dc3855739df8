"""Which keys of the built-in policy templates might give a policy AWS holds, read from its statement
ids (the Sids the built-ins write). A guess only: `ecrgen.importer.run` renders the template with these
keys and keeps them only when the render is exactly the policy; else the policy becomes a template."""

from __future__ import annotations

import re
from typing import Any


def repository_grants(policy: Any, partition: str) -> dict[str, Any] | None:
    """The keys from which the built-in repository templates write this policy, as far as its
    statement ids tell (CrossAccountPull, OrganizationPull, LambdaPull, Push); None otherwise."""
    keys: dict[str, Any] = {}
    for sid, statement, principals in _statements(policy):
        if sid == "CrossAccountPull" and (accounts := _roots(principals, partition)) is not None:
            keys["pull_account_ids"] = accounts
        elif sid == "OrganizationPull" and isinstance(org := _org_id(statement), str):
            keys["org_id"] = org
        elif sid == "LambdaPull":
            keys["lambda_pull"] = True
        elif sid == "Push" and principals:
            keys["push_principals"] = principals
        else:
            return None
    return keys or None


def registry_grants(policy: Any, partition: str) -> dict[str, Any] | None:
    """The keys from which the built-in registry_default template writes this registry policy, as far
    as its statement ids tell (ReplicationFromSourceAccounts, PullThroughCache); None otherwise."""
    keys: dict[str, Any] = {}
    for sid, _, principals in _statements(policy):
        if sid == "ReplicationFromSourceAccounts" and (accounts := _roots(principals, partition)):
            keys["replication_source_account_ids"] = accounts
        elif sid == "PullThroughCache" and principals:
            keys["pull_through_principals"] = principals
        else:
            return None
    return keys or None


def _statements(policy: Any) -> list[tuple[Any, dict, list[str] | None]]:
    """(Sid, statement, its AWS principals when they are a list of strings) per statement."""
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        return [(None, {}, None)]
    found = []
    for statement in statements:
        principal = statement.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else None
        strings = aws if isinstance(aws, list) and all(isinstance(a, str) for a in aws) else None
        found.append((statement.get("Sid"), statement, strings))
    return found


def _roots(principals: list[str] | None, partition: str) -> list[str] | None:
    """The account ids of `arn:<partition>:iam::<id>:root` principals (None for any other principal)."""
    matches = [re.fullmatch(rf"arn:{partition}:iam::(\d{{12}}):root", p) for p in principals or []]
    return [m.group(1) for m in matches if m] if matches and all(matches) else None


def _org_id(statement: dict) -> Any:
    condition = statement.get("Condition")
    equals = condition.get("StringEquals") if isinstance(condition, dict) else None
    return equals.get("aws:PrincipalOrgID") if isinstance(equals, dict) else None
