"""The account file's shape as pydantic models: keys, types and allowed literals, nothing else.

Strict (TOML already has types) and closed (an unknown key is an error: typos must not be ignored).
Cross-field rules and AWS rules live in `ecrgen.config` and `ecrgen.rules`; every default value is in
`ecrgen.config.defaults`, which the fields below read.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ecrgen.config import defaults


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AccountTable(_Table):
    id: str
    region: str
    environment: str
    production: bool | None = None
    project: str
    name_format: str = defaults.NAME_FORMAT
    assume_role_arn: str | None = None
    terraform_version: str = defaults.TERRAFORM_VERSION
    retired: list[str] = []
    allow_destroy: list[str] = []


class BackendTable(_Table):
    type: Literal["local", "s3"] = defaults.BACKEND_TYPE
    path: str | None = None
    bucket: str | None = None
    key: str | None = None
    region: str | None = None
    use_lockfile: bool | None = None
    dynamodb_table: str | None = None
    encrypt: bool | None = None


class LifecycleTable(_Table):
    enabled: bool = defaults.LIFECYCLE_ENABLED
    max_image_count: int | None = None
    untagged_image_days: int | None = None
    protected_tags: list[str] | None = None
    rules: list[dict[str, Any]] | None = None  # each rule a table (AWS's lifecycle rule)


class SharedSettings(_Table):
    """The repository settings that a [[repository]] (and [defaults]) and a [[registry.creation_template]]
    share, declared once; `ecrgen.config.settings` resolves them into `ecrgen.config.model.SharedSettings`."""

    image_tag_mutability: (
        Literal["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"] | None
    ) = None
    mutable_tags: list[str] | None = None
    immutable_tags: list[str] | None = None
    encryption: Literal["AES256", "KMS", "KMS_DSSE"] | None = None
    kms_key: str | None = None
    policy: str | None = None
    pull_account_ids: list[str] | None = None
    push_principals: list[str] | None = None
    org_id: str | None = None
    lambda_pull: bool | None = None
    lifecycle: LifecycleTable | None = None
    adopt: bool | None = None


class RepositorySettings(SharedSettings):
    """Every repository key but `name`: the shape of `[defaults]`."""

    # A repository's own settings: a creation template has no scan on push (ECR's registry scanning
    # settings apply), and force_delete and prevent_destroy belong to a Terraform resource.
    scan_on_push: bool | None = None
    force_delete: bool | None = None
    prevent_destroy: bool | None = None
    tags: dict[str, str] | None = None  # the repository's own tags (a template has resource_tags)
    # Messages name these keys after the given ones, where they always stood
    # (`ecrgen.config.shape_errors.listed`).
    LISTED_AFTER: ClassVar = {
        "scan_on_push": "immutable_tags",
        "force_delete": "kms_key",
        "prevent_destroy": "force_delete",
        "tags": "prevent_destroy",
    }


class RepositoryTable(RepositorySettings):
    name: str


class RoleTable(_Table):
    name: str
    access: Literal["push", "pull"] = defaults.ROLE_ACCESS
    github_repositories: list[str] = []
    trusted_principals: list[str] = []
    trusted_services: list[str] = []
    adopt: bool = defaults.ROLE_ADOPT


class AlertsTable(_Table):
    sqs_queue_name: str
    create_queue: bool = defaults.CREATE_QUEUE
    severities: list[str] = defaults.SEVERITIES
    cloudwatch_log_group: str | None = None
    rule_name: str | None = None
    target_id: str = defaults.TARGET_ID
    adopt: bool = defaults.ALERTS_ADOPT


class ScanningRuleTable(_Table):
    frequency: Literal["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]
    filters: list[str] = defaults.REPOSITORY_FILTERS


class ScanningTable(_Table):
    type: Literal["BASIC", "ENHANCED"] = defaults.SCANNING_TYPE
    continuous: bool = defaults.CONTINUOUS
    repository_filters: list[str] = defaults.REPOSITORY_FILTERS
    rule: list[ScanningRuleTable] = []


class DestinationTable(_Table):
    region: str
    account_id: str | None = None


class ReplicationRuleTable(_Table):
    destinations: list[DestinationTable]
    prefixes: list[str] = []


class PullThroughCacheTable(_Table):
    prefix: str
    upstream: str
    registry_url: str | None = None
    secret: str | None = None
    custom_role_arn: str | None = None
    upstream_prefix: str | None = None
    adopt: bool = defaults.ADOPT


class _TemplateKeys(_Table):
    prefix: str
    applied_for: list[str]
    description: str | None = None
    custom_role_arn: str | None = None
    resource_tags: dict[str, str] = {}


# pydantic orders fields from the last base up: a template's own keys, then the shared settings.
class CreationTemplateTable(SharedSettings, _TemplateKeys):
    """A repository creation template: the repository keys that a template can carry, and its own."""

    adopt: bool = defaults.ADOPT


class RegistryTable(_Table):
    policy: str | None = None
    replication_source_account_ids: list[str] = []
    pull_through_principals: list[str] = []
    policy_scope: Literal["V1", "V2"] | None = None
    blob_mounting: bool | None = None
    pull_time_update_exclusions: list[str] = []
    replication: list[ReplicationRuleTable] = []
    pull_through_cache: list[PullThroughCacheTable] = []
    creation_template: list[CreationTemplateTable] = []


class AccountFile(_Table):
    account: AccountTable
    tags: dict[str, str] = {}
    backend: BackendTable = BackendTable()
    defaults: RepositorySettings = RepositorySettings()
    repository: list[RepositoryTable] = []
    role: RoleTable | None = None
    alerts: AlertsTable | None = None
    scanning: ScanningTable | None = None
    registry: RegistryTable | None = None


def lifecycle_switch(raw: dict) -> dict:
    """`lifecycle = false` (or true) is short for `[... .lifecycle] enabled = false`."""
    if isinstance(raw.get("lifecycle"), bool):
        return {**raw, "lifecycle": {"enabled": raw["lifecycle"]}}
    return raw
