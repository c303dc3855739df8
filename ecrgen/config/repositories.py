"""`[defaults]` and `[[repository]]` -> `Repository`: a repository's keys (its own winning over
[defaults], then the defaults table), each wired to its AWS rule; problems reported once at [defaults]
when every value in effect was written there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecrgen.config import defaults, schema
from ecrgen.config.account import ecr_name
from ecrgen.config.findings import Findings
from ecrgen.config.lifecycle import lifecycle_policy
from ecrgen.config.model import Repository
from ecrgen.config.repository_keys import check_grants, check_template_name, resolve_encryption
from ecrgen.errors import show
from ecrgen.rules import Found, mutability, names


@dataclass(frozen=True)
class _Keys:
    """A repository's keys over [defaults]: the value in effect, and where it was written."""

    repo: schema.RepositoryTable
    table: schema.RepositorySettings  # [defaults]
    here: str  # the repository's path, repository[i]

    @staticmethod
    def _written(source: schema.RepositorySettings, key: str) -> bool:
        return key in source.model_fields_set and getattr(source, key) is not None

    def pick(self, key: str, default: Any = None) -> Any:
        """The value in effect: the repository's own, else [defaults]'s, else `default`."""
        for source in (self.repo, self.table):
            if self._written(source, key):
                return getattr(source, key)
        return default

    def written_here(self, key: str) -> bool:
        """The repository itself sets `key`."""
        return self._written(self.repo, key)

    def at(self, *keys: str) -> str:
        """Where the values of `keys` in effect were written: `defaults` when every one of them that is
        set comes from [defaults] (so a problem there is reported once, not once per repository)."""
        given = [key for key in keys if self._written(self.repo, key) or self._written(self.table, key)]
        return "defaults" if given and not any(self._written(self.repo, key) for key in given) else self.here


def repository(
    index: int,
    repo: schema.RepositoryTable,
    table: schema.RepositorySettings,
    production: bool,
    fmt: str | None,
    acct: schema.AccountTable,
    found: Findings,
    warned: Findings,
) -> Repository:
    """One [[repository]] with [defaults] (`table`) applied."""
    keys = _Keys(repo, table, f"repository[{index}]")
    pick, at = keys.pick, keys.at
    name = ecr_name(fmt, acct, repo.name)
    found.add(f"{keys.here}.name", _check_name(repo.name, name))
    setting, mutable_tags = _mutability(keys, production, found)
    # A repository's own encryption = "AES256" wins over a kms_key it only inherits from [defaults].
    inherited_key = keys.written_here("encryption") and not keys.written_here("kms_key")
    kms_key = None if inherited_key and pick("encryption") == "AES256" else pick("kms_key")
    encryption, kms_key = resolve_encryption(
        pick("encryption"), kms_key, acct.region, at("kms_key"), at("encryption", "kms_key"), found
    )
    by_production = defaults.by_production(production)
    policy = pick("policy", by_production.policy)
    found.add(f"{at('policy')}.policy", check_template_name(policy))
    pulls, pushes = tuple(pick("pull_account_ids", [])), tuple(pick("push_principals", []))
    # org_id = "" in a repository: no organization grant, whatever [defaults] says.
    org = pick("org_id") or None
    check_grants(pulls, pushes, org, acct.region, at, found)
    return Repository(
        name=repo.name,
        ecr_name=name,
        address=names.address(repo.name),
        image_tag_mutability=setting,
        mutable_tags=mutable_tags,
        scan_on_push=pick("scan_on_push", defaults.SCAN_ON_PUSH),
        encryption=encryption,
        kms_key=kms_key,
        force_delete=pick("force_delete", defaults.FORCE_DELETE),
        prevent_destroy=pick("prevent_destroy", by_production.prevent_destroy),
        policy=None if policy == "none" else policy,
        pull_account_ids=pulls,
        push_principals=pushes,
        org_id=org,
        lambda_pull=pick("lambda_pull", defaults.LAMBDA_PULL),
        adopt=pick("adopt", defaults.ADOPT),
        policy_from_defaults=at("policy") == "defaults",
        lifecycle_policy=lifecycle_policy(
            repo.lifecycle, table.lifecycle, f"{keys.here}.lifecycle", production, found, warned
        ),
    )


def _mutability(keys: _Keys, production: bool, found: Findings) -> tuple[str, tuple[str, ...]]:
    """image_tag_mutability ("" when reported) and the mutable_tags in effect."""
    mutable_tags = tuple(keys.pick("mutable_tags", []))
    # An empty list says nothing; in a repository it may only clear the filters [defaults] gives.
    at_tags = keys.at("mutable_tags")
    empty = keys.pick("mutable_tags") == [] and not (at_tags == keys.here and keys.table.mutable_tags)
    if empty:
        found.add(f"{at_tags}.mutable_tags", [("", "must list 1 to 5 tag filters (or leave it out)")])
    setting, problems = mutability.resolve(keys.pick("image_tag_mutability"), mutable_tags, production)
    if not empty:
        found.add(at_tags if setting else keys.at("image_tag_mutability", "mutable_tags"), problems)
    return setting or "", mutable_tags


def _check_name(name: str, ecr: str) -> Found:
    """The ECR name, blamed on the `name` key (through name_format when that changed it)."""
    if not names.repository_name(ecr):
        return []
    rule = names.REPOSITORY_NAME_RULE
    if ecr == name:
        return [("", f"{show(ecr)} is not a valid ECR repository name ({rule})")]
    return [
        (
            "",
            f"{show(name)} gives the ECR repository name {show(ecr)} through name_format, "
            f"which is not valid ({rule})",
        )
    ]


def check_unique(repos: list[schema.RepositoryTable], found: Findings) -> None:
    """Repository names unique in the file, and unique as Terraform addresses."""
    first: dict[str, int] = {}
    for index, repo in enumerate(repos):
        if repo.name in first:
            found.add(
                f"repository[{index}].name",
                [
                    (
                        "",
                        f"{show(repo.name)} is already used by repository[{first[repo.name]}]; "
                        "names must be unique",
                    )
                ],
            )
        first.setdefault(repo.name, index)
    for addr, group in names.address_collisions(list(first)).items():
        for other in group[1:]:
            found.add(
                f"repository[{first[other]}].name",
                [
                    (
                        "",
                        f"{show(other)} maps to the Terraform address {addr!r} like {show(group[0])} "
                        f"(repository[{first[group[0]]}]); rename one",
                    )
                ],
            )
