"""Names and principals for the role and the registry scanning configuration.

- Role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html ([\\w+=,.@-]{1,64})
- GitHub OIDC subjects: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
- Registry scanning: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
  (BASIC supports SCAN_ON_PUSH only; at most 2 rules; filters match
  ^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$, at most 100 per rule)
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found
from ecrgen.rules.names import PRINCIPAL_ARN, PRINCIPAL_ARN_RULE

ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:[^\s:*][^\s]*)?")
SERVICE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?")
SCAN_FILTER = re.compile(r"[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*")
MAX_SCAN_FILTERS = 100


def check_role(name: str, github: list[str], principals: list[str], services: list[str]) -> Found:
    """Role name, trust entries, and that somebody can assume the role."""
    found: Found = []
    if not ROLE_NAME.fullmatch(name):
        found.append(("name", f"{show(name)} is not a valid IAM role name (1-64 chars: letters, digits, + = , . @ _ -)"))
    found += _each("github_repositories", github, GITHUB_REPOSITORY, "a GitHub repository ('org/repo' or 'org/repo:ref:refs/heads/main')")
    found += _each("trusted_principals", principals, PRINCIPAL_ARN, PRINCIPAL_ARN_RULE)
    found += _each("trusted_services", services, SERVICE, "an AWS service principal such as 'ecs-tasks.amazonaws.com'")
    if not (github or principals or services):
        found.append(("", "needs github_repositories, trusted_principals or trusted_services: nobody could assume it"))
    return found


def github_subject(entry: str) -> str:
    """The OIDC `sub` a GitHub entry trusts: every ref of the repository, or the exact one given."""
    repo, _, rest = entry.partition(":")
    return f"repo:{repo}:{rest or '*'}"


def check_scanning(kind: str, continuous: bool, filters: list[str]) -> Found:
    found: Found = []
    if kind == "BASIC" and continuous:
        found.append(("continuous", "true is not allowed with type 'BASIC': basic scanning supports SCAN_ON_PUSH only (use type 'ENHANCED')"))
    if not filters or len(filters) > MAX_SCAN_FILTERS:
        found.append(("repository_filters", f"has {len(filters)} filters; ECR allows 1 to {MAX_SCAN_FILTERS}"))
    return found + _each("repository_filters", filters, SCAN_FILTER, "a repository filter (lowercase name characters and * wildcards)")


def _each(key: str, values: list[str], pattern: re.Pattern[str], what: str) -> Found:
    found: Found = [(f"{key}[{i}]", f"{show(v)} is not {what}") for i, v in enumerate(values) if not pattern.fullmatch(v)]
    if len(set(values)) != len(values):
        found.append((key, "has duplicates"))
    return found
