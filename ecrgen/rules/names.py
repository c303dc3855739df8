"""Repository names, account ids, ARNs and the Terraform addresses derived from repository names."""

from __future__ import annotations

import re
import unicodedata

from ecrgen.errors import show
from ecrgen.rules import Found

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
# repositoryName: length 2-256, pattern (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_NAME_RULE = "2-256 chars: lowercase letters, digits, and . _ - / separators"

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
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html: an account
# root, a user or a role (path and name: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html);
# "*" is accepted only as the whole principal, never inside an ARN; an assumed-role session (sts) is no
# durable principal (it names one session, and a trust policy or resource policy should name the role).
_IAM_NAME = r"(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}"
PRINCIPAL_ARN = re.compile(rf"arn:aws(-cn|-us-gov)?:iam::\d{{12}}:(root|user/{_IAM_NAME}|role/{_IAM_NAME})")
PRINCIPAL_ARN_RULE = "an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)"
ROLE_ARN = re.compile(rf"arn:aws(-cn|-us-gov)?:iam::\d{{12}}:role/{_IAM_NAME}")
_SESSION_ARN = re.compile(r"arn:(aws(?:-cn|-us-gov)?):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/.*")
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html (Id pattern)
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id; ECR needs the key in the
# repository's region: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EncryptionConfiguration.html
KMS_KEY_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:kms:([a-z0-9-]+):\d{12}:key/[A-Za-z0-9-]+")
# https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (alias/ and 1-250 chars)
KMS_ALIAS = re.compile(r"alias/[A-Za-z0-9/_-]{1,250}")
KMS_ALIAS_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:(alias/[A-Za-z0-9/_-]+)")
# ECR's AWS managed key; it may not exist before first use, so ecrgen never looks it up by alias
# (KMS encryption without a key uses it: https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).
ECR_MANAGED_ALIAS = "alias/aws/ecr"
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
    return [
        (
            "",
            f"{show(arn)} is in another partition than region {region!r} (ARNs there start with 'arn:{expected}:')",
        )
    ]


def principal(arn: str, region: str) -> Found:
    """An IAM principal ARN of the account's partition, with the reason IAM would reject the others."""
    session = _SESSION_ARN.fullmatch(arn)
    if session:
        part, account, role = session.groups()
        return [
            (
                "",
                f"{show(arn)} is an assumed-role session ARN, not a durable principal; name the role: 'arn:{part}:iam::{account}:role/{role}'",
            )
        ]
    if "*" in arn:
        return [
            (
                "",
                f"{show(arn)} has a wildcard: IAM accepts '*' only as the whole principal, never inside an ARN; name the principal exactly",
            )
        ]
    return matches(arn, PRINCIPAL_ARN, PRINCIPAL_ARN_RULE) or same_partition(arn, region)


def kms_key(value: str, region: str) -> Found:
    """A key ARN of the account's region and partition, or an alias of this account (alias/NAME)."""
    alias_arn = KMS_ALIAS_ARN.fullmatch(value)
    if alias_arn:
        return [
            (
                "",
                f"{show(value)} is an alias ARN, which data.aws_kms_alias cannot look up; write {alias_arn.group(2)!r} "
                "(an alias of this account and region) or the key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
            )
        ]
    key = KMS_KEY_ARN.fullmatch(value)
    if key:
        if key.group(2) != region:
            return [
                (
                    "",
                    f"{show(value)} is a key in region {key.group(2)!r}; ECR needs a KMS key in the repository's region {region!r}",
                )
            ]
        return same_partition(value, region)
    if KMS_ALIAS.fullmatch(value):
        if value.startswith("alias/aws/") and value != ECR_MANAGED_ALIAS:
            return [
                (
                    "",
                    f"{show(value)} is an AWS managed key of another service, which ECR cannot use; use {ECR_MANAGED_ALIAS!r} or a key of your own",
                )
            ]
        return []
    return [
        ("", f"{show(value)} is not a KMS key ARN or alias (arn:aws:kms:REGION:ACCOUNT:key/ID, alias/NAME)")
    ]


def _tag_text(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in text)


def tag_key(key: str) -> Found:
    if 1 <= len(key) <= 128 and not key.lower().startswith("aws:") and _tag_text(key):
        return []
    return [("", f"{show(key)} is not a valid tag key (1-128 chars: {TAG_RULE}; not starting with 'aws:')")]


def tag_value(value: str) -> Found:
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
