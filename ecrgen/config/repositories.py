"""`[defaults]` and `[[repository]]` -> `Repository`: the settings a repository shares with creation
templates (`ecrgen.config.settings`, its own keys winning over [defaults]), and its own: the name, and
scan_on_push, force_delete and prevent_destroy; problems reported once at [defaults] when every value in
effect was written there."""

from __future__ import annotations

from ecrgen.config import defaults, schema
from ecrgen.config.account import ecr_name
from ecrgen.config.findings import Context, Findings
from ecrgen.config.lifecycle import lifecycle_policy
from ecrgen.config.model import Repository
from ecrgen.config.settings import Layers, resolve
from ecrgen.errors import path_key, show
from ecrgen.rules import Found, names
from ecrgen.rules import tags as tag_rules


def repository(
    index: int, repo: schema.RepositoryTable, table: schema.RepositorySettings, ctx: Context
) -> Repository:
    """One [[repository]] with [defaults] (`table`) applied."""
    acct, production, fmt, found, warned = ctx.acct, ctx.production, ctx.fmt, ctx.found, ctx.warned
    layers = Layers(repo, table, f"repository[{index}]")
    name = ecr_name(fmt, acct, repo.name)
    found.add(f"{layers.here}.name", _check_name(repo.name, name))
    shared = resolve(
        layers,
        production,
        acct.region,
        found,
        lifecycle=lambda: lifecycle_policy(
            repo.lifecycle, table.lifecycle, f"{layers.here}.lifecycle", production, found, warned
        ),
    )
    if production and shared.image_tag_mutability == "MUTABLE":
        warned.add(f"{layers.at('image_tag_mutability')}.image_tag_mutability", [("", PRODUCTION_MUTABLE)])
    tags = layers.pick("tags", {})
    guarded = production or layers.pick("prevent_destroy", False) or shared.adopt
    found.add(f"{layers.at('tags')}.tags", tag_rules.check_repository_tags(tags, ctx.tags, guarded))
    for key, value in tags.items():
        found.add(f"{layers.at('tags')}.tags.{path_key(key)}", names.tag_key(key) or names.tag_value(value))
    return Repository(
        **vars(shared),
        tags=tuple(sorted(tags.items())),
        name=repo.name,
        ecr_name=name,
        address=names.address(repo.name),
        scan_on_push=layers.pick("scan_on_push", defaults.SCAN_ON_PUSH),
        force_delete=layers.pick("force_delete", defaults.FORCE_DELETE),
        prevent_destroy=layers.pick("prevent_destroy", defaults.by_production(production).prevent_destroy),
        policy_from_defaults=layers.at("policy") == "defaults",
    )


# A mutable tag can be pushed over: the image it named keeps no tag, and the untagged-image rule of a
# lifecycle policy then expires it. https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
PRODUCTION_MUTABLE = (
    "'MUTABLE' in a production account: a push can move a tag to another image and leave the image it "
    "named untagged, where a lifecycle rule for untagged images (the default policy has one) expires it; "
    "IMMUTABLE (the production default) keeps every tag fixed, IMMUTABLE_WITH_EXCLUSION with mutable_tags = "
    '["latest"] all but those'
)


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
    for other, message in names.address_clashes(
        list(first), lambda n: f"repository[{first[n]}]", "rename one"
    ):
        found.add(f"repository[{first[other]}].name", [("", message)])
