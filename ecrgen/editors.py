"""The account file's JSON Schema, for editors (Even Better TOML / taplo) and other tools.

Generated at run time from the pydantic models in `ecrgen.config.schema`, so it never falls behind them.
It checks keys and types only; the AWS rules (names, lifecycle rules, policies) stay with
`ecrgen validate`.
"""

from __future__ import annotations

from typing import Any

from ecrgen import __version__
from ecrgen.config.descriptions import DESCRIPTIONS
from ecrgen.config.schema import AccountFile
from ecrgen.rules.creation_templates import APPLIED_FOR
from ecrgen.rules.pull_through_cache import UPSTREAMS


def account_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `accounts/<ACCOUNT>.toml`."""
    schema = AccountFile.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        _allow_switches(definition)
        _vocabularies(definition)
    _describe("", schema)
    for name, definition in schema.get("$defs", {}).items():
        _describe(TABLES_OF.get(name, ""), definition)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ecrgen account file (accounts/<ACCOUNT>.toml)",
        "description": f"Keys and types of an ecrgen {__version__} account file; "
        "`ecrgen validate` checks the AWS rules.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _allow_switches(definition: dict[str, Any]) -> None:
    """`lifecycle = false` is accepted as short for `[... .lifecycle] enabled = false`
    (`ecrgen.config.schema.lifecycle_switch`), so a table there may also be a boolean."""
    field = definition.get("properties", {}).get("lifecycle")
    if field is not None and "anyOf" in field and {"type": "boolean"} not in field["anyOf"]:
        field["anyOf"].insert(0, {"type": "boolean"})


# Fixed vocabularies that `ecrgen validate` checks with its own messages (the models keep them strings):
# the editor schema lists them as enums too.
VOCABULARIES = {"upstream": tuple(UPSTREAMS), "applied_for": APPLIED_FOR}


def _vocabularies(definition: dict[str, Any]) -> None:
    """`upstream` and `applied_for`'s items as enums of the values `ecrgen validate` accepts."""
    for key, values in VOCABULARIES.items():
        field = definition.get("properties", {}).get(key)
        if field is None:
            continue
        target = field.get("items", field)
        target["enum"] = list(values)


# Which reference table each model's keys are described under (a creation template's shared keys fall
# back to the repository's rows).
TABLES_OF = {
    "AccountTable": "account",
    "BackendTable": "backend",
    "RepositoryTable": "repository",
    "RepositorySettings": "repository",
    "CreationTemplateTable": "registry.creation_template",
    "LifecycleTable": "repository.lifecycle",
    "RoleTable": "role",
    "AlertsTable": "alerts",
    "ScanningTable": "scanning",
    "ScanningRuleTable": "scanning.rule",
    "RegistryTable": "registry",
    "ReplicationRuleTable": "registry.replication",
    "DestinationTable": "registry.replication.destinations",
    "PullThroughCacheTable": "registry.pull_through_cache",
}
# The tables themselves (the reference describes their keys).
TABLE_WORDS = {
    ("", "account"): "the AWS account and region this file manages, and the names it uses",
    ("", "backend"): "where Terraform keeps this stack's state",
    (
        "",
        "repository",
    ): "one ECR repository each (`aws_ecr_repository`, its lifecycle and repository policies)",
    ("", "role"): "an IAM role that may push to or pull from this account's repositories",
    ("", "alerts"): "the scan-findings alert: an EventBridge rule delivering findings to an SQS queue",
    ("", "scanning"): "the registry scanning configuration (`aws_ecr_registry_scanning_configuration`)",
    ("", "registry"): "the registry's own settings: replication, pull through cache, registry policy, "
    "creation templates, account settings, pull-time update exclusions",
    ("registry", "replication"): "replication rules (`aws_ecr_replication_configuration.this`), at most 10",
    (
        "registry",
        "pull_through_cache",
    ): "pull through cache rules (`aws_ecr_pull_through_cache_rule`), one per prefix",
    (
        "registry",
        "creation_template",
    ): "repository creation templates (`aws_ecr_repository_creation_template`), one per prefix",
    (
        "scanning",
        "rule",
    ): "scanning rules, one `rule` block each, instead of `continuous` and `repository_filters`",
}


def _describe(table: str, definition: dict[str, Any]) -> None:
    """Each property's description (the words of the reference, docs/accounts.md) and its real default
    where it is fixed; a default that depends on other keys (production, the account) is left out (the
    words give it)."""
    for key, field in definition.get("properties", {}).items():
        words, default = (
            DESCRIPTIONS.get((table, key)) or DESCRIPTIONS.get(("repository", key)) or (None, None)
        )
        words = words or TABLE_WORDS.get((table, key))
        if words:
            field["description"] = words
        if default is not None:
            field["default"] = default
        elif field.get("default", 0) is None:
            del field["default"]  # null means "not given", not a value
