"""Repository names, account ids, ARNs and the Terraform addresses derived from repository names."""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
# repositoryName: length 2-256, pattern (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_NAME_RULE = "2-256 chars: lowercase letters, digits, and . _ - / separators"

ACCOUNT_ID = re.compile(r"\d{12}")
# https://docs.aws.amazon.com/general/latest/gr/rande.html (region codes such as us-east-1, us-gov-west-1)
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
PRINCIPAL_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:(iam|sts)::\d{12}:(root|user/\S+|role/\S+|assumed-role/\S+)")
PRINCIPAL_ARN_RULE = "an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)"
ROLE_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:iam::\d{12}:role/\S+")
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html (Id pattern)
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
KMS_KEY_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
KMS_ALIAS = re.compile(r"(arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:)?alias/[A-Za-z0-9/_-]+")

_ADDRESS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def repository_name(name: str) -> Found:
    """ECR's repository-name rule (length and pattern)."""
    if 2 <= len(name) <= 256 and REPOSITORY_NAME.fullmatch(name):
        return []
    return [("", f"{show(name)} is not a valid ECR repository name ({REPOSITORY_NAME_RULE})")]


def account_id(value: str) -> Found:
    """An AWS account id is exactly 12 digits."""
    return [] if ACCOUNT_ID.fullmatch(value) else [("", f"{show(value)} is not an AWS account id (12 digits)")]


def matches(value: str, pattern: re.Pattern[str], what: str) -> Found:
    """A value that must match a pattern, reported with the form that is allowed."""
    return [] if pattern.fullmatch(value) else [("", f"{show(value)} is not {what}")]


def partition(region: str) -> str:
    """https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html"""
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def same_partition(arn: str, region: str) -> Found:
    """An ARN of another partition than the account's region names nothing the account can reach."""
    expected = partition(region)
    if arn.split(":")[1:2] == [expected]:
        return []
    return [("", f"{show(arn)} is in another partition than region {region!r} (ARNs there start with 'arn:{expected}:')")]


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
