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
- A repository one file lets Terraform delete (`allow_destroy`, no longer among its repositories) while
  another file makes it (a repository moved between files, the new one adopting it): the first stack's
  apply deletes the repository and its images under the second (DeleteRepository with force, as the
  provider's `force_delete` does: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html);
  the same for a repository a file just drops where nothing protects it (a non-production file, found by
  `synth` from the state or the previous stack, `ecrgen.guard.deletions`, and by `check-plan` from the plan)
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from ecrgen.config.model import Account, Alerts, Registry
from ecrgen.errors import Problem
from ecrgen.rules.names import address

MAX_LOG_RESOURCE_POLICIES = 10
OVERWRITE = "there is one per account and region, and two stacks would overwrite each other"
SHARED_STATE = "two stacks sharing one state would each plan to destroy the other's resources"


@dataclass(frozen=True)
class Claim:
    """One thing an account file makes (or uses): `key` identifies it in AWS, `path` is the key of the
    file that makes it, `what` names it, `why` says why two files must not both make it."""

    key: tuple
    path: str
    what: str
    why: str
    verb: str = "made"


@dataclass(frozen=True)
class Claims:
    """Everything of one account file that clashes are found from: which registry it is, what it
    claims, and whether it delivers findings to CloudWatch Logs. Kept beside the account's output (as
    JSON, `to_json`), so that a synth of one account need not load every other file to find clashes."""

    file: str
    id: str
    region: str
    claims: tuple[Claim, ...]
    log_group: bool


def claims_of(account: Account) -> Claims:
    """What this account file claims."""
    log_group = bool(account.alerts and account.alerts.cloudwatch_log_group)
    return Claims(account.file, account.id, account.region, tuple(_claims(account)), log_group)


def to_json(claims: Claims) -> str:
    """The claims as JSON, without the file's path (it is given again when read: `from_json`)."""
    fields = [[list(c.key), c.path, c.what, c.why, c.verb] for c in claims.claims]
    document = {"id": claims.id, "region": claims.region, "log_group": claims.log_group, "claims": fields}
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def from_json(text: str, file: str) -> Claims | None:
    """The claims `to_json` wrote, for the account file `file`; None when the text is not such JSON."""
    try:
        document = json.loads(text)
        found = tuple(
            Claim(tuple(key), path, what, why, verb) for key, path, what, why, verb in document["claims"]
        )
        return Claims(file, str(document["id"]), str(document["region"]), found, bool(document["log_group"]))
    except (ValueError, KeyError, TypeError):
        return None


def clashes(accounts: list[Account]) -> list[Problem]:
    """Every clash among these accounts, reported on the later file and naming the earlier one."""
    return clashes_among([claims_of(account) for account in accounts])


def clashes_among(accounts: list[Claims]) -> list[Problem]:
    """Every clash among the claims of these account files, reported on the later file and naming the
    earlier one."""
    found: list[Problem] = []
    seen: dict[tuple, tuple[str, str]] = {}
    log_policies: dict[tuple[str, str], list[str]] = {}
    for account in accounts:
        for claim in account.claims:
            if claim.key[0] == DELETES:
                continue  # `deleted_elsewhere`
            if claim.key in seen and seen[claim.key][0] != account.file:
                other, other_path = seen[claim.key]
                where = {"role": f" of account {account.id}", "state": ""}.get(
                    claim.key[0], f" of account {account.id} in {account.region}"
                )
                found.append(
                    Problem(
                        account.file,
                        claim.path,
                        f"{claim.what}{where} is also {claim.verb} by {other} ({other_path}); {claim.why}",
                    )
                )
            seen.setdefault(claim.key, (account.file, claim.path))
        if account.log_group:
            log_policies.setdefault((account.id, account.region), []).append(account.file)
    found += deleted_elsewhere(accounts, accounts)
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


DELETES = "deletes"
MOVED = (
    "its apply would delete that repository and its images; take it out of allow_destroy and list it in "
    "account.retired instead (Terraform forgets it in this stack, AWS keeps it for the other)"
)


REPOSITORY_CLASH = (
    "a registry holds one repository of a name; to move it between these files, drop it from the file "
    "whose stack manages it and list it there in account.retired (Terraform forgets it, AWS keeps it and "
    "its images), and set adopt = true on it in the other"
)


DROPPED = (
    "its apply would delete that repository and its images; list it in account.retired (Terraform forgets "
    "it in this stack, AWS keeps it for the other)"
)


def deleted_elsewhere(deleting: list[Claims], making: list[Claims]) -> list[Problem]:
    """A repository one file lets Terraform delete (its `deletes` claims, of `deleting`) while another
    file makes it (of `making`, the first file making each): reported on the deleting file."""
    made: dict[tuple, tuple[str, str]] = {}
    for account in making:
        for claim in account.claims:
            if claim.key[0] == "repository":
                made.setdefault(claim.key, (account.file, claim.path))
    found = []
    for account in deleting:
        for claim in account.claims:
            maker = made.get(("repository", *claim.key[1:])) if claim.key[0] == DELETES else None
            if maker is not None and maker[0] != account.file:
                found.append(
                    Problem(
                        account.file,
                        claim.path,
                        f"{claim.what} is no longer in this file, so Terraform may delete it, but {maker[0]} "
                        f"({maker[1]}) makes that repository in account {account.id} and {account.region}: "
                        f"{claim.why}",
                    )
                )
    return found


def repository_makers(accounts: list[Claims], account_id: str, region: str, besides: str) -> dict[str, str]:
    """ECR name -> `FILE (PATH)` of the first file other than `besides` that makes that repository in
    this registry (account and region)."""
    found: dict[str, str] = {}
    for account in accounts:
        if account.file == besides or (account.id, account.region) != (account_id, region):
            continue
        for claim in account.claims:
            if claim.key[0] == "repository":
                found.setdefault(claim.key[-1], f"{account.file} ({claim.path})")
    return found


def _claims(account: Account) -> Iterator[Claim]:
    """What the account file makes, in the order of the file's tables."""
    registry = (account.id, account.region)
    if account.backend.type == "s3":
        state = f"s3://{account.backend.bucket}/{account.backend.key}"
        yield Claim(("state", state), "backend.key", f"the Terraform state {state}", SHARED_STATE, "used")
    else:  # a local path is relative to the stack's folder, <out>/stacks/<ACCOUNT>/
        state = posixpath.normpath(posixpath.join("stacks", account.name, account.backend.path))
        yield Claim(
            ("state", "local", state),
            "backend.path",
            f"the local Terraform state <out>/{state}",
            SHARED_STATE,
            "used",
        )
    for index, repo in enumerate(account.repositories):
        yield Claim(
            ("repository", *registry, repo.ecr_name),
            f"repository[{index}].name",
            f"the ECR repository {repo.ecr_name!r}",
            REPOSITORY_CLASH,
        )
    kept = {address(repo.name) for repo in account.repositories}
    for index, (name, ecr) in enumerate(zip(account.allow_destroy, account.allow_destroy_ecr, strict=True)):
        if address(name) not in kept:  # this stack's apply may delete it
            yield Claim(
                (DELETES, *registry, ecr),
                f"account.allow_destroy[{index}]",
                f"{name!r} (ECR repository {ecr!r})",
                MOVED,
                "deleted",
            )
    if account.scanning:
        yield Claim(("scanning", *registry), "scanning", "the registry scanning configuration", OVERWRITE)
    if account.registry:
        yield from _registry_claims(account.registry, registry)
    if account.role:
        yield Claim(
            ("role", account.id, account.role.name.lower()),  # IAM: 'CI' and 'ci' are one name
            "role.name",
            f"the IAM role {account.role.name!r}",
            "role names are unique in an AWS account, whatever their case",
        )
    if account.alerts:
        yield from _alert_claims(account.alerts, registry)


def _registry_claims(settings: Registry, registry: tuple[str, str]) -> Iterator[Claim]:
    """The registry-level resources: one replication configuration and registry policy, one rule and
    one creation template per prefix."""
    if settings.replication:
        yield Claim(
            ("replication", *registry),
            "registry.replication",
            "the registry replication configuration",
            OVERWRITE,
        )
    if settings.policy:
        yield Claim(("registry policy", *registry), "registry.policy", "the registry policy", OVERWRITE)
    for index, rule in enumerate(settings.pull_through_cache):
        yield Claim(
            ("pull through", *registry, rule.prefix.rstrip("/")),
            f"registry.pull_through_cache[{index}].prefix",
            f"the pull through cache rule {rule.prefix!r}",
            "a registry holds one rule per prefix",
        )
    for index, template in enumerate(settings.creation_templates):
        yield Claim(
            ("creation template", *registry, template.prefix.rstrip("/")),
            f"registry.creation_template[{index}].prefix",
            f"the repository creation template {template.prefix!r}",
            "a registry holds one template per prefix",
        )


def _alert_claims(alerts: Alerts, registry: tuple[str, str]) -> Iterator[Claim]:
    """The alert's rule, and the queue and log group it makes."""
    yield Claim(
        ("event rule", *registry, alerts.rule_name),
        "alerts.rule_name",
        f"the EventBridge rule {alerts.rule_name!r}",
        "rule names are unique on an event bus, and two stacks would overwrite each other's rule",
    )
    if alerts.create_queue:
        yield Claim(
            ("queue", *registry, alerts.sqs_queue_name),
            "alerts.sqs_queue_name",
            f"the SQS queue {alerts.sqs_queue_name!r}",
            "queue names are unique per account and region",
        )
    if alerts.cloudwatch_log_group:
        yield Claim(
            ("log group", *registry, alerts.cloudwatch_log_group),
            "alerts.cloudwatch_log_group",
            f"the log group {alerts.cloudwatch_log_group!r}",
            "log group names are unique per account and region",
        )
