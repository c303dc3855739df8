"""What one account file implies for another in the same folder (pure: policy documents as JSON text).

- Cross-account replication needs the destination registry's policy to allow the source account
  ecr:ReplicateImage (and ecr:CreateRepository):
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html
- ECR-to-ECR pull through cache from another account needs the upstream registry (its registry policy
  under policy scope V2, or its repository policies) to let the downstream pull (ecr:BatchGetImage):
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html
- Repositories that ECR creates by itself (replication, pull through cache, create on push) get the
  settings of the creation template whose prefix covers them, else ECR's defaults:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
- Create on push lets whoever may call ecr:CreateRepository create repositories by pushing:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
"""

from __future__ import annotations

import json
from typing import Any

ORG_KEYS = ("aws:principalorgid", "aws:principalorgpaths")


def _statements(text: str | None) -> list[dict]:
    try:
        document = json.loads(text) if text else {}
    except ValueError:
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict) and s.get("Effect") == "Allow"]


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _allows(statement: dict, action: str) -> bool:
    actions = [a.lower() for a in _listed(statement.get("Action", [])) if isinstance(a, str)]
    return any(a in ("*", "ecr:*", action.lower()) for a in actions)


def _principals(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    values = principal.get("AWS", []) if isinstance(principal, dict) else []
    return [v for v in _listed(values) if isinstance(v, str)]


def grants(text: str | None, account_id: str, action: str, roles: tuple[str, ...] = ()) -> bool:
    """Whether the policy `text` allows `action` to `account_id` (its id or root ARN, an ARN of it, or
    one of `roles`) without naming it through a wildcard only."""
    for statement in _statements(text):
        if not _allows(statement, action):
            continue
        for principal in _principals(statement):
            if principal == account_id or principal in roles or f":{account_id}:" in principal:
                return True
    return False


def broad_create_repository(text: str | None, account_id: str) -> list[str]:
    """The principals `text` lets call ecr:CreateRepository broadly: '*' (alone or narrowed only to an
    organization), or another account's root."""
    found = []
    for statement in _statements(text):
        if not _allows(statement, "ecr:CreateRepository"):
            continue
        condition = statement.get("Condition") or {}
        keys = {key.lower() for block in condition.values() if isinstance(block, dict) for key in block}
        for principal in _principals(statement):
            if principal == "*" and (not keys or keys <= set(ORG_KEYS)):
                found.append("'*'" + (" (narrowed to an organization only)" if keys else ""))
            elif (
                principal.endswith(":root")
                and f":{account_id}:" not in principal
                or (principal.isdigit() and principal != account_id)
            ):
                found.append(repr(principal))
    return found


def covers(template_prefix: str, name: str) -> bool:
    """Whether a creation template's prefix covers the repository name (ROOT covers every name)."""
    if template_prefix == "ROOT":
        return True
    prefix = template_prefix.rstrip("/")
    return name == prefix or name.startswith(prefix + "/")
