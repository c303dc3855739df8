"""Every Terraform address ecrgen emits, in one table: the constructs pin and reference through it, and
the pure modules (moves, ownership, guard, checkov_gate) read and write addresses through it.

Addresses are a contract: they decide whether a repository and its images survive the next apply. A
resource's address is `<type>.<name>` (a data source's `data.<type>.<name>`); the name part derives
from config keys, never from positions. Pure: no CDKTF import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecrgen.config.model import Alerts, Repository


@dataclass(frozen=True)
class Kind:
    """A Terraform resource type (`aws_ecr_repository`), or a data source's (`data.aws_sqs_queue`)."""

    type: str
    data: bool = False

    def __str__(self) -> str:
        return f"data.{self.type}" if self.data else self.type

    def __call__(self, name: str) -> Address:
        """The address of the block of this kind named `name`."""
        return Address(self, name)


@dataclass(frozen=True)
class Address:
    """One block's address: `str()` is `kind.name`; `ref(attribute)` is the reference to an attribute."""

    kind: Kind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}"

    def ref(self, attribute: str) -> str:
        """`${kind.name.attribute}`, written out: CDKTF resolves an attribute token to exactly this
        string; writing it directly saves a jsii round trip per reference (they dominate synthesis)."""
        return "${" + f"{self}.{attribute}" + "}"


# Resource types.
REPOSITORY_TYPE = Kind("aws_ecr_repository")
LIFECYCLE_POLICY_TYPE = Kind("aws_ecr_lifecycle_policy")
REPOSITORY_POLICY_TYPE = Kind("aws_ecr_repository_policy")
ROLE_TYPE = Kind("aws_iam_role")
ROLE_POLICY_TYPE = Kind("aws_iam_role_policy")
ROLE_POLICIES_EXCLUSIVE_TYPE = Kind("aws_iam_role_policies_exclusive")
ROLE_ATTACHMENTS_EXCLUSIVE_TYPE = Kind("aws_iam_role_policy_attachments_exclusive")
EVENT_RULE_TYPE = Kind("aws_cloudwatch_event_rule")
EVENT_TARGET_TYPE = Kind("aws_cloudwatch_event_target")
QUEUE_TYPE = Kind("aws_sqs_queue")
QUEUE_POLICY_TYPE = Kind("aws_sqs_queue_policy")
LOG_GROUP_TYPE = Kind("aws_cloudwatch_log_group")
LOG_RESOURCE_POLICY_TYPE = Kind("aws_cloudwatch_log_resource_policy")
SCANNING_TYPE = Kind("aws_ecr_registry_scanning_configuration")
REPLICATION_TYPE = Kind("aws_ecr_replication_configuration")
REGISTRY_POLICY_TYPE = Kind("aws_ecr_registry_policy")
PULL_THROUGH_CACHE_TYPE = Kind("aws_ecr_pull_through_cache_rule")
CREATION_TEMPLATE_TYPE = Kind("aws_ecr_repository_creation_template")
ACCOUNT_SETTING_TYPE = Kind("aws_ecr_account_setting")
PULL_TIME_UPDATE_EXCLUSION_TYPE = Kind("aws_ecr_pull_time_update_exclusion")
# Data sources: what other hands made, looked up at plan time.
CALLER_IDENTITY_TYPE = Kind("aws_caller_identity", data=True)
PARTITION_TYPE = Kind("aws_partition", data=True)
REGION_TYPE = Kind("aws_region", data=True)
KMS_ALIAS_TYPE = Kind("aws_kms_alias", data=True)
QUEUE_DATA_TYPE = Kind("aws_sqs_queue", data=True)
OIDC_PROVIDER_TYPE = Kind("aws_iam_openid_connect_provider", data=True)
SECRET_TYPE = Kind("aws_secretsmanager_secret", data=True)

# The kinds a repository's name addresses, in this order (`removed` blocks list them all).
REPOSITORY_KINDS = (REPOSITORY_TYPE, LIFECYCLE_POLICY_TYPE, REPOSITORY_POLICY_TYPE)

