"""What AWS holds (a snapshot, `ecrgen.importer.read`) -> the account file's text and its policy templates.
Pure: no AWS, no files. Every repository is written with `adopt = true` and its settings exactly as AWS
holds them; what the account file cannot express yet is an EcrgenError naming it, never a file whose
first plan would change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.importer import registry, settings, toml_text
from ecrgen.importer.settings import Context
from ecrgen.rules.names import address
from ecrgen.rules.tags import GUARD_TAG


@dataclass(frozen=True)
class Options:
    """What the command line says: the account file's name and path, and its [account] keys."""

    name: str
    file: str
    region: str
    environment: str
    project: str


@dataclass(frozen=True)
class Draft:
    """An account file and its templates; `policies`: the policy AWS holds at each place of the file
    (repository[i], registry, registry.creation_template[i]; None: none), to compare with the render."""

    text: str
    templates: dict[str, str]
    policies: dict[str, Any]


def draft(snapshot: dict[str, Any], options: Options, custom: frozenset[str] = frozenset()) -> Draft:
    """The account file for this snapshot; the places in `custom` get their policy as a template even
    where the built-in template's keys seem to give it."""
    context = Context(options.name, options.region, custom)
    repositories = sorted(snapshot["repositories"], key=lambda r: r["repositoryName"])
    document: dict[str, Any] = {
        "account": {
            "id": snapshot["account_id"],
            "region": options.region,
            "environment": options.environment,
            "project": options.project,
        }
    }
    tags = _common_tags(repositories)
    if tags:
        document["tags"] = tags
    if repositories:
        document["repository"] = [_repository(i, r, tags, context) for i, r in enumerate(repositories)]
    document |= registry.sections(snapshot, context)
    if context.problems:
        raise EcrgenError(
            Problem(options.file, "", f"{what}: {message}") for what, message in context.problems
        )
    comment = (
        f"Written by `ecrgen import` from AWS account {snapshot['account_id']} ({options.region}): every "
        "repository\nas AWS held it, adopt = true. Check it with `ecrgen validate`, then plan."
    )
    return Draft(toml_text.dumps(document, comment), context.templates, context.expected)


def _repository(index: int, repo: dict[str, Any], common: dict[str, str], context: Context) -> dict[str, Any]:
    """One [[repository]]: its name is its ECR name (name_format "{name}"), adopted; its tags that not
    every repository holds alike (`common`, the account's [tags]) are its own `tags`."""
    name = repo["repositoryName"]
    what = f"repository {show(name)}"
    keys: dict[str, Any] = {"name": name, "adopt": True}
    keys |= settings.mutability(
        what,
        repo.get("imageTagMutability", "MUTABLE"),
        repo.get("imageTagMutabilityExclusionFilters") or [],
        context,
    )
    keys["scan_on_push"] = bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush", False))
    keys |= settings.encryption(what, repo.get("encryptionConfiguration") or {}, context)
    where = f"repository[{index}]"
    keys |= settings.repository_policy(
        what, where, f"repository-{address(name)}", repo.get("policyText"), context
    )
    own = {key: value for key, value in _user_tags(repo).items() if common.get(key) != value}
    if own:
        keys["tags"] = own
    keys["lifecycle"] = settings.lifecycle(what, repo.get("lifecyclePolicyText"), context)
    return keys


def _user_tags(repo: dict[str, Any]) -> dict[str, str]:
    """A repository's tags but AWS's own (`aws:`) and ecrgen's guard tag, which ecrgen writes itself."""
    return {
        t["Key"]: t["Value"]
        for t in repo.get("tags", [])
        if not t["Key"].startswith("aws:") and t["Key"] != GUARD_TAG
    }


def _common_tags(repositories: list[dict[str, Any]]) -> dict[str, str]:
    """The tags every repository holds alike become [tags] (the provider's default tags); the others
    are each repository's own `tags`."""
    held = [_user_tags(r) for r in repositories]
    common = dict(held[0]) if held else {}
    for tags in held[1:]:
        common = {k: v for k, v in common.items() if tags.get(k) == v}
    return common
