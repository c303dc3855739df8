"""The shape of IAM policy documents ecrgen emits or renders: repository and registry policies.
Each statement's grammar is `iam_statement`'s.

- Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
  (Version, Id, Statement: one statement or a non-empty list)
- Repository policies: at most 10,240 characters:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html and
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
- Registry policies: at most 10,240 characters:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html and
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html
- `Principal: "*"` without a Condition opens the repository to every AWS account:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_resource-based-policy-examples.html
"""

from __future__ import annotations

from typing import Any

from ecrgen.errors import show
from ecrgen.rules import Found
from ecrgen.rules.iam_statement import check_statement

VERSIONS = ("2012-10-17", "2008-10-17")
MAX_REPOSITORY_POLICY = 10_240


def check_repository_policy(policy: Any, length: int, production: bool = False) -> Found:
    """Every reason ECR would reject this repository policy; in production also an open `Principal: "*"`."""
    return _check_policy(policy, length, production, "repository")


def check_registry_policy(policy: Any, length: int, production: bool = False) -> Found:
    """Every reason ECR would reject this registry policy; in production also an open `Principal: "*"`."""
    return _check_policy(policy, length, production, "registry")


def _check_policy(policy: Any, length: int, production: bool, kind: str) -> Found:
    if not isinstance(policy, dict):
        return [("", f"the policy must be a JSON object, not {type(policy).__name__}")]
    found: Found = [
        (key, "unknown policy element (allowed: Version, Id, Statement)")
        for key in policy
        if key not in ("Version", "Id", "Statement")
    ]
    if policy.get("Version") not in VERSIONS:
        found.append(
            ("Version", f"{show(policy.get('Version'))} is not allowed (allowed: {', '.join(VERSIONS)})")
        )
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return found + [("Statement", "must be a non-empty list of statements")]
    for index, statement in enumerate(statements):
        found += [(f"Statement[{index}]{sub}", msg) for sub, msg in check_statement(statement, kind)]
    if length > MAX_REPOSITORY_POLICY:
        found.append(("", f"the policy is {length} characters; ECR allows at most {MAX_REPOSITORY_POLICY}"))
    if production and not found:
        found += [
            (sub, f"{message} (not allowed in a production account)")
            for sub, message in open_statements(policy)
        ]
    return found


def open_statements(policy: dict) -> Found:
    """Allow statements that name every AWS principal ("*") with no Condition to narrow them."""
    statements = policy.get("Statement")
    found: Found = []
    for index, statement in enumerate([statements] if isinstance(statements, dict) else statements or []):
        if (
            not isinstance(statement, dict)
            or statement.get("Effect") != "Allow"
            or statement.get("Condition")
        ):
            continue
        principal = statement.get("Principal")
        values = principal.get("AWS") if isinstance(principal, dict) else principal
        if "NotPrincipal" in statement or values == "*" or isinstance(values, list) and "*" in values:
            actions = statement.get("Action", statement.get("NotAction"))
            actions = [actions] if isinstance(actions, str) else actions or []
            what = (
                "every ECR action ('ecr:*': push, delete images, replace this policy)"
                if any(a.lower() in ("ecr:*", "*") for a in actions if isinstance(a, str))
                or "NotAction" in statement
                else ", ".join(map(str, actions))
            )
            found.append(
                (
                    f"Statement[{index}].Principal",
                    f"'*' without a Condition grants {what} to everyone in every AWS account; "
                    "add a Condition (such as aws:PrincipalOrgID) or name the principals",
                )
            )
    return found


def foreign_resources(policy: dict, account_id: str, region: str) -> Found:
    """Registry policy Resource ARNs outside this registry: a registry policy is the policy of one
    registry (one account, one region) and grants only on its repositories, so such an ARN grants nothing.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html"""
    statements = policy.get("Statement")
    found: Found = []
    for index, statement in enumerate([statements] if isinstance(statements, dict) else statements or []):
        resources = statement.get("Resource") if isinstance(statement, dict) else None
        for arn in [resources] if isinstance(resources, str) else resources or []:
            parts = arn.split(":") if isinstance(arn, str) else []
            if len(parts) >= 6 and (parts[3], parts[4]) != (region, account_id):
                found.append(
                    (
                        f"Statement[{index}].Resource",
                        f"{show(arn)} is not a repository of this registry (account {account_id}, "
                        f"region {region}): a registry policy grants only on its own registry's repositories",
                    )
                )
    return found
