"""`[registry]` -> `Registry`: replication, pull through cache rules, the registry policy and repository
creation templates, every AWS rule checked (`ecrgen.rules`), problems under `registry.`."""

from __future__ import annotations

from ecrgen.config import defaults, schema
from ecrgen.config.findings import Findings
from ecrgen.config.lifecycle import lifecycle_policy
from ecrgen.config.model import CreationTemplate, PullThroughCacheRule, Registry, ReplicationRule
from ecrgen.config.registry_grants import ineffective
from ecrgen.config.settings import Layers, check_template_name, resolve
from ecrgen.errors import duplicates, show
from ecrgen.rules import arns, names, prefixes
from ecrgen.rules import tags as tag_rules
from ecrgen.rules.creation_templates import check_creation_template
from ecrgen.rules.pull_through_cache import check_pull_through
from ecrgen.rules.pull_through_upstreams import pull_through_url
from ecrgen.rules.replication import check_replication


def registry(
    table: schema.RegistryTable | None,
    acct: schema.AccountTable,
    production: bool,
    found: Findings,
    warned: Findings,
) -> Registry | None:
    """The resolved registry settings, problems added to `found` (warnings to `warned`)."""
    if table is None:
        return None
    for i, account_id in enumerate(table.replication_source_account_ids):
        found.add(f"registry.replication_source_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(table.pull_through_principals):
        found.add(f"registry.pull_through_principals[{i}]", arns.principal(arn, acct.region))
    for key in ("replication_source_account_ids", "pull_through_principals"):
        if repeated := duplicates(getattr(table, key)):
            found.add(f"registry.{key}", [("", repeated)])
    grants = table.replication_source_account_ids or table.pull_through_principals
    default = defaults.REGISTRY_POLICY if grants else "none"
    policy = table.policy if table.policy is not None else default
    found.add("registry.policy", check_template_name(policy))
    warned.add("registry", ineffective(table, policy))
    replication = [
        (
            [
                (d.region, d.account_id, defaults.replication_account(d.account_id, acct.id))
                for d in rule.destinations
            ],
            rule.prefixes,
        )
        for rule in table.replication
    ]
    found.add("registry.replication", check_replication(replication, acct.id, acct.region))
    return Registry(
        policy=None if policy == "none" else policy,
        replication_source_account_ids=tuple(table.replication_source_account_ids),
        pull_through_principals=tuple(table.pull_through_principals),
        replication=tuple(
            ReplicationRule(tuple((region, account) for region, _, account in destinations), tuple(prefixes))
            for destinations, prefixes in replication
        ),
        pull_through_cache=tuple(
            _pull_through(i, rule, acct, found) for i, rule in enumerate(table.pull_through_cache)
        ),
        creation_templates=tuple(
            _template(i, t, acct, production, found, warned) for i, t in enumerate(table.creation_template)
        ),
    )


def _unique_prefixes(key: str, listed: list[str], what: str, found: Findings) -> None:
    """One rule or template per prefix (ECR treats 'a' and 'a/' alike), and one Terraform address each."""
    found.add(f"registry.{key}", prefixes.check_one_per_prefix(key, listed, what))
    first: dict[str, int] = {}
    for i, prefix in enumerate(listed):
        first.setdefault(prefix.rstrip("/"), i)
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


def check_unique(table: schema.RegistryTable | None, found: Findings) -> None:
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
    index: int, rule: schema.PullThroughCacheTable, acct: schema.AccountTable, found: Findings
) -> PullThroughCacheRule:
    found.add(
        f"registry.pull_through_cache[{index}]",
        check_pull_through(
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
        registry_url=pull_through_url(rule.upstream, rule.registry_url) or "",
        secret=rule.secret,
        custom_role_arn=rule.custom_role_arn,
        upstream_prefix=rule.upstream_prefix,
        adopt=rule.adopt,
    )


def _template(
    index: int,
    table: schema.CreationTemplateTable,
    acct: schema.AccountTable,
    production: bool,
    found: Findings,
    warned: Findings,
) -> CreationTemplate:
    """A creation template: its own keys, and the settings it shares with repositories, checked alike."""
    here = f"registry.creation_template[{index}]"
    shared = resolve(
        Layers(table, None, here),
        production,
        acct.region,
        found,
        lifecycle=lambda: lifecycle_policy(
            table.lifecycle, None, f"{here}.lifecycle", production, found, warned
        ),
        then=lambda encryption: _check_template_keys(here, table, encryption == "KMS", acct, found),
    )
    return CreationTemplate(
        **vars(shared),
        prefix=table.prefix,
        address=names.address(table.prefix.rstrip("/")),
        applied_for=tuple(table.applied_for),
        description=table.description,
        custom_role_arn=table.custom_role_arn,
        resource_tags=tuple(sorted(table.resource_tags.items())),
    )


def _check_template_keys(
    here: str, table: schema.CreationTemplateTable, kms: bool, acct: schema.AccountTable, found: Findings
) -> None:
    """A creation template's own keys (prefix, applied_for, role, description) and its resource tags."""
    found.add(
        here,
        check_creation_template(
            table.prefix,
            table.applied_for,
            table.description,
            table.custom_role_arn,
            kms,
            bool(table.resource_tags),
            acct.id,
            acct.region,
        ),
    )
    found.add(f"{here}.resource_tags", tag_rules.check_resource_tags(table.resource_tags))
    for key, value in table.resource_tags.items():
        found.add(f"{here}.resource_tags.{key}", names.tag_key(key) or names.tag_value(value))
