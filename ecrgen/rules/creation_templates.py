"""Repository creation templates (their repository settings are checked as a repository's are).

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
  (prefix 1-256 chars, the repository name prefix pattern or ROOT; appliedFor REPLICATION |
  PULL_THROUGH_CACHE | CREATE_ON_PUSH; description at most 256 chars; customRoleArn a role of this account)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html (a template
  that sets KMS encryption or resource tags needs a custom role ECR assumes to use the key and tag)
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working.html and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html: a pull through
  cache repository is kept in sync with its upstream only while its tags are mutable (an immutable tag
  cannot move to the upstream's new image), so AWS suggests MUTABLE for pull through cache templates
"""

from __future__ import annotations

from typing import Protocol

from ecrgen.errors import duplicates, show
from ecrgen.rules import Found
from ecrgen.rules.arns import role_of_account
from ecrgen.rules.names import PREFIX, ROOT

APPLIED_FOR = ("PULL_THROUGH_CACHE", "REPLICATION", "CREATE_ON_PUSH")
MAX_DESCRIPTION = 256


class TemplateKeys(Protocol):
    """The keys of one `[[registry.creation_template]]` that its own rules read."""

    prefix: str
    applied_for: list[str]
    description: str | None
    custom_role_arn: str | None
    resource_tags: dict[str, str]


def check_creation_template(template: TemplateKeys, kms: bool, account_id: str, region: str) -> Found:
    """One repository creation template (its repository settings are checked as a repository's are)."""
    prefix, applied_for, description = template.prefix, template.applied_for, template.description
    role, tags = template.custom_role_arn, bool(template.resource_tags)
    found: Found = []
    if prefix != ROOT and not (1 <= len(prefix) <= 256 and PREFIX.fullmatch(prefix)):
        found.append(
            (
                "prefix",
                f"{show(prefix)} is not a repository name prefix (1-256 chars: lowercase letters, digits, "
                "and . _ - / separators, optionally ending in '/'; "
                "or 'ROOT' for every repository without a template)",
            )
        )
    if not applied_for:
        found.append(
            ("applied_for", f"is empty; name what the template applies to ({', '.join(APPLIED_FOR)})")
        )
    found += [
        (f"applied_for[{i}]", f"{show(v)} is not allowed (allowed: {', '.join(APPLIED_FOR)})")
        for i, v in enumerate(applied_for)
        if v not in APPLIED_FOR
    ]
    if repeated := duplicates(applied_for):
        found.append(("applied_for", repeated))
    if description is not None and len(description) > MAX_DESCRIPTION:
        found.append(
            ("description", f"is {len(description)} characters; ECR allows at most {MAX_DESCRIPTION}")
        )
    if role is not None:
        found += [("custom_role_arn", message) for _, message in role_of_account(role, account_id, region)]
    elif kms or tags:
        what = " and ".join(w for w, used in (("KMS encryption", kms), ("resource_tags", tags)) if used)
        found.append(
            (
                "custom_role_arn",
                f"is required with {what}: ECR creates the repositories through a role of this account "
                "that may use the key and tag them",
            )
        )
    return found


MUTABILITY_KEYS = ("image_tag_mutability", "mutable_tags", "immutable_tags")


def pull_through_mutability(applied_for: list[str], written: list[str], production: bool) -> Found:
    """A warning for a production template for PULL_THROUGH_CACHE that stays IMMUTABLE by default (no
    mutability key `written`): its cached images stop following the upstream's tags."""
    if not production or "PULL_THROUGH_CACHE" not in applied_for or written:
        return []
    return [
        (
            "image_tag_mutability",
            "is IMMUTABLE (the production default) for repositories the pull through cache creates: "
            "cached images stay in sync with the upstream only while their tags are mutable; "
            "set image_tag_mutability (e.g. MUTABLE, or MUTABLE_WITH_EXCLUSION with immutable_tags) "
            "to choose, which silences this warning",
        )
    ]
