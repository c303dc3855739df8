"""Repository names and prefixes, account ids, regions, tags, and the Terraform addresses derived from
repository names, and what `name_format` may bring into a repository name (the project and environment
it uses). ARNs, principals and KMS keys are `arns`'s.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html: a repository name
holds lowercase letters, digits, and . _ - / only (a name part with other characters can never give a
valid name).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ecrgen.errors import show
from ecrgen.rules import Found

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
# repositoryName: length 2-256, pattern (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_NAME_RULE = "2-256 chars: lowercase letters, digits, and . _ - / separators"
# The repository name prefix of a pull through cache rule or a creation template: the name pattern,
# optionally ending in '/'; or ROOT (a template for every repository without one; an ECR-to-ECR rule for
# the whole upstream registry). Lengths differ: the rule and the template check them.
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html,
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html and
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
PREFIX = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?")
ROOT = "ROOT"

# https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html (12 digits)
ACCOUNT_ID = re.compile(r"\d{12}")
# https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html: the commercial
# regions (2026), AWS GovCloud (US) and China. A region code outside this list fails only at plan
# ("Invalid AWS Region"), so it is checked here; a new region is one line.
REGIONS = frozenset(
    (
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-south-1",
        "eu-south-2",
        "eu-north-1",
        "il-central-1",
        "me-south-1",
        "me-central-1",
        "mx-central-1",
        "sa-east-1",
        "us-gov-east-1",
        "us-gov-west-1",
        "cn-north-1",
        "cn-northwest-1",
    )
)
REGION_RULE = (
    "not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)"
)
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html: keys 1-128, values 0-256 chars,
# both matching ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
TAG_RULE = "letters, digits, spaces and _ . : / = + - @"

_ADDRESS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def repository_name(name: str) -> Found:
    """ECR's repository-name rule (length and pattern)."""
    if 2 <= len(name) <= 256 and REPOSITORY_NAME.fullmatch(name):
        return []
    return [("", f"{show(name)} is not a valid ECR repository name ({REPOSITORY_NAME_RULE})")]


def account_id(value: str) -> Found:
    """An AWS account id is exactly 12 digits."""
    return (
        [] if ACCOUNT_ID.fullmatch(value) else [("", f"{show(value)} is not an AWS account id (12 digits)")]
    )


def region(value: str) -> Found:
    """A region code of the AWS regions list (commercial, GovCloud, China)."""
    return [] if value in REGIONS else [("", f"{show(value)} is {REGION_RULE}")]


def _tag_text(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in text)


def tag_key(key: str) -> Found:
    """A tag key: 1-128 chars of the tag characters, not starting with 'aws:'."""
    if 1 <= len(key) <= 128 and not key.lower().startswith("aws:") and _tag_text(key):
        return []
    return [("", f"{show(key)} is not a valid tag key (1-128 chars: {TAG_RULE}; not starting with 'aws:')")]


def tag_value(value: str) -> Found:
    """A tag value: 0-256 chars of the tag characters."""
    if len(value) <= 256 and _tag_text(value):
        return []
    return [("", f"{show(value)} is not a valid tag value (0-256 chars: {TAG_RULE})")]


def address(name: str) -> str:
    """The Terraform address part for a repository name: characters outside [A-Za-z0-9_-] become `_`,
    and a leading digit gets a leading `_` (Terraform identifiers must not start with a digit:
    https://developer.hashicorp.com/terraform/language/syntax/configuration#identifiers)."""
    safe = _ADDRESS_UNSAFE.sub("_", name)
    return "_" + safe if safe[:1].isdigit() or not safe else safe


def address_collisions(names: list[str]) -> dict[str, list[str]]:
    """Addresses that two or more distinct names map to, with those names in file order."""
    seen: dict[str, list[str]] = {}
    for name in names:
        seen.setdefault(address(name), [])
        if name not in seen[address(name)]:
            seen[address(name)].append(name)
    return {addr: group for addr, group in seen.items() if len(group) > 1}


def address_clashes(names: list[str], where: Callable[[str], str], fix: str) -> list[tuple[str, str]]:
    """(name, message) for each name that maps to the Terraform address of an earlier one: the message
    says where the earlier one is (`where(earlier)`) and what to do (`fix`)."""
    return [
        (
            other,
            f"{show(other)} maps to the Terraform address {addr!r} like {show(group[0])} "
            f"({where(group[0])}); {fix}",
        )
        for addr, group in address_collisions(names).items()
        for other in group[1:]
    ]


NAME_CHARACTERS = re.compile(r"[a-z0-9._/-]*")


def check_name_part(value: str) -> Found:
    """A value that name_format puts into every repository name."""
    if NAME_CHARACTERS.fullmatch(value):
        return []
    return [
        (
            "",
            f"{show(value)} is used in name_format but cannot be part of an ECR "
            f"repository name (lowercase letters, digits, and . _ - / only)",
        )
    ]
