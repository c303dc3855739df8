"""What a plan puts in place of what AWS may hold, which the plan itself cannot show: warnings for
`check-plan`. Pure: a plan (`terraform show -json`) and the account model in, problems out.

A repository the plan imports (`adopt`) keeps its images, but not the lifecycle policy AWS holds for it:
ECR puts a policy in place of any other (PutLifecyclePolicy), and expires images by the new rules within
24 hours (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html). No data source
reads a lifecycle policy, so the plan cannot say what AWS holds: the warning names the command that shows
what the new rules would expire. The same holds for an adopted repository the plan does not create (the
state holds it): one adopted with `lifecycle = false` (AWS's policy kept) whose file drops that key later. A
repository policy put on such a repository, and the registry-wide settings ECR puts whole (replication,
registry policy, scanning) that the plan creates, are named likewise: each replaces whatever AWS held.
"""

from __future__ import annotations

from ecrgen.addresses import (
    LIFECYCLE_POLICY_TYPE,
    REGISTRY_POLICY_TYPE,
    REPLICATION_TYPE,
    REPOSITORY_POLICY_TYPE,
    REPOSITORY_TYPE,
    SCANNING_TYPE,
)
from ecrgen.config.model import Account
from ecrgen.errors import Problem, show

# What ecrgen puts whole, in place of what AWS holds (Put* APIs), and what that ends where the file
# does not say it: per repository, on one the plan imports; per registry, wherever the plan creates it.
REPLACED_PER_REGISTRY = {
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html
    REPLICATION_TYPE.type: (
        "replication configuration",
        "replication AWS runs that the file does not list stops (images no longer reach those registries)",
    ),
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html
    REGISTRY_POLICY_TYPE.type: (
        "registry policy",
        "grants it holds that the file does not make end (other accounts replicating into this registry)",
    ),
    # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
    SCANNING_TYPE.type: ("scanning configuration", "scanning rules the file does not list end"),
}


def takeovers(plan: dict, account: Account, where: str) -> list[Problem]:
    """What the plan (at `where`) puts in place of what AWS may hold, which the plan cannot show: a
    lifecycle or repository policy it creates, not imports, for a repository that exists (the plan
    imports it, or does not create it: the state holds it), and a registry-wide setting it creates
    (`REPLACED_PER_REGISTRY`)."""
    changes = [c for c in plan.get("resource_changes") or [] if isinstance(c, dict)]
    existing = _existing(changes, account)
    found = []
    for change in changes:
        detail = _dict(change.get("change"))
        if detail.get("actions") == ["create"] and not detail.get("importing"):
            repository = str(_dict(detail.get("after")).get("repository"))
            message = _takeover(str(change.get("type")), repository, existing, account)
            if message:
                found.append(Problem(where, str(change.get("address", "")), message))
    return found


def _takeover(
    kind: str, repository: str, existing: dict[str, tuple[str, bool]], account: Account
) -> str | None:
    """What a created resource of `kind` (of ECR `repository`, for per-repository kinds) replaces."""
    if repository in existing and kind in (LIFECYCLE_POLICY_TYPE.type, REPOSITORY_POLICY_TYPE.type):
        name, imported = existing[repository]
        lifecycle = kind == LIFECYCLE_POLICY_TYPE.type
        policy = "lifecycle policy" if lifecycle else "repository policy"
        on = (
            f"the plan imports repository {show(repository)} and puts the file's {policy} on it"
            if imported
            else f"the plan puts the file's {policy} on adopted repository {show(repository)}, which exists "
            "(the plan does not create it)"
        )
        # The whole file from AWS on a first import; one policy's text for a repository already managed.
        source = (
            f"`ecrgen import` writes AWS's {'own rules' if lifecycle else 'policy'} into the file"
            if imported
            else f"`aws ecr get-{'lifecycle' if lifecycle else 'repository'}-policy --repository-name "
            f"{repository}` shows AWS's, to write into the file"
        )
        if lifecycle:
            return (
                f"{on}, in place of any lifecycle policy AWS holds for it (ECR then expires images by the "
                "new rules within 24 hours); before applying, `ecrgen lifecycle-preview "
                f"{account.name} {name} --from-aws` shows which images they would expire ({source}; "
                "`lifecycle = false` leaves AWS's policy as it is)"
            )
        return (
            f"{on}, in place of any repository policy AWS holds for it: access that policy grants and "
            f'the file does not (other accounts\' pulls, Lambda) ends ({source}; `policy = "none"` leaves '
            "AWS's as it is)"
        )
    if kind in REPLACED_PER_REGISTRY:
        what, ends = REPLACED_PER_REGISTRY[kind]
        return (
            f"the plan puts the registry's {what} in place of any AWS holds for account {account.id} "
            f"in {account.region}: {ends}; `ecrgen import` writes what AWS holds into an account file"
        )
    return None


def _existing(changes: list[dict], account: Account) -> dict[str, tuple[str, bool]]:
    """ECR name -> (the file's `name`, whether the plan imports it) of each repository that existed
    before ecrgen took it over: the plan imports it, or the state holds it (the plan neither creates
    nor deletes it) and the file adopted it. A repository ecrgen created holds no policy of another's
    unless one was put by hand: adding a first policy to it is a routine edit, not named."""
    by_address = {repo.address: repo for repo in account.repositories}
    existing = {}
    for change in changes:
        detail = _dict(change.get("change"))
        actions = detail.get("actions")
        repo = by_address.get(str(change.get("name")))
        if change.get("type") != REPOSITORY_TYPE.type or change.get("mode") == "data":
            continue
        held = isinstance(actions, list) and not {"create", "delete"} & set(actions)
        if detail.get("importing") or held and repo is not None and repo.adopt:
            ecr_name = _dict(detail.get("after")).get("name") or _dict(detail.get("before")).get("name")
            existing[str(ecr_name)] = (repo.name if repo else str(ecr_name), bool(detail.get("importing")))
    return existing


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}
