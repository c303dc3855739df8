"""The resolved, frozen account model: defaults applied, every value checked. Of the account file,
constructs read only this (their addresses come from `ecrgen.addresses`, rendered policies from
`ecrgen.policies`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrgen.config import defaults
from ecrgen.errors import Problem
from ecrgen.rules.arns import partition

if TYPE_CHECKING:  # read, not imported
    from ecrgen.config.schema import ScanningTable


@dataclass(frozen=True, kw_only=True)
class SharedSettings:
    """The settings a repository and a repository creation template share, resolved
    (`ecrgen.config.settings`); constructs (`ecrgen.ecr.settings`) and policy templates read them alike."""

    image_tag_mutability: str
    mutable_tags: tuple[str, ...]  # the tags that stay mutable (IMMUTABLE_WITH_EXCLUSION)
    encryption: str
    kms_key: str | None
    policy: str | None  # template name, or None for no repository policy
    pull_account_ids: tuple[str, ...]
    push_principals: tuple[str, ...]
    org_id: str | None
    lambda_pull: bool
    lifecycle_policy: str | None  # the policy JSON text, or None when turned off
    adopt: bool = False  # it exists already: an `import` block takes it over
    immutable_tags: tuple[str, ...] = ()  # the tags that stay immutable (MUTABLE_WITH_EXCLUSION)
    # The rendered repository policy (compact JSON); None: no policy. Filled in by ecrgen.policies.
    policy_text: str | None = None

    @property
    def exclusion_filters(self) -> tuple[str, ...]:
        """The tags that are the exception to the mutability setting (*_WITH_EXCLUSION)."""
        return self.mutable_tags or self.immutable_tags


@dataclass(frozen=True, kw_only=True)
class Repository(SharedSettings):
    name: str  # the key in the account file; outputs are keyed by it
    ecr_name: str  # the ECR repository name (name_format applied)
    address: str  # the Terraform address part, derived from `name` only
    scan_on_push: bool
    force_delete: bool
    prevent_destroy: bool
    # `policy` was written in [defaults] (where an unknown name is reported)
    policy_from_defaults: bool = False
    tags: tuple[tuple[str, str], ...] = ()  # the repository's own tags, beside the provider's default_tags


@dataclass(frozen=True)
class Backend:
    type: str = defaults.BACKEND_TYPE
    path: str = defaults.BACKEND_PATH
    bucket: str | None = None
    key: str | None = None
    region: str | None = None
    use_lockfile: bool = defaults.S3_USE_LOCKFILE
    dynamodb_table: str | None = None
    encrypt: bool = defaults.S3_ENCRYPT


@dataclass(frozen=True)
class Role:
    name: str
    access: str
    github_repositories: tuple[str, ...]
    trusted_principals: tuple[str, ...]
    trusted_services: tuple[str, ...]
    # Set when listing every repository ARN would pass IAM's inline policy limit: the policy then
    # grants on `repository/<prefix>*`, the literal part of name_format before {name}.
    repository_prefix: str | None = None
    adopt: bool = False  # the role exists already: an `import` block takes it over


@dataclass(frozen=True)
class Alerts:
    sqs_queue_name: str
    create_queue: bool
    severities: tuple[str, ...]
    cloudwatch_log_group: str | None
    rule_name: str  # the EventBridge rule's name (default derived from the account's name)
    target_id: str = defaults.TARGET_ID  # the id of the rule's SQS target
    adopt: bool = defaults.ALERTS_ADOPT  # the rule and its SQS target exist: `import` blocks take them over

    @property
    def fifo(self) -> bool:
        """The queue is a FIFO queue (its name ends in `.fifo`)."""
        return self.sqs_queue_name.endswith(".fifo")


@dataclass(frozen=True)
class Scanning:
    type: str
    continuous: bool
    repository_filters: tuple[str, ...]
    # [[scanning.rule]]: (frequency, filters) each; none: one rule from continuous and repository_filters
    rules: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def scanning_rules(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(scan frequency, repository filters) of each rule the configuration emits."""
        frequency = "CONTINUOUS_SCAN" if self.continuous else "SCAN_ON_PUSH"
        return self.rules or ((frequency, self.repository_filters),)


