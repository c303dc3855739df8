"""The shape of IAM policy documents ecrgen emits or renders (repository and registry policies), down to
the grammar of each statement.

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

One statement, in a repository policy or a registry policy:

- Repository policies apply to their own repository (no Resource element), grant ECR actions, and
  must not carry ecr:GetAuthorizationToken, which ECR rejects there:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- Registry policies name their Resource (repository ARNs of the registry). Under registry policy scope
  V2 (AWS's default) they may grant any ECR action; under V1 only what ECR enforces at the registry
  level then: ecr:ReplicateImage, ecr:BatchImportUpstreamImage, ecr:CreateRepository:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html
- Principal: "*" or a map of AWS / Service / Federated / CanonicalUser to one value or a non-empty list;
  Condition: operator -> condition key -> a value or a non-empty list of values (no null):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html and
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
"""

from __future__ import annotations

import re
from typing import Any

from ecrgen.errors import show
from ecrgen.rules import Found

VERSIONS = ("2012-10-17", "2008-10-17")
MAX_REPOSITORY_POLICY = 10_240


def check_repository_policy(policy: Any, length: int, production: bool = False) -> Found:
    """Every reason ECR would reject this repository policy; in production also an open `Principal: "*"`."""
    return _check_policy(policy, length, production, "repository")


def check_registry_policy(policy: Any, length: int, production: bool = False) -> Found:
    """Every reason ECR would reject this registry policy under policy scope V2 (any ECR action); in
    production also an open `Principal: "*"`."""
    return _check_policy(policy, length, production, "registry")


def check_registry_policy_v1(policy: Any, length: int, production: bool = False) -> Found:
    """`check_registry_policy` under policy scope V1: only the actions ECR enforces at the registry level
    then (REGISTRY_ACTIONS)."""
    return _check_policy(policy, length, production, "registry_v1")


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


STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition")
REGISTRY_STATEMENT_KEYS = STATEMENT_KEYS[:-1] + ("Resource", "NotResource", "Condition")
REGISTRY_ACTIONS = ("ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository")
REGISTRY_RESOURCE = re.compile(r"\*|arn:aws(-cn|-us-gov)?:ecr:[a-z0-9-]+:\d{12}:repository/\S+")
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
# "*", an account id, or an IAM/STS ARN; IAM rejects a wildcard inside a principal ARN.
AWS_PRINCIPAL = re.compile(r"\*|\d{12}|arn:aws(-cn|-us-gov)?:(iam|sts)::\d{12}:[^*\s]+")
SERVICE_PRINCIPAL = re.compile(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?")


def check_statement(statement: Any, kind: str = "repository") -> Found:
    """One statement of a `kind` policy ("repository" or "registry"), as (sub-path, message)."""
    if not isinstance(statement, dict):
        return [("", "must be a JSON object")]
    found = _elements(statement, kind)
    if kind != "repository":
        found += _resources(statement)
    if statement.get("Effect") not in ("Allow", "Deny"):
        found.append((".Effect", f"{show(statement.get('Effect'))} is not allowed (allowed: Allow, Deny)"))
    if ("Principal" in statement) == ("NotPrincipal" in statement):
        found.append(("", "needs exactly one of Principal or NotPrincipal"))
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            found += _principal(key, statement[key])
    key = "Action" if "Action" in statement else "NotAction"
    actions = statement.get(key)
    actions = [actions] if isinstance(actions, str) else actions
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        return found + [
            (f".{key}", f"{show(statement.get(key))} must be an action or a non-empty list of actions")
        ]
    found += [(f".{key}", message) for action in actions if (message := _action(action, kind))]
    if "Condition" in statement:
        found += _condition(statement["Condition"])
    return found


def _elements(statement: dict, kind: str) -> Found:
    """The statement's elements are those a `kind` policy allows."""
    allowed = STATEMENT_KEYS if kind == "repository" else REGISTRY_STATEMENT_KEYS
    found: Found = []
    for key in statement:
        if key in ("Resource", "NotResource") and kind == "repository":
            found.append((f".{key}", "is not allowed: a repository policy applies to its own repository"))
        elif key not in allowed:
            found.append((f".{key}", f"unknown statement element (allowed: {', '.join(allowed)})"))
    return found


def _action(action: str, kind: str) -> str | None:
    """Why a `kind` policy must not grant `action`, or None."""
    if kind == "registry_v1":
        if action.lower() in [a.lower() for a in REGISTRY_ACTIONS]:
            return None
        return (
            f"{show(action)} is not allowed in a registry policy under policy_scope 'V1' "
            f"(ECR enforces only {', '.join(REGISTRY_ACTIONS)} "
            "at the registry level; name them rather than a wildcard, or set policy_scope = 'V2')"
        )
    if kind == "registry":
        return None if action.lower().startswith("ecr:") else f"{show(action)} is not an ECR action (ecr:...)"
    if action.lower() == "ecr:getauthorizationtoken":
        return (
            f"{show(action)} is not allowed in a repository policy "
            "(ECR rejects it; grant it in an IAM policy on Resource '*')"
        )
    if not action.lower().startswith("ecr:"):
        return f"{show(action)} is not an ECR action (ecr:...)"
    return None


def _resources(statement: dict) -> Found:
    """A registry policy statement names the repositories it covers (ARNs of the registry, or "*")."""
    if ("Resource" in statement) == ("NotResource" in statement):
        return [
            (
                "",
                "needs exactly one of Resource or NotResource (a registry policy names the repositories, "
                "e.g. 'arn:aws:ecr:REGION:ACCOUNT:repository/*')",
            )
        ]
    key = "Resource" if "Resource" in statement else "NotResource"
    values = statement[key] if isinstance(statement[key], list) else [statement[key]]
    if not values or not all(isinstance(v, str) for v in values):
        return [(f".{key}", f"{show(statement[key])} must be a repository ARN or a non-empty list of them")]
    return [
        (
            f".{key}",
            f"{show(v)} is not a repository ARN "
            "(arn:aws:ecr:REGION:ACCOUNT:repository/NAME, '*' wildcards allowed)",
        )
        for v in values
        if not REGISTRY_RESOURCE.fullmatch(v)
    ]


def _values(value: Any) -> bool:
    """One non-empty string, or a non-empty list of them."""
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(v, str) and v for v in items)


def _principal(key: str, principal: Any) -> Found:
    if principal == "*":
        return []
    if not isinstance(principal, dict) or not principal:
        return [(f".{key}", f'{show(principal)} must be "*" or an object such as {{"AWS": [ARN, ...]}}')]
    found: Found = []
    for kind, value in principal.items():
        if kind not in PRINCIPAL_KEYS:
            found.append((f".{key}.{kind}", f"unknown principal type (allowed: {', '.join(PRINCIPAL_KEYS)})"))
        elif not _values(value):
            found.append(
                (
                    f".{key}.{kind}",
                    f"{show(value)} must be a principal or a non-empty list of principals "
                    "(an empty list or null grants nobody and IAM rejects it)",
                )
            )
        else:
            pattern, what = {
                "AWS": (
                    AWS_PRINCIPAL,
                    "an AWS principal ('*', an account id, or an IAM ARN with no wildcard in it)",
                ),
                "Service": (SERVICE_PRINCIPAL, "a service principal such as 'lambda.amazonaws.com'"),
            }.get(kind, (None, ""))
            found += [
                (f".{key}.{kind}", f"{show(v)} is not {what}")
                for v in (value if isinstance(value, list) else [value])
                if pattern and not pattern.fullmatch(v)
            ]
    return found


def _condition(condition: Any) -> Found:
    if not isinstance(condition, dict):
        return [(".Condition", "must be a JSON object")]
    found: Found = []
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            found.append(
                (f".Condition.{operator}", f"{show(block)} must be an object of condition keys and values")
            )
            continue
        for key, value in block.items():
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(v, (str, int, float, bool)) for v in items):
                found.append(
                    (
                        f".Condition.{operator}.{key}",
                        f"{show(value)} is not a condition value "
                        "(a string, number or boolean, or a non-empty list of them)",
                    )
                )
    return found
