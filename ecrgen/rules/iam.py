"""The shape of IAM policies ecrgen emits or renders.

- Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- Repository policies apply to their own repository (no Resource element), grant ECR actions, and
  must not carry ecr:GetAuthorizationToken, which ECR rejects there; at most 10,240 characters:
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html and
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
"""

from __future__ import annotations

from typing import Any

from ecrgen.errors import show
from ecrgen.rules import Found

VERSIONS = ("2012-10-17", "2008-10-17")
MAX_REPOSITORY_POLICY = 10_240
STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition")


def check_repository_policy(policy: Any, length: int) -> Found:
    """Every reason ECR would reject this repository policy."""
    if not isinstance(policy, dict):
        return [("", f"the policy must be a JSON object, not {type(policy).__name__}")]
    found: Found = [(key, "unknown policy element (allowed: Version, Id, Statement)")
                    for key in policy if key not in ("Version", "Id", "Statement")]
    if policy.get("Version") not in VERSIONS:
        found.append(("Version", f"{show(policy.get('Version'))} is not allowed (allowed: {', '.join(VERSIONS)})"))
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return found + [("Statement", "must be a non-empty list of statements")]
    for index, statement in enumerate(statements):
        found += [(f"Statement[{index}]{sub}", msg) for sub, msg in _statement(statement)]
    if length > MAX_REPOSITORY_POLICY:
        found.append(("", f"the policy is {length} characters; ECR allows at most {MAX_REPOSITORY_POLICY}"))
    return found


def _statement(statement: Any) -> Found:
    if not isinstance(statement, dict):
        return [("", "must be a JSON object")]
    found: Found = []
    for key in statement:
        if key in ("Resource", "NotResource"):
            found.append((f".{key}", "is not allowed: a repository policy applies to its own repository"))
        elif key not in STATEMENT_KEYS:
            found.append((f".{key}", f"unknown statement element (allowed: {', '.join(STATEMENT_KEYS)})"))
    if statement.get("Effect") not in ("Allow", "Deny"):
        found.append((".Effect", f"{show(statement.get('Effect'))} is not allowed (allowed: Allow, Deny)"))
    if ("Principal" in statement) == ("NotPrincipal" in statement):
        found.append(("", "needs exactly one of Principal or NotPrincipal"))
    key = "Action" if "Action" in statement else "NotAction"
    actions = statement.get(key)
    actions = [actions] if isinstance(actions, str) else actions
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        return found + [(f".{key}", f"{show(statement.get(key))} must be an action or a non-empty list of actions")]
    for action in actions:
        if action.lower() == "ecr:getauthorizationtoken":
            found.append((f".{key}", f"{show(action)} is not allowed in a repository policy (ECR rejects it; grant it in an IAM policy on Resource '*')"))
        elif not action.lower().startswith("ecr:"):
            found.append((f".{key}", f"{show(action)} is not an ECR action (ecr:...)"))
    if "Condition" in statement and not isinstance(statement["Condition"], dict):
        found.append((".Condition", "must be a JSON object"))
    return found
