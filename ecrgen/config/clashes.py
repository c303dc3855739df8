"""Clashes between account files: two files for the same AWS account (and region) that would create the
same thing. Each file is valid alone; the second apply fails, or the two stacks overwrite each other.

- ECR repository names are unique per registry (account and region): RepositoryAlreadyExistsException,
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
- One registry scanning configuration per registry:
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
- IAM role names are unique per account (IAM is global), and not case sensitive: EntityAlreadyExists,
  https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
- SQS queue names and CloudWatch Logs log group names are unique per account and region:
  https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html and
  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
- EventBridge rule names are unique per event bus (the alert rule is on the account's default bus, one
  per region): https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (PutRule of
  an existing name replaces that rule)
- Two stacks sharing one Terraform state would each plan to destroy the other's resources:
  https://developer.hashicorp.com/terraform/language/state (one state per configuration)
- One replication configuration and one registry policy per registry, one pull through cache rule and
  one repository creation template per prefix:
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html,
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html,
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (PullThroughCacheRuleAlreadyExistsException) and
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
  (TemplateAlreadyExistsException)
- At most 10 CloudWatch Logs resource policies per account and region:
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
"""

from __future__ import annotations

import posixpath

from ecrgen.config.model import Account, Registry
from ecrgen.errors import Problem

MAX_LOG_RESOURCE_POLICIES = 10


def clashes(accounts: list[Account]) -> list[Problem]:
    """Every clash among these accounts, reported on the later file and naming the earlier one."""
    found: list[Problem] = []
    seen: dict[tuple, tuple[str, str]] = {}
    log_policies: dict[tuple[str, str], list[str]] = {}

    def claim(account: Account, key: tuple, path: str, what: str, why: str, verb: str = "made") -> None:
        if key in seen and seen[key][0] != account.file:
            other, other_path = seen[key]
            where = {"role": f" of account {account.id}", "state": ""}.get(
                key[0], f" of account {account.id} in {account.region}"
            )
            found.append(
                Problem(account.file, path, f"{what}{where} is also {verb} by {other} ({other_path}); {why}")
            )
        seen.setdefault(key, (account.file, path))

    for account in accounts:
        registry = (account.id, account.region)
        if account.backend.type == "s3":
            state = f"s3://{account.backend.bucket}/{account.backend.key}"
            claim(
                account,
                ("state", state),
                "backend.key",
                f"the Terraform state {state}",
                "two stacks sharing one state would each plan to destroy the other's resources",
                "used",
            )
        else:  # a local path is relative to the stack's folder, <out>/stacks/<ACCOUNT>/
            state = posixpath.normpath(posixpath.join("stacks", account.name, account.backend.path))
            claim(
                account,
                ("state", "local", state),
                "backend.path",
                f"the local Terraform state <out>/{state}",
                "two stacks sharing one state would each plan to destroy the other's resources",
                "used",
            )
        for index, repo in enumerate(account.repositories):
            claim(
                account,
                ("repository", *registry, repo.ecr_name),
                f"repository[{index}].name",
                f"the ECR repository {repo.ecr_name!r}",
                "a registry holds one repository of a name",
            )
        if account.scanning:
            claim(
                account,
                ("scanning", *registry),
                "scanning",
                "the registry scanning configuration",
                "there is one per account and region, and two stacks would overwrite each other",
            )
        if account.registry:
            _claim_registry(account, account.registry, registry, claim)
        if account.role:
            claim(
                account,
                ("role", account.id, account.role.name.lower()),  # IAM: 'CI' and 'ci' are one name
                "role.name",
                f"the IAM role {account.role.name!r}",
                "role names are unique in an AWS account, whatever their case",
            )
        alerts = account.alerts
        if alerts:
            claim(
                account,
                ("event rule", *registry, alerts.rule_name),
                "alerts.rule_name",
                f"the EventBridge rule {alerts.rule_name!r}",
                "rule names are unique on an event bus, and two stacks would overwrite each other's rule",
            )
        if alerts and alerts.create_queue:
            claim(
                account,
                ("queue", *registry, alerts.sqs_queue_name),
                "alerts.sqs_queue_name",
                f"the SQS queue {alerts.sqs_queue_name!r}",
                "queue names are unique per account and region",
            )
        if alerts and alerts.cloudwatch_log_group:
            claim(
                account,
                ("log group", *registry, alerts.cloudwatch_log_group),
                "alerts.cloudwatch_log_group",
                f"the log group {alerts.cloudwatch_log_group!r}",
                "log group names are unique per account and region",
            )
            log_policies.setdefault(registry, []).append(account.file)
    for (account_id, region), files in log_policies.items():
        if len(files) > MAX_LOG_RESOURCE_POLICIES:
            found.append(
                Problem(
                    files[-1],
                    "alerts.cloudwatch_log_group",
                    f"{len(files)} account files deliver findings to CloudWatch Logs in account {account_id} "
                    f"and {region}, each with a log resource policy; CloudWatch Logs allows "
                    f"{MAX_LOG_RESOURCE_POLICIES} per account and region ({', '.join(files)})",
                )
            )
    return found


def _claim_registry(account: Account, settings: Registry, registry: tuple[str, str], claim) -> None:
    """The registry-level resources: one replication configuration and registry policy, one rule and
    one creation template per prefix."""
    overwrite = "there is one per account and region, and two stacks would overwrite each other"
    if settings.replication:
        claim(
            account,
            ("replication", *registry),
            "registry.replication",
            "the registry replication configuration",
            overwrite,
        )
    if settings.policy:
        claim(account, ("registry policy", *registry), "registry.policy", "the registry policy", overwrite)
    for index, rule in enumerate(settings.pull_through_cache):
        claim(
            account,
            ("pull through", *registry, rule.prefix.rstrip("/")),
            f"registry.pull_through_cache[{index}].prefix",
            f"the pull through cache rule {rule.prefix!r}",
            "a registry holds one rule per prefix",
        )
    for index, template in enumerate(settings.creation_templates):
        claim(
            account,
            ("creation template", *registry, template.prefix.rstrip("/")),
            f"registry.creation_template[{index}].prefix",
            f"the repository creation template {template.prefix!r}",
            "a registry holds one template per prefix",
        )