def enhanced(scanning: Scanning | ScanningTable | None) -> bool:
    """The registry scans with Amazon Inspector (ENHANCED), not ECR's basic scanning."""
    return scanning is not None and scanning.type == "ENHANCED"


@dataclass(frozen=True)
class ReplicationRule:
    destinations: tuple[tuple[str, str], ...]  # (region, registry id = account id)
    prefixes: tuple[str, ...]  # PREFIX_MATCH repository filters; none: every repository


@dataclass(frozen=True)
class PullThroughCacheRule:
    prefix: str  # the ECR repository prefix (or ROOT); the Terraform address derives from it
    address: str
    upstream: str  # AWS's upstreamRegistry name: docker-hub, ecr-public, ...
    registry_url: str
    secret: str | None  # Secrets Manager secret name (ecr-pullthroughcache/...), looked up by a data source
    custom_role_arn: str | None
    upstream_prefix: str | None
    adopt: bool = False  # the rule exists already: an `import` block takes it over


@dataclass(frozen=True, kw_only=True)
class CreationTemplate(SharedSettings):
    prefix: str  # a repository name prefix, or ROOT; the Terraform address derives from it
    address: str
    applied_for: tuple[str, ...]
    description: str | None
    custom_role_arn: str | None
    resource_tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Registry:
    policy: str | None  # registry policy template name, or None
    replication_source_account_ids: tuple[str, ...]
    pull_through_principals: tuple[str, ...]
    replication: tuple[ReplicationRule, ...]
    pull_through_cache: tuple[PullThroughCacheRule, ...]
    creation_templates: tuple[CreationTemplate, ...]
    # (name, value) of each aws_ecr_account_setting managed: REGISTRY_POLICY_SCOPE, BLOB_MOUNTING
    account_settings: tuple[tuple[str, str], ...] = ()
    pull_time_update_exclusions: tuple[str, ...] = ()  # IAM principal ARNs
    # The registry policy scope the policy is checked against (AWS's default V2 when not managed).
    policy_scope: str = "V2"
    # The rendered registry policy (compact JSON); None: no policy. Filled in by ecrgen.policies.
    policy_text: str | None = None


@dataclass(frozen=True)
class Account:
    name: str
    file: str  # the file as the user named it (relative), for messages
    id: str
    region: str
    environment: str
    production: bool  # from a known environment name, or [account] production
    project: str
    assume_role_arn: str | None
    terraform_version: str
    tags: tuple[tuple[str, str], ...]
    backend: Backend
    repositories: tuple[Repository, ...]
    role: Role | None = None
    alerts: Alerts | None = None
    scanning: Scanning | None = None
    registry: Registry | None = None
    warnings: tuple[Problem, ...] = ()  # printed by validate and synth; they never fail them
    retired: tuple[str, ...] = ()  # repository names Terraform forgets (`removed` blocks); AWS keeps them
    allow_destroy: tuple[str, ...] = ()  # production repositories Terraform may delete, once not in the file
    allow_destroy_ecr: tuple[str, ...] = ()  # the ECR name (name_format applied) of each allow_destroy entry

    @property
    def partition(self) -> str:
        """The ARN partition of the account's region (aws, aws-cn, aws-us-gov)."""
        return partition(self.region)

    @property
    def enhanced_scanning(self) -> bool:
        """The registry scans with Amazon Inspector (scanning type ENHANCED)."""
        return enhanced(self.scanning)

    def default_tags(self) -> dict[str, str]:
        """Provider default_tags: Project, Environment, ManagedBy, then the user's tags (which win)."""
        return {
            "Project": self.project,
            "Environment": self.environment,
            "ManagedBy": defaults.MANAGED_BY,
            **dict(self.tags),
        }
