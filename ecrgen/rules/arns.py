"""ARNs and the ids policies name: partitions, IAM principals and roles, organizations, KMS keys.

- Partitions: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
  (an ARN starts with arn:PARTITION:; an account reaches nothing in another partition)
- ECR assumes only roles of the registry's own account (custom_role_arn of pull through cache rules and
  creation templates): https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  and https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

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


def matches(value: str, pattern: re.Pattern[str], what: str) -> Found:
    """A value that must match a pattern, reported with the form that is allowed."""
    return [] if pattern.fullmatch(value) else [("", f"{show(value)} is not {what}")]


def region_of(arn: object) -> str:
    """The region an ARN names (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), or "" when it names none
    or is not an ARN: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    parts = str(arn or "").split(":", 5)
    return parts[3] if len(parts) == 6 and parts[0] == "arn" else ""


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
            f"{show(arn)} is in another partition than region {region!r} "
            f"(ARNs there start with 'arn:{expected}:')",
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
                f"{show(arn)} is an assumed-role session ARN, not a durable principal; "
                f"name the role: 'arn:{part}:iam::{account}:role/{role}'",
            )
        ]
    if arn == "*":  # the whole principal, which IAM accepts, but everybody: not what these lists grant
        return [
            (
                "",
                "'*' is everybody, which this list may not name: "
                f"name each principal, as {PRINCIPAL_ARN_RULE}",
            )
        ]
    if "*" in arn:
        return [
            (
                "",
                f"{show(arn)} has a wildcard: IAM accepts '*' only as the whole principal, "
                "never inside an ARN; name the principal exactly",
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
                f"{show(value)} is an alias ARN, which data.aws_kms_alias cannot look up; "
                f"write {alias_arn.group(2)!r} "
                "(an alias of this account and region) or the key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
            )
        ]
    key = KMS_KEY_ARN.fullmatch(value)
    if key:
        if key.group(2) != region:
            return [
                (
                    "",
                    f"{show(value)} is a key in region {key.group(2)!r}; "
                    f"ECR needs a KMS key in the repository's region {region!r}",
                )
            ]
        return same_partition(value, region)
    if KMS_ALIAS.fullmatch(value):
        if value.startswith("alias/aws/") and value != ECR_MANAGED_ALIAS:
            return [
                (
                    "",
                    f"{show(value)} is an AWS managed key of another service, which ECR cannot use; "
                    f"use {ECR_MANAGED_ALIAS!r} or a key of your own",
                )
            ]
        return []
    return [
        ("", f"{show(value)} is not a KMS key ARN or alias (arn:aws:kms:REGION:ACCOUNT:key/ID, alias/NAME)")
    ]


def role_of_account(arn: str, account_id: str, region: str) -> Found:
    """A role ARN of this account and partition (ECR assumes roles of the registry's own account only)."""
    if not ROLE_ARN.fullmatch(arn):
        return [("", f"{show(arn)} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)")]
    if arn.split(":")[1] != partition(region):
        return [
            (
                "",
                f"{show(arn)} is in another partition than region {region!r} "
                f"(ARNs there start with 'arn:{partition(region)}:')",
            )
        ]
    if arn.split(":")[4] != account_id:
        return [
            (
                "",
                f"{show(arn)} is a role of account {arn.split(':')[4]}; "
                f"ECR assumes a role of the registry's own account {account_id}",
            )
        ]
    return []
