"""`[account]` and `[tags]`: the account's own keys, whether it is production, its name_format and its
tags, each wired to its AWS rule."""

from __future__ import annotations

import re
import string

from ecrgen.config import schema
from ecrgen.config.findings import Findings
from ecrgen.errors import path_key, show
from ecrgen.rules import Found, arns, names, provider
from ecrgen.rules import tags as tag_rules

FORMAT_FIELDS = ("project", "environment", "name")

# Environment names (any case) that say by themselves whether an account is production. Any other name
# needs `[account] production = true|false`: a typo must never silently drop production protections.
PRODUCTION_NAMES = ("production", "prod")
NON_PRODUCTION_NAMES = (
    "development",
    "dev",
    "staging",
    "stage",
    "test",
    "testing",
    "qa",
    "uat",
    "sandbox",
    "nonprod",
    "non-production",
    "preprod",
    "pre-production",
    "demo",
)


def check_account(acct: schema.AccountTable, found: Findings) -> None:
    """The account id, region, names that become tags, and the role the provider assumes."""
    found.add("account.id", names.account_id(acct.id))
    found.add("account.region", names.region(acct.region))
    for key in ("environment", "project", "terraform_version"):
        if not getattr(acct, key).strip():
            found.add(f"account.{key}", [("", "must not be empty")])
        elif key != "terraform_version":  # the Environment and Project tags
            found.add(f"account.{key}", names.tag_value(getattr(acct, key)))
    if acct.assume_role_arn is not None:
        found.add("account.assume_role_arn", _assume_role(acct.assume_role_arn, acct))


def _assume_role(arn: str, acct: schema.AccountTable) -> Found:
    return (
        arns.matches(arn, arns.ROLE_ARN, "an IAM role ARN (arn:aws:iam::123456789012:role/NAME)")
        or arns.same_partition(arn, acct.region)
        or (provider.same_account(arn, acct.id) if names.ACCOUNT_ID.fullmatch(acct.id) else [])
    )


def production(acct: schema.AccountTable, found: Findings) -> bool:
    """Production from a known environment name or the explicit `production` key; a name that says
    neither is an error (a typo must never silently drop production protections)."""
    environment = acct.environment.lower()
    known = (
        True if environment in PRODUCTION_NAMES else False if environment in NON_PRODUCTION_NAMES else None
    )
    if acct.production is None:
        if known is None and environment.strip():
            found.add(
                "account.environment",
                [
                    (
                        "",
                        f"{show(acct.environment)} is not a known environment (production: "
                        f"{', '.join(PRODUCTION_NAMES)}; non-production: {', '.join(NON_PRODUCTION_NAMES)}; "
                        "any case); for another name, set production = true or false in [account]",
                    )
                ],
            )
        return known is not False
    if known is not None and known != acct.production:
        found.add(
            "account.production",
            [
                (
                    "",
                    f"{str(acct.production).lower()} contradicts environment {acct.environment!r}, "
                    f"a {'production' if known else 'non-production'} name; remove one of them",
                )
            ],
        )
    return acct.production


def check_tags(tags: dict[str, str], role: bool, found: Findings) -> None:
    """The account's tags: their number, each key and value, and (with a role) IAM's case rule."""
    found.add("tags", tag_rules.check_account_tags(tags))
    for key, value in tags.items():
        found.add(f"tags.{path_key(key)}", names.tag_key(key) or names.tag_value(value))
    for key, message in tag_rules.role_case_clashes(tags if role else ()):
        found.add(f"tags.{path_key(key)}", [("", message)])


def name_format(acct: schema.AccountTable, found: Findings) -> str | None:
    """The usable name_format, or None (reported). A project or environment it uses that cannot be
    part of an ECR name is blamed once, on its own key, rather than on every repository name."""
    fields, problems = _format_fields(acct.name_format)
    found.add("account.name_format", problems)
    if fields is None:
        return None
    unusable = [
        key
        for key in ("project", "environment")
        if key in fields and getattr(acct, key).strip() and names.check_name_part(getattr(acct, key))
    ]
    for key in unusable:
        found.add(f"account.{key}", names.check_name_part(getattr(acct, key)))
    return None if unusable else acct.name_format


def _format_fields(fmt: str) -> tuple[list[str] | None, Found]:
    """The fields a name_format uses, or None and why it is not allowed: plain {project},
    {environment} and {name} only, {name} required."""
    try:
        parsed = [
            (field, spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(fmt)
            if field is not None
        ]
    except ValueError as error:
        return None, [("", f"{show(fmt)} is not a valid format ({error})")]
    fields = [field for field, _, _ in parsed]
    if any(spec or conversion or re.search(r"[.\[]", field) for field, spec, conversion in parsed):
        return None, [
            (
                "",
                f"{show(fmt)} is not allowed: format specs, conversions and indexing ('{{name:.3}}', "
                "'{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} "
                "and {name}",
            )
        ]
    if [field for field in fields if field not in FORMAT_FIELDS] or "name" not in fields:
        return None, [
            (
                "",
                f"{show(fmt)} is not allowed: use {{project}}, {{environment}} and {{name}}, "
                "with {name} required",
            )
        ]
    return fields, []


def ecr_name(fmt: str | None, acct: schema.AccountTable, name: str) -> str:
    """The ECR repository name that name_format gives a repository `name` (itself without a format)."""
    return fmt.format(project=acct.project, environment=acct.environment, name=name) if fmt else name
