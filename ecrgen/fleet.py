"""Checks across the fleet: the account files of one folder, matched on account id and region, against
each other's registries (the AWS rules in `ecrgen.rules.fleet`). A replication destination or an
ECR-to-ECR upstream whose file is in the folder must grant the source (an error naming the key);
repositories ECR will create by itself that no creation template covers, and CREATE_ON_PUSH beside a
broad ecr:CreateRepository grant, are warnings."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from ecrgen.config.model import Account
from ecrgen.errors import Problem
from ecrgen.rules import fleet

ECR_URL = re.compile(r"(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?")


@dataclass(frozen=True)
class Replication:
    """A replication rule, as the fleet checks read it."""

    destinations: tuple[tuple[str, str], ...]  # (region, account id)
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class PullThrough:
    """A pull through cache rule, as the fleet checks read it."""

    prefix: str
    upstream: str
    registry_url: str
    custom_role_arn: str | None


@dataclass(frozen=True)
class Template:
    """A repository creation template, as the fleet checks read it."""

    prefix: str
    applied_for: tuple[str, ...]


@dataclass(frozen=True)
class RegistryFacts:
    """An account's [registry], as the fleet checks read it (its policy rendered)."""

    policy: str | None
    policy_text: str | None
    replication_source_account_ids: tuple[str, ...]
    replication: tuple[Replication, ...]
    pull_through_cache: tuple[PullThrough, ...]
    creation_templates: tuple[Template, ...]


@dataclass(frozen=True)
class RepositoryFacts:
    """A repository, as the fleet checks read it (its policy rendered)."""

    ecr_name: str
    policy_text: str | None


@dataclass(frozen=True)
class Facts:
    """Everything of one account file the fleet checks read: kept beside the account's output (as JSON,
    `to_json`), so that a synth of one account need not load and render every other file again."""

    file: str
    id: str
    region: str
    registry: RegistryFacts | None
    repositories: tuple[RepositoryFacts, ...]


def facts_of(account: Account) -> Facts:
    """What the fleet checks read of a validated account, its policies rendered."""
    registry = account.registry
    held = None
    if registry is not None:
        held = RegistryFacts(
            registry.policy,
            registry.policy_text,
            registry.replication_source_account_ids,
            tuple(Replication(r.destinations, r.prefixes) for r in registry.replication),
            tuple(
                PullThrough(r.prefix, r.upstream, r.registry_url, r.custom_role_arn)
                for r in registry.pull_through_cache
            ),
            tuple(Template(t.prefix, t.applied_for) for t in registry.creation_templates),
        )
    repositories = tuple(RepositoryFacts(r.ecr_name, r.policy_text) for r in account.repositories)
    return Facts(account.file, account.id, account.region, held, repositories)


def to_json(facts: Facts) -> str:
    """The facts as JSON, without the file's path (given again when read: `from_json`)."""
    document = dataclasses.asdict(facts)
    del document["file"]
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def from_json(text: str, file: str) -> Facts | None:
    """The facts `to_json` wrote, for the account file `file`; None when the text is not such JSON."""
    try:
        document = json.loads(text)
        registry = document["registry"]
        held = None
        if registry is not None:
            held = RegistryFacts(
                registry["policy"],
                registry["policy_text"],
                tuple(registry["replication_source_account_ids"]),
                tuple(
                    Replication(tuple(tuple(d) for d in r["destinations"]), tuple(r["prefixes"]))
                    for r in registry["replication"]
                ),
                tuple(PullThrough(**rule) for rule in registry["pull_through_cache"]),
                tuple(Template(t["prefix"], tuple(t["applied_for"])) for t in registry["creation_templates"]),
            )
        repositories = tuple(RepositoryFacts(**repo) for repo in document["repositories"])
        return Facts(file, document["id"], document["region"], held, repositories)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def check(accounts: list[Facts]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) across the facts of these account files (policies rendered)."""
    registries = {(a.id, a.region): a for a in accounts}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for account in accounts:
        if account.registry is None:
            continue
        errors += _replication(account, registries)
        errors += _pull_through(account, registries)
        warnings += _uncovered(account, registries)
        warnings += _create_on_push(account)
    return errors, warnings


def _replication(account: Facts, registries: dict[tuple[str, str], Facts]) -> list[Problem]:
    found = []
    for i, rule in enumerate(account.registry.replication if account.registry else ()):
        for j, (region, destination) in enumerate(rule.destinations):
            other = registries.get((destination, region))
            if destination == account.id or other is None:
                continue  # the same account needs no grant; a registry outside the folder is not seen
            registry = other.registry
            if registry is not None and (
                account.id in registry.replication_source_account_ids
                and registry.policy is not None
                or fleet.grants(registry.policy_text, account.id, "ecr:ReplicateImage")
            ):
                continue
            found.append(
                Problem(
                    account.file,
                    f"registry.replication[{i}].destinations[{j}]",
                    f"replicates into account {destination} ({region}), {other.file}, whose registry "
                    f"does not let {account.id} replicate: {_how_to_grant(account.id, registry)}",
                )
            )
    return found


def _how_to_grant(source: str, registry: RegistryFacts | None) -> str:
    """What the destination's file must say for `source` to replicate into it."""
    if registry is not None and source in registry.replication_source_account_ids:
        return (
            f"its replication_source_account_ids lists {source!r}, but its policy = 'none' makes no "
            "registry policy to grant it: remove policy = 'none' (the built-in registry policy grants the "
            "listed accounts)"
        )
    return (
        f"add {source!r} to its [registry] replication_source_account_ids "
        "(or grant ecr:ReplicateImage in its registry policy)"
    )


