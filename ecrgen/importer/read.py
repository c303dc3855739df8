"""Read what an AWS account's ECR holds into a snapshot (AWS's own answers, as `ecrgen.importer.translate`
reads them), through `ecrgen.aws`. Only reads: Describe, Get and List calls, and STS's caller identity.

A registry section whose API the endpoint does not implement (moto lacks some) is left out of the
snapshot with a warning naming it; any other error is the EcrgenError of `ecrgen.aws`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecrgen.aws import Aws, NotImplementedByEndpoint
from ecrgen.errors import Problem


def snapshot(aws: Aws, file: str) -> tuple[dict[str, Any], list[Problem]]:
    """The snapshot, and a warning (on `file`, the account file to be written) per section left out."""
    found: dict[str, Any] = {"account_id": aws.call("sts", "get_caller_identity")["Account"]}
    repositories = aws.pages("ecr", "describe_repositories", "repositories")
    found["repositories"] = [_repository(aws, repo) for repo in repositories]
    warnings = []
    for key, path, read in SECTIONS:
        try:
            found[key] = read(aws)
        except NotImplementedByEndpoint as missing:
            warnings.append(
                Problem(
                    file,
                    path,
                    f"left out: {missing.endpoint} does not implement {missing.api} ({missing.evidence}); "
                    "if the account has any, add them by hand",
                )
            )
    return found, warnings


def _scanning(aws: Aws) -> Any:
    return aws.call("ecr", "get_registry_scanning_configuration").get("scanningConfiguration")


def _replication(aws: Aws) -> Any:
    return aws.call("ecr", "describe_registry").get("replicationConfiguration")


def _registry_policy(aws: Aws) -> str | None:
    missing = ("RegistryPolicyNotFoundException",)
    return _text(aws.call("ecr", "get_registry_policy", missing=missing), "policyText")


def _pull_through_cache(aws: Aws) -> list:
    return aws.pages("ecr", "describe_pull_through_cache_rules", "pullThroughCacheRules")


def _creation_templates(aws: Aws) -> list:
    return aws.pages("ecr", "describe_repository_creation_templates", "repositoryCreationTemplates")


def _account_settings(aws: Aws) -> dict[str, str]:
    """The registry's account settings that ecrgen manages, by name: their values."""
    return {
        name: str(aws.call("ecr", "get_account_setting", name=name).get("value", ""))
        for name in ("REGISTRY_POLICY_SCOPE", "BLOB_MOUNTING")
    }


def _pull_time_update_exclusions(aws: Aws) -> list:
    """The principals excluded from pull-time updates (ListPullTimeUpdateExclusions, paged by hand:
    botocore has no paginator for it)."""
    found: list = []
    token: dict[str, Any] = {}
    while True:
        page = aws.call("ecr", "list_pull_time_update_exclusions", **token)
        found += page.get("pullTimeUpdateExclusions", [])
        if not page.get("nextToken"):
            return found
        token = {"nextToken": page["nextToken"]}


# (snapshot key, where it goes in the account file, how it is read)
SECTIONS: tuple[tuple[str, str, Callable[[Aws], Any]], ...] = (
    ("scanning", "scanning", _scanning),
    ("replication", "registry.replication", _replication),
    ("registry_policy", "registry.policy", _registry_policy),
    ("pull_through_cache", "registry.pull_through_cache", _pull_through_cache),
    ("creation_templates", "registry.creation_template", _creation_templates),
    ("account_settings", "registry.policy_scope", _account_settings),
    ("pull_time_update_exclusions", "registry.pull_time_update_exclusions", _pull_time_update_exclusions),
)


def _repository(aws: Aws, repo: dict[str, Any]) -> dict[str, Any]:
    """describe_repositories' answer, with the repository's tags and its two policies (None: none)."""
    name = repo["repositoryName"]
    tags = aws.call("ecr", "list_tags_for_resource", resourceArn=repo["repositoryArn"]).get("tags", [])
    lifecycle = aws.call(
        "ecr", "get_lifecycle_policy", missing=("LifecyclePolicyNotFoundException",), repositoryName=name
    )
    policy = aws.call(
        "ecr", "get_repository_policy", missing=("RepositoryPolicyNotFoundException",), repositoryName=name
    )
    return {
        **repo,
        "tags": tags,
        "lifecyclePolicyText": _text(lifecycle, "lifecyclePolicyText"),
        "policyText": _text(policy, "policyText"),
    }


def _text(answer: dict[str, Any] | None, key: str) -> str | None:
    """A policy's text from its Get answer; None when there is none."""
    return (answer or {}).get(key) or None
