"""The settings a repository and a repository creation template share (`schema.SharedSettings`) ->
`model.SharedSettings`: one resolver for both, each key wired to its AWS rule (`ecrgen.rules`), its
default from `ecrgen.config.defaults`. A repository's own keys win over [defaults]; a problem is reported
once at [defaults] when every value in effect was written there.

A new shared key: its type in `schema.SharedSettings`, its default in `defaults`, its resolved value in
`model.SharedSettings`, resolved in `resolve` below, and emitted by `ecrgen.ecr.settings.arguments`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecrgen.config import defaults, schema
from ecrgen.config.findings import Findings
from ecrgen.config.model import SharedSettings
from ecrgen.errors import duplicates, show
from ecrgen.rules import Found, arns, mutability, names
from ecrgen.rules import encryption as encryption_rules

POLICY_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Layers:
    """A table's keys over [defaults]: the value in effect, and where it was written. `defaults` is None
    for a creation template, which reads no [defaults]."""

    own: schema.SharedSettings
    defaults: schema.RepositorySettings | None
    here: str  # the table's path: repository[i], registry.creation_template[i]

    @staticmethod
    def _written(source: schema.SharedSettings | None, key: str) -> bool:
        return source is not None and key in source.model_fields_set and getattr(source, key) is not None

    def pick(self, key: str, default: Any = None) -> Any:
        """The value in effect: the table's own, else [defaults]'s, else `default`."""
        for source in (self.own, self.defaults):
            if self._written(source, key):
                return getattr(source, key)
        return default

    def written_here(self, key: str) -> bool:
        """The table itself sets `key`."""
        return self._written(self.own, key)

    def at(self, *keys: str) -> str:
        """Where the values of `keys` in effect were written: `defaults` when every one of them that is
        set comes from [defaults] (so a problem there is reported once, not once per repository)."""
        given = [key for key in keys if self._written(self.own, key) or self._written(self.defaults, key)]
        return "defaults" if given and not any(self._written(self.own, key) for key in given) else self.here


def resolve(
    layers: Layers,
    production: bool,
    region: str,
    found: Findings,
    lifecycle: Callable[[], str | None],
    then: Callable[[str], object] | None = None,
) -> SharedSettings:
    """The settings in effect, problems added to `found` in this order: mutability, encryption, `then`
    (called with the encryption type: a creation template's own keys, which depend on it), the policy
    template and whom it grants to, and last the lifecycle policy, which the owner resolves
    (`lifecycle()`, through `ecrgen.config.lifecycle`) with its own lifecycle table."""
    pick, at = layers.pick, layers.at
    setting, mutable_tags, immutable_tags = _mutability(layers, production, found)
    # A repository's own encryption = "AES256" wins over a kms_key it only inherits from [defaults].
    inherited_key = layers.written_here("encryption") and not layers.written_here("kms_key")
    kms_key = None if inherited_key and pick("encryption") == "AES256" else pick("kms_key")
    encryption, kms_key = _encryption(
        pick("encryption"), kms_key, region, at("kms_key"), at("encryption", "kms_key"), found
    )
    if then is not None:
        then(encryption)
    policy = pick("policy", defaults.by_production(production).policy)
    found.add(f"{at('policy')}.policy", check_template_name(policy))
    pulls, pushes = tuple(pick("pull_account_ids", [])), tuple(pick("push_principals", []))
    org = pick("org_id")
    if layers.defaults is not None:
        org = (
            org or None
        )  # org_id = "" in a repository: no grant, whatever [defaults] says (a template's is checked)
    check_grants(pulls, pushes, org, region, at, found)
    return SharedSettings(
        image_tag_mutability=setting,
        mutable_tags=mutable_tags,
        immutable_tags=immutable_tags,
        encryption=encryption,
        kms_key=kms_key,
        policy=None if policy == "none" else policy,
        pull_account_ids=pulls,
        push_principals=pushes,
        org_id=org,
        lambda_pull=pick("lambda_pull", defaults.LAMBDA_PULL),
        lifecycle_policy=lifecycle(),
        adopt=pick("adopt", defaults.ADOPT),
    )


def _mutability(
    layers: Layers, production: bool, found: Findings
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """image_tag_mutability ("" when reported), and the mutable_tags and immutable_tags in effect."""
    lists = {key: tuple(layers.pick(key, [])) for key in ("mutable_tags", "immutable_tags")}
    empty = False
    for key in lists:
        at_tags = layers.at(key)
        # An empty list says nothing: in a repository it may only clear the filters [defaults] gives (a
        # creation template, which reads no [defaults], takes it for no filters).
        if (
            layers.defaults is not None
            and layers.pick(key) == []
            and not (at_tags == layers.here and getattr(layers.defaults, key))
        ):
            empty = True
            found.add(f"{at_tags}.{key}", [("", f"must list {mutability.FILTER_COUNT} (or leave it out)")])
    default = defaults.by_production(production).image_tag_mutability
    setting, problems = mutability.resolve(
        layers.pick("image_tag_mutability"), lists["mutable_tags"], lists["immutable_tags"], default
    )
    if not empty:
        given = "immutable_tags" if lists["immutable_tags"] else "mutable_tags"
        keys = ("image_tag_mutability", "mutable_tags", "immutable_tags")
        found.add(layers.at(given) if setting else layers.at(*keys), problems)
    return setting or "", lists["mutable_tags"], lists["immutable_tags"]


def _encryption(
    encryption: str | None, kms_key: str | None, region: str, key_at: str, both_at: str, found: Findings
) -> tuple[str, str | None]:
    """The encryption type and the KMS key to look up; `key_at` is where kms_key was written, `both_at`
    where the two keys in effect were."""
    found.add(f"{both_at}.kms_key", encryption_rules.check_combination(encryption, kms_key))
    if kms_key is None:
        return encryption or defaults.ENCRYPTION, None
    found.add(f"{key_at}.kms_key", arns.kms_key(kms_key, region))
    kind = encryption if encryption in encryption_rules.KMS_TYPES else "KMS"  # kms_key alone: KMS
    return kind, encryption_rules.key_to_look_up(kms_key)


def check_template_name(policy: str) -> Found:
    """A policy template is a file name under iam_policies/ (or 'none')."""
    if POLICY_NAME.fullmatch(policy):
        return []
    return [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")]


def check_grants(
    pulls: tuple[str, ...],
    pushes: tuple[str, ...],
    org: str | None,
    region: str,
    at: Callable[[str], str],
    found: Findings,
) -> None:
    """Who a policy template grants to: account ids, principal ARNs, the organization; `at(key)` is the
    table the key was written in (a repository, [defaults], a creation template)."""
    for i, account_id in enumerate(pulls):
        found.add(f"{at('pull_account_ids')}.pull_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(pushes):
        found.add(f"{at('push_principals')}.push_principals[{i}]", arns.principal(arn, region))
    for key, values in (("pull_account_ids", pulls), ("push_principals", pushes)):
        if repeated := duplicates(values):
            found.add(f"{at(key)}.{key}", [("", repeated)])
    if org is not None:
        found.add(
            f"{at('org_id')}.org_id",
            arns.matches(
                org, arns.ORG_ID, "an AWS Organizations id (o- and 10-32 lowercase letters or digits)"
            ),
        )