# One of each per account.
CALLER = CALLER_IDENTITY_TYPE("current")
PARTITION = PARTITION_TYPE("current")
REGION = REGION_TYPE("current")
GITHUB_OIDC_PROVIDER = OIDC_PROVIDER_TYPE("github")
ROLE = ROLE_TYPE("ecr")
ROLE_POLICY = ROLE_POLICY_TYPE("ecr")
ROLE_POLICIES_EXCLUSIVE = ROLE_POLICIES_EXCLUSIVE_TYPE("ecr")
ROLE_ATTACHMENTS_EXCLUSIVE = ROLE_ATTACHMENTS_EXCLUSIVE_TYPE("ecr")
ALERT_RULE = EVENT_RULE_TYPE("scan_findings")
ALERT_QUEUE_TARGET = EVENT_TARGET_TYPE("scan_findings_sqs")
ALERT_LOGS_TARGET = EVENT_TARGET_TYPE("scan_findings_logs")
ALERT_QUEUE_POLICY = QUEUE_POLICY_TYPE("alerts")
ALERT_LOG_GROUP = LOG_GROUP_TYPE("scan_findings")
ALERT_LOG_POLICY = LOG_RESOURCE_POLICY_TYPE("scan_findings")
SCANNING = SCANNING_TYPE("this")
REPLICATION = REPLICATION_TYPE("this")
REGISTRY_POLICY = REGISTRY_POLICY_TYPE("this")


def repository(name: str) -> Address:
    """`aws_ecr_repository.<name>`: a repository, by its address part (`Repository.address`)."""
    return REPOSITORY_TYPE(name)


def lifecycle_policy(name: str) -> Address:
    """`aws_ecr_lifecycle_policy.<name>`: a repository's lifecycle policy, addressed like the repository."""
    return LIFECYCLE_POLICY_TYPE(name)


def repository_policy(name: str) -> Address:
    """`aws_ecr_repository_policy.<name>`: a repository's policy, addressed like the repository."""
    return REPOSITORY_POLICY_TYPE(name)


def repository_blocks(repo: Repository, name: str | None = None) -> list[Address]:
    """The addresses of what a repository emits (itself, its lifecycle policy and its repository policy
    when it has them), under `name` (default: its current address part)."""
    name = repo.address if name is None else name
    blocks = [repository(name)]
    blocks += [lifecycle_policy(name)] if repo.lifecycle_policy is not None else []
    blocks += [repository_policy(name)] if repo.policy_text is not None else []
    return blocks


def alert_queue(alerts: Alerts) -> Address:
    """The alert queue: created (`aws_sqs_queue.alerts`), or looked up (`data.aws_sqs_queue.alerts`)
    when `create_queue` is off. The one place that decides which."""
    return (QUEUE_TYPE if alerts.create_queue else QUEUE_DATA_TYPE)("alerts")


def kms_alias(name: str) -> Address:
    """`data.aws_kms_alias.<name>`: a KMS alias looked up for its key ARN."""
    return KMS_ALIAS_TYPE(name)


def secret(name: str) -> Address:
    """`data.aws_secretsmanager_secret.<name>`: a pull through cache rule's credentials, looked up."""
    return SECRET_TYPE(name)


def pull_through_cache_rule(name: str) -> Address:
    """`aws_ecr_pull_through_cache_rule.<name>`, by the rule's address part (from its prefix)."""
    return PULL_THROUGH_CACHE_TYPE(name)


def creation_template(name: str) -> Address:
    """`aws_ecr_repository_creation_template.<name>`, by the template's address part (from its prefix)."""
    return CREATION_TEMPLATE_TYPE(name)


def account_setting(name: str) -> Address:
    """`aws_ecr_account_setting.<name>`, by the setting's name in lowercase (`registry_policy_scope`)."""
    return ACCOUNT_SETTING_TYPE(name.lower())


def pull_time_update_exclusion(name: str) -> Address:
    """`aws_ecr_pull_time_update_exclusion.<name>`, by the principal's address part (from its ARN)."""
    return PULL_TIME_UPDATE_EXCLUSION_TYPE(name)
