"""`[registry]` -> `Registry`: replication, pull through cache rules, the registry policy and repository
creation templates, every AWS rule checked (`ecrgen.rules`), problems under `registry.`; and warnings
(never failures) about grants that would grant nothing: a registry policy that leaves
`replication_source_account_ids` or `pull_through_principals` without effect.
"""

from __future__ import annotations

from ecrgen.config import defaults, schema
from ecrgen.config.findings import Context, Findings
from ecrgen.config.lifecycle import lifecycle_policy
from ecrgen.config.model import CreationTemplate, PullThroughCacheRule, Registry, ReplicationRule
from ecrgen.config.settings import Layers, check_template_name, resolve
from ecrgen.errors import duplicates, path_key
from ecrgen.rules import Found, arns, names, prefixes
from ecrgen.rules import account_settings as account_rules
from ecrgen.rules import tags as tag_rules
from ecrgen.rules.creation_templates import MUTABILITY_KEYS, check_creation_template, pull_through_mutability
from ecrgen.rules.encryption import KMS_TYPES
from ecrgen.rules.pull_through_cache import check_pull_through, pull_through_url
from ecrgen.rules.replication import check_replication


def registry(table: schema.RegistryTable | None, ctx: Context) -> Registry | None:
    """The resolved registry settings, problems added to `ctx.found` (warnings to `ctx.warned`)."""
    if table is None:
        return None
    acct, production, found, warned = ctx.acct, ctx.production, ctx.found, ctx.warned
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
    found.add(
        "registry.pull_time_update_exclusions",
        account_rules.check_exclusions(table.pull_time_update_exclusions, acct.region),
    )
    return Registry(
        account_settings=account_rules.account_settings(table.policy_scope, table.blob_mounting),
        pull_time_update_exclusions=tuple(table.pull_time_update_exclusions),
        policy_scope=table.policy_scope or account_rules.DEFAULT_POLICY_SCOPE,
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
    for other, message in names.address_clashes(
        list(first), lambda p: f"registry.{key}[{first[p]}]", "change one"
    ):
        found.add(f"registry.{key}[{first[other]}].prefix", [("", message)])


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
        check_pull_through(rule, acct.id, acct.region),
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
    written = [key for key in MUTABILITY_KEYS if getattr(table, key) is not None]
    warned.add(here, pull_through_mutability(table.applied_for, written, production))
    shared = resolve(
        Layers(table, None, here),
        production,
        acct.region,
        found,
        lifecycle=lambda: lifecycle_policy(
            table.lifecycle, None, f"{here}.lifecycle", production, found, warned
        ),
        then=lambda encryption: _check_template_keys(here, table, encryption in KMS_TYPES, acct, found),
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
        check_creation_template(table, kms, acct.id, acct.region),
    )
    found.add(f"{here}.resource_tags", tag_rules.check_resource_tags(table.resource_tags))
    for key, value in table.resource_tags.items():
        found.add(f"{here}.resource_tags.{path_key(key)}", names.tag_key(key) or names.tag_value(value))


GRANTS = ("replication_source_account_ids", "pull_through_principals")


def ineffective(table: schema.RegistryTable, policy: str) -> Found:
    """What in `table` has no effect with this registry policy template (or 'none')."""
    given = [key for key in GRANTS if getattr(table, key)]
    if policy == "none" and given:
        keys = " and ".join(given)
        return [
            (
                "policy",
                f"'none' means no registry policy, so {keys} grant{'s' if len(given) == 1 else ''} nothing; "
                f"remove policy = 'none' to use the built-in {defaults.REGISTRY_POLICY!r}, or remove {keys}",
            )
        ]
    if policy == defaults.REGISTRY_POLICY and table.pull_through_principals and not table.pull_through_cache:
        return [
            (
                "pull_through_principals",
                f"grant nothing: {defaults.REGISTRY_POLICY!r} grants them the prefixes of the "
                "[[registry.pull_through_cache]] rules, and there are none; add a rule or remove them",
            )
        ]
    return []
