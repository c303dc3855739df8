"""`[role]` -> `Role`: who may assume it, and IAM's size limits measured on its policies as AWS will
hold them (`ecrgen.rules.role`)."""

from __future__ import annotations

import dataclasses
import string

from ecrgen.config import schema
from ecrgen.config.findings import Context, Findings
from ecrgen.config.model import Repository, Role
from ecrgen.errors import show
from ecrgen.rules import arns, policy_documents
from ecrgen.rules import role as role_rules


def role(table: schema.RoleTable | None, repositories: list[Repository], ctx: Context) -> Role | None:
    """The resolved role (None without [role]), problems added to `ctx.found`, warnings to `ctx.warned`."""
    if table is None:
        return None
    acct, production, fmt, found, warned = ctx.acct, ctx.production, ctx.fmt, ctx.found, ctx.warned
    found.add(
        "role",
        role_rules.check_role(
            table.name, table.github_repositories, table.trusted_principals, table.trusted_services
        ),
    )
    for i, arn in enumerate(table.trusted_principals):
        found.add(f"role.trusted_principals[{i}]", arns.principal(arn, acct.region))
    if production and table.access == "push":
        for i, entry in enumerate(table.github_repositories):
            who, repo = role_rules.broad_trust(entry), role_rules.repository_part(entry)
            if who:
                warned.add(
                    f"role.github_repositories[{i}]",
                    [
                        (
                            "",
                            f"{show(entry)} lets {who} push to production repositories; name a ref or an "
                            f"environment ('{repo}:ref:refs/heads/main', '{repo}:environment:production')",
                        )
                    ],
                )
    resolved = Role(
        table.name,
        table.access,
        tuple(table.github_repositories),
        tuple(table.trusted_principals),
        tuple(table.trusted_services),
        adopt=table.adopt,
    )
    return _sized(resolved, acct, fmt, repositories, found, warned)


def _sized(
    resolved: Role,
    acct: schema.AccountTable,
    fmt: str | None,
    repositories: list[Repository],
    found: Findings,
    warned: Findings,
) -> Role:
    """The role within IAM's size limits: an inline policy listing too many repositories is scoped by
    the name prefix that name_format gives."""
    part = arns.partition(acct.region)
    arn = f"arn:{part}:ecr:{acct.region}:{acct.id}:repository/"
    policy = policy_documents.role_policy(resolved.access, [arn + r.ecr_name for r in repositories])
    size = len(policy_documents.text(policy))
    # Only a policy over the limit needs the prefix (and only then is it computed, as it always was).
    prefix = _name_prefix(fmt, acct) if size > role_rules.ROLE_POLICY_LIMIT else ""
    scope, problems = role_rules.inline_policy_scope(size, len(repositories), prefix)
    found.add("role", problems)
    if scope is not None:
        resolved = dataclasses.replace(resolved, repository_prefix=scope)
    oidc = f"arn:{part}:iam::{acct.id}:oidc-provider/{policy_documents.GITHUB_HOST}"
    errors, warnings = role_rules.check_trust_policy(
        len(policy_documents.text(policy_documents.trust_policy(resolved, oidc)))
    )
    found.add("role", errors)
    warned.add("role", warnings)
    return resolved


def _name_prefix(fmt: str | None, acct: schema.AccountTable) -> str:
    """What every repository name starts with, as name_format gives it: its text before the {name} field
    (escaped braces, `{{` and `}}`, count as the one brace they stand for)."""
    values = {"project": acct.project, "environment": acct.environment}
    prefix = ""
    for literal, field, _, _ in string.Formatter().parse(fmt or ""):
        prefix += literal
        if field == "name":
            break
        prefix += values.get(field or "", "")
    return prefix
