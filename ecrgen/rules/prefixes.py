"""One pull through cache rule, and one repository creation template, per repository name prefix.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
(PullThroughCacheRuleAlreadyExistsException) and
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
(TemplateAlreadyExistsException); ECR treats 'a' and 'a/' as the same prefix.
"""

from __future__ import annotations

from ecrgen.errors import show
from ecrgen.rules import Found


def check_one_per_prefix(key: str, prefixes: list[str], what: str) -> Found:
    """Each prefix of the `registry.<key>` list that an earlier entry has already, as `[index].prefix`;
    `what` names an entry (e.g. 'pull through cache rule')."""
    found: Found = []
    first: dict[str, int] = {}
    for i, prefix in enumerate(prefixes):
        normal = prefix.rstrip("/")
        if normal in first:
            found.append(
                (
                    f"[{i}].prefix",
                    f"{show(prefix)} is already the prefix of registry.{key}[{first[normal]}]; "
                    f"ECR allows one {what} per prefix",
                )
            )
        first.setdefault(normal, i)
    return found
