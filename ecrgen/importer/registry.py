"""The registry settings AWS holds -> `[scanning]` and `[registry]`: the scanning configuration,
replication, the registry policy, pull through cache rules and creation templates (both adopted). Pure;
a section the snapshot lacks (the endpoint did not implement it) is left out.
"""

from __future__ import annotations

import re
from typing import Any

from ecrgen.errors import show
from ecrgen.importer import settings
from ecrgen.importer.grants import registry_grants
from ecrgen.importer.settings import Context
from ecrgen.rules.names import address
from ecrgen.rules.pull_through_cache import pull_through_url

FREQUENCIES = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
# A Secrets Manager secret's ARN: its name, then '-' and six random characters AWS adds:
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
SECRET_ARN = re.compile(r"arn:[a-z-]+:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)-[A-Za-z0-9]{6}")


def sections(snapshot: dict[str, Any], context: Context) -> dict[str, Any]:
    """`scanning` and `registry`, where AWS holds something ecrgen would manage."""
    found: dict[str, Any] = {}
    if snapshot.get("scanning") is not None and (table := scanning(snapshot["scanning"], context)):
        found["scanning"] = table
    table = _policy(snapshot.get("registry_policy"), context) if "registry_policy" in snapshot else {}
    replication = (snapshot.get("replication") or {}).get("rules") or []
    if replication:
        table["replication"] = [
            _replication(i, r, snapshot["account_id"], context) for i, r in enumerate(replication)
        ]
    rules = sorted(snapshot.get("pull_through_cache") or [], key=lambda r: r.get("ecrRepositoryPrefix", ""))
    if rules:
        table["pull_through_cache"] = [_pull_through(r, snapshot["account_id"], context) for r in rules]
    templates = sorted(snapshot.get("creation_templates") or [], key=lambda t: t.get("prefix", ""))
    if templates:
        table["creation_template"] = [_template(i, t, context) for i, t in enumerate(templates)]
    table |= account_settings(snapshot.get("account_settings") or {}, context)
    excluded = sorted(str(e) for e in snapshot.get("pull_time_update_exclusions") or [])
    if excluded:
        table["pull_time_update_exclusions"] = excluded
    if table:
        found["registry"] = table
    return found


def scanning(configuration: dict[str, Any], context: Context) -> dict[str, Any] | None:
    """[scanning]; None for AWS's default (BASIC, no rules), which ecrgen leaves alone. One rule is
    written as `continuous` and `repository_filters`, two as [[scanning.rule]] tables."""
    kind, rules = configuration.get("scanType", "BASIC"), configuration.get("rules") or []
    if kind == "BASIC" and not rules:
        return None
    what = f"registry scanning configuration ({kind})"
    if not rules:
        context.problems.append(
            (what, "no rules cannot be expressed in an account file yet ([scanning] makes one at least)")
        )
        return None
    written = [_scanning_rule(rule, what, context) for rule in rules]
    if len(written) > 1:
        return {"type": kind, "rule": [{"frequency": f, "filters": filters} for f, filters in written]}
    ((frequency, filters),) = written
    return {"type": kind, "continuous": frequency == "CONTINUOUS_SCAN", "repository_filters": filters}


def _scanning_rule(rule: dict[str, Any], what: str, context: Context) -> tuple[str, list[str]]:
    """One scanning rule's frequency and filters; what an account file cannot say is a problem."""
    frequency, filters = rule.get("scanFrequency"), rule.get("repositoryFilters") or []
    if frequency not in FREQUENCIES:
        context.problems.append(
            (
                what,
                f"scan frequency {show(frequency)} cannot be expressed in an account file yet "
                "(SCAN_ON_PUSH, CONTINUOUS_SCAN)",
            )
        )
    for kind_of_filter in dict.fromkeys(
        f.get("filterType") for f in filters if f.get("filterType") != "WILDCARD"
    ):
        context.problems.append(
            (
                what,
                f"repository filter type {show(kind_of_filter)} cannot be expressed in an account "
                "file yet (repository_filters are WILDCARD filters)",
            )
        )
    return str(frequency), [f.get("filter", "") for f in filters]


def _policy(text: str | None, context: Context) -> dict[str, Any]:
    """The registry policy: registry_default's keys where its statements are the ones it writes (the
    render decides), else a template of the policy itself; nothing without one."""
    policy = None if text is None else settings.parsed(text)
    context.expected["registry"] = policy
    if policy is None:
        if text is not None:
            context.problems.append(("the registry", "its policy is not JSON"))
        return {}
    grants = None if "registry" in context.custom else registry_grants(policy, context.partition)
    return grants if grants is not None else {"policy": context.template("registry", policy, "the registry")}