def _pull_through(account: Facts, registries: dict[tuple[str, str], Facts]) -> list[Problem]:
    found = []
    for i, rule in enumerate(account.registry.pull_through_cache if account.registry else ()):
        match = ECR_URL.fullmatch(rule.registry_url) if rule.upstream == "ecr" else None
        other = registries.get((match.group(1), match.group(2))) if match else None
        if other is None or other.id == account.id:
            continue
        roles = (rule.custom_role_arn,) if rule.custom_role_arn else ()
        texts = [other.registry.policy_text if other.registry else None]
        texts += [repo.policy_text for repo in other.repositories]
        if any(fleet.grants(text, account.id, "ecr:BatchGetImage", roles) for text in texts):
            continue
        found.append(
            Problem(
                account.file,
                f"registry.pull_through_cache[{i}].registry_url",
                f"pulls through from account {other.id} ({other.region}), {other.file}, which grants "
                f"{account.id} no ecr:BatchGetImage: grant it in its registry policy ([registry] policy, "
                "with policy_scope 'V2') or in its repositories' policies (pull_account_ids)",
            )
        )
    return found


def _uncovered(account: Facts, registries: dict[tuple[str, str], Facts]) -> list[Problem]:
    """Repositories ECR creates by itself in this registry or a destination in the folder that no
    creation template covers."""
    registry = account.registry
    assert registry is not None
    found = []
    for i, rule in enumerate(registry.pull_through_cache):
        templates = [t for t in registry.creation_templates if "PULL_THROUGH_CACHE" in t.applied_for]
        if not any(fleet.covers(t.prefix, rule.prefix) for t in templates) and rule.prefix != "ROOT":
            found.append(
                Problem(
                    account.file,
                    f"registry.pull_through_cache[{i}].prefix",
                    f"the repositories this rule creates ({rule.prefix}/...) get ECR's defaults: no creation "
                    "template applied for PULL_THROUGH_CACHE covers them",
                )
            )
    for i, replication in enumerate(registry.replication):
        for region, destination in replication.destinations:
            other = registries.get((destination, region))
            if other is not None:
                found += [
                    Problem(
                        account.file,
                        f"registry.replication[{i}]",
                        f"replication creates {name!r} in account {destination} ({region}), {other.file}, "
                        "with ECR's defaults: no creation template applied for REPLICATION covers it there",
                    )
                    for name in _replicated_uncovered(account, replication.prefixes, other)
                ]
    return found


def _replicated_uncovered(account: Facts, prefixes: tuple[str, ...], other: Facts) -> list[str]:
    """The repositories of `account` a replication rule (`prefixes`) copies into `other`'s registry, that
    `other` does not manage and that none of its creation templates for REPLICATION covers."""
    held = other.registry.creation_templates if other.registry else ()
    templates = [t for t in held if "REPLICATION" in t.applied_for]
    there = {repo.ecr_name for repo in other.repositories}
    return [
        repo.ecr_name
        for repo in account.repositories
        if (not prefixes or any(repo.ecr_name.startswith(p) for p in prefixes))
        and repo.ecr_name not in there
        and not any(fleet.covers(t.prefix, repo.ecr_name) for t in templates)
    ]


def _create_on_push(account: Facts) -> list[Problem]:
    registry = account.registry
    if registry is None or not any("CREATE_ON_PUSH" in t.applied_for for t in registry.creation_templates):
        return []
    return [
        Problem(
            account.file,
            "registry.policy",
            f"grants ecr:CreateRepository to {who} while a creation template is applied for CREATE_ON_PUSH: "
            "whoever it names can create repositories in this registry by pushing; name the principals "
            "that push",
        )
        for who in fleet.broad_create_repository(registry.policy_text, account.id)
    ]
