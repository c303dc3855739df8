"""`[registry]` -> `Registry`: replication, pull through cache rules, the registry policy and repository
creation templates, every AWS rule checked (`ecrgen.rules.registry`), problems under `registry.`."""

from __future__ import annotations

from ecrgen.config import resolve as base
from ecrgen.config import schema
from ecrgen.config.model import CreationTemplate, PullThroughCacheRule, Registry, ReplicationRule
from ecrgen.errors import show
from ecrgen.rules import mutability, names
from ecrgen.rules import registry as rules

DEFAULT_POLICY = "registry_default"


def registry(
    table: schema.RegistryTable | None, acct: schema.AccountTable, production: bool, found, warned
) -> Registry | None:
    """The resolved registry settings, problems added to `found` (warnings to `warned`)."""
    if table is None:
        return None
    for i, account_id in enumerate(table.replication_source_account_ids):
        found.add(f"registry.replication_source_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(table.pull_through_principals):
        found.add(f"registry.pull_through_principals[{i}]", names.principal(arn, acct.region))
    for key in ("replication_source_account_ids", "pull_through_principals"):
        if len(set(getattr(table, key))) != len(getattr(table, key)):
            found.add(f"registry.{key}", [("", "has duplicates")])
    default = (
        DEFAULT_POLICY if table.replication_source_account_ids or table.pull_through_principals else "none"
    )
    policy = table.policy if table.policy is not None else default
    if not base.POLICY_NAME.fullmatch(policy):
        found.add(
            "registry.policy",
            [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")],
        )
    replication = [
        ([(d.region, d.account_id) for d in rule.destinations], rule.prefixes) for rule in table.replication
    ]
    found.add("registry.replication", rules.check_replication(replication, acct.id, acct.region))
    return Registry(
        policy=None if policy == "none" else policy,
        replication_source_account_ids=tuple(table.replication_source_account_ids),
        pull_through_principals=tuple(table.pull_through_principals),
        replication=tuple(
            ReplicationRule(
                tuple((region, account or acct.id) for region, account in destinations), tuple(prefixes)
            )
            for destinations, prefixes in replication
        ),
        pull_through_cache=tuple(
            _pull_through(i, rule, acct, found) for i, rule in enumerate(table.pull_through_cache)
        ),
        creation_templates=tuple(
            _template(i, t, acct, production, found, warned) for i, t in enumerate(table.creation_template)
        ),
    )


def _unique_prefixes(key: str, prefixes: list[str], what: str, found) -> None:
    """One rule or template per prefix (ECR treats 'a' and 'a/' alike), and one Terraform address each."""
    first: dict[str, int] = {}
    for i, prefix in enumerate(prefixes):
        normal = prefix.rstrip("/")
        if normal in first:
            found.add(
                f"registry.{key}[{i}].prefix",
                [
                    (
                        "",
                        f"{show(prefix)} is already the prefix of registry.{key}[{first[normal]}]; "
                        f"ECR allows one {what} per prefix",
                    )
                ],
            )
        first.setdefault(normal, i)
    for addr, group in names.address_collisions(list(first)).items():
        for other in group[1:]:
            found.add(
                f"registry.{key}[{first[other]}].prefix",
                [
                    (
                        "",
                        f"{show(other)} maps to the Terraform address {addr!r} like "
                        f"{show(group[0])} (registry.{key}[{first[group[0]]}]); change one",
                    )
                ],
            )


def check_unique(table: schema.RegistryTable | None, found) -> None:
    """Prefixes unique among the pull through cache rules, and among the creation templates."""
    if table is not None:
        _unique_prefixes(
            "pull_through_cache",
            [r.prefix for r in table.pull_through_cache],
            "pull through cache rule",
            found,
        )
        _unique_prefixes(
            "creation_template", [t.prefix for t in table.creation_template], "creation template", found
        )


def _pull_through(
    index: int, rule: schema.PullThroughCacheTable, acct: schema.AccountTable, found
) -> PullThroughCacheRule:
    found.add(
        f"registry.pull_through_cache[{index}]",
        rules.check_pull_through(
            rule.prefix,
            rule.upstream,
            rule.registry_url,
            rule.secret,
            rule.custom_role_arn,
            rule.upstream_prefix,
            acct.id,
            acct.region,
        ),
    )
    return PullThroughCacheRule(
        prefix=rule.prefix,
        address=names.address(rule.prefix.rstrip("/")),
        upstream=rule.upstream,
        registry_url=rules.pull_through_url(rule.upstream, rule.registry_url) or "",
        secret=rule.secret,
        custom_role_arn=rule.custom_role_arn,
        upstream_prefix=rule.upstream_prefix,
    )


def _template(
    index: int,
    table: schema.CreationTemplateTable,
    acct: schema.AccountTable,
    production: bool,
    found,
    warned,
) -> CreationTemplate:
    """A creation template: its own keys, and the repository keys checked as a repository's are."""
    here = f"registry.creation_template[{index}]"
    mutable_tags = tuple(table.mutable_tags or ())
    setting, problems = mutability.resolve(table.image_tag_mutability, mutable_tags, production)
    found.add(here, problems)
    encryption, kms_key = base._encryption(table.encryption, table.kms_key, acct.region, here, here, found)
    found.add(
        here,
        rules.check_creation_template(
            table.prefix,
            table.applied_for,
            table.description,
            table.custom_role_arn,
            encryption == "KMS",
            bool(table.resource_tags),
            acct.id,
            acct.region,
        ),
    )
    if len(table.resource_tags) > base.MAX_TAGS:
        found.add(
            f"{here}.resource_tags",
            [("", f"has {len(table.resource_tags)} tags; AWS allows {base.MAX_TAGS}")],
        )
    for key, value in table.resource_tags.items():
        found.add(f"{here}.resource_tags.{key}", names.tag_key(key) or names.tag_value(value))
    policy = table.policy if table.policy is not None else "production" if production else "non_production"
    if not base.POLICY_NAME.fullmatch(policy):
        found.add(
            f"{here}.policy",
            [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")],
        )
    pulls, pushes = tuple(table.pull_account_ids or ()), tuple(table.push_principals or ())
    base.check_grants(pulls, pushes, table.org_id, acct.region, lambda key: here, found)
    return CreationTemplate(
        prefix=table.prefix,
        address=names.address(table.prefix.rstrip("/")),
        applied_for=tuple(table.applied_for),
        description=table.description,
        custom_role_arn=table.custom_role_arn,
        resource_tags=tuple(sorted(table.resource_tags.items())),
        image_tag_mutability=setting or "",
        mutable_tags=mutable_tags,
        encryption=encryption,
        kms_key=kms_key,
        policy=None if policy == "none" else policy,
        pull_account_ids=pulls,
        push_principals=pushes,
        org_id=table.org_id,
        lambda_pull=bool(table.lambda_pull),
        lifecycle_policy=base._lifecycle(
            table.lifecycle, None, f"{here}.lifecycle", production, found, warned
        ),
    )
