"""The grammar of one IAM policy statement, in a repository policy or a registry policy.

- Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- Repository policies apply to their own repository (no Resource element), grant ECR actions, and
  must not carry ecr:GetAuthorizationToken, which ECR rejects there:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- Registry policies name their Resource (repository ARNs of the registry) and grant only what ECR enforces
  at the registry level: ecr:ReplicateImage, ecr:BatchImportUpstreamImage, ecr:CreateRepository:
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
    found: Found = []
    allowed = STATEMENT_KEYS if kind == "repository" else REGISTRY_STATEMENT_KEYS
    for key in statement:
        if key in ("Resource", "NotResource") and kind == "repository":
            found.append((f".{key}", "is not allowed: a repository policy applies to its own repository"))
        elif key not in allowed:
            found.append((f".{key}", f"unknown statement element (allowed: {', '.join(allowed)})"))
    if kind == "registry":
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
    for action in actions:
        if kind == "registry":
            if action.lower() not in [a.lower() for a in REGISTRY_ACTIONS]:
                found.append(
                    (
                        f".{key}",
                        f"{show(action)} is not allowed in a registry policy "
                        f"(ECR enforces only {', '.join(REGISTRY_ACTIONS)} "
                        "at the registry level; name them rather than a wildcard)",
                    )
                )
        elif action.lower() == "ecr:getauthorizationtoken":
            found.append(
                (
                    f".{key}",
                    f"{show(action)} is not allowed in a repository policy "
                    "(ECR rejects it; grant it in an IAM policy on Resource '*')",
                )
            )
        elif not action.lower().startswith("ecr:"):
            found.append((f".{key}", f"{show(action)} is not an ECR action (ecr:...)"))
    if "Condition" in statement:
        found += _condition(statement["Condition"])
    return found


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