def _replication(index: int, rule: dict[str, Any], account_id: str, context: Context) -> dict[str, Any]:
    destinations = [
        {"region": d.get("region", "")}
        | ({"account_id": d["registryId"]} if d.get("registryId") != account_id else {})
        for d in rule.get("destinations") or []
    ]
    filters = rule.get("repositoryFilters") or []
    for kind in dict.fromkeys(f.get("filterType") for f in filters if f.get("filterType") != "PREFIX_MATCH"):
        context.problems.append(
            (
                f"replication rule {index + 1}",
                f"repository filter type {show(kind)} cannot be expressed in an "
                "account file yet (prefixes are PREFIX_MATCH filters)",
            )
        )
    return {"destinations": destinations} | (
        {"prefixes": [f.get("filter", "") for f in filters]} if filters else {}
    )


def _pull_through(rule: dict[str, Any], account_id: str, context: Context) -> dict[str, Any]:
    """A pull through cache rule, adopted; its credential as the secret's name (ecrgen looks it up)."""
    prefix, upstream = rule.get("ecrRepositoryPrefix", ""), rule.get("upstreamRegistry", "")
    keys: dict[str, Any] = {"prefix": prefix, "upstream": upstream, "adopt": True}
    url = rule.get("upstreamRegistryUrl")
    if url and url != pull_through_url(upstream, None):
        keys["registry_url"] = url
    if credential := rule.get("credentialArn"):
        match = SECRET_ARN.fullmatch(credential)
        if match and match.group(1) == context.region and match.group(2) == account_id:
            keys["secret"] = match.group(3)
        else:
            context.problems.append(
                (
                    f"pull through cache rule {show(prefix)}",
                    f"its credential {show(credential)} cannot be "
                    "expressed in an account file (secret: the name of a Secrets Manager secret of this "
                    "account and region)",
                )
            )
    if role := rule.get("customRoleArn"):
        keys["custom_role_arn"] = role
    if (upstream_prefix := rule.get("upstreamRepositoryPrefix")) and upstream_prefix != "ROOT":
        keys["upstream_prefix"] = upstream_prefix  # ROOT: AWS's word for none
    return keys


def _template(index: int, template: dict[str, Any], context: Context) -> dict[str, Any]:
    """A repository creation template, adopted, with the repository settings it gives."""
    prefix = template.get("prefix", "")
    what = f"creation template {show(prefix)}"
    keys: dict[str, Any] = {"prefix": prefix, "applied_for": list(template.get("appliedFor") or [])}
    for key, field in (("description", "description"), ("custom_role_arn", "customRoleArn")):
        if template.get(field):
            keys[key] = template[field]
    tags = {t["Key"]: t["Value"] for t in template.get("resourceTags") or []}
    keys |= settings.mutability(
        what,
        template.get("imageTagMutability", "MUTABLE"),
        template.get("imageTagMutabilityExclusionFilters") or [],
        context,
    )
    keys |= settings.encryption(what, template.get("encryptionConfiguration") or {}, context)
    where = f"registry.creation_template[{index}]"
    hint = f"creation-template-{address(prefix)}"
    keys |= settings.repository_policy(what, where, hint, template.get("repositoryPolicy") or None, context)
    keys["adopt"] = True
    keys["lifecycle"] = settings.lifecycle(what, template.get("lifecyclePolicy") or None, context)
    if tags:
        keys["resource_tags"] = tags
    return keys


# AWS's defaults, which ecrgen leaves alone: a setting AWS holds at its default is not written.
ACCOUNT_SETTING_DEFAULTS = {"REGISTRY_POLICY_SCOPE": "V2", "BLOB_MOUNTING": "DISABLED"}


def account_settings(held: dict[str, str], context: Context) -> dict[str, Any]:
    """policy_scope and blob_mounting where AWS holds other than its default."""
    found: dict[str, Any] = {}
    scope, blob = held.get("REGISTRY_POLICY_SCOPE"), held.get("BLOB_MOUNTING")
    if scope and scope != ACCOUNT_SETTING_DEFAULTS["REGISTRY_POLICY_SCOPE"]:
        if scope == "V1":
            found["policy_scope"] = scope
        else:
            context.problems.append(
                (
                    "the registry",
                    f"policy scope {show(scope)} cannot be expressed in an account file yet (V1, V2)",
                )
            )
    if blob and blob != ACCOUNT_SETTING_DEFAULTS["BLOB_MOUNTING"]:
        if blob == "ENABLED":
            found["blob_mounting"] = True
        else:
            context.problems.append(
                (
                    "the registry",
                    f"blob mounting {show(blob)} cannot be expressed in an account file yet "
                    "(ENABLED, DISABLED)",
                )
            )
    return found
