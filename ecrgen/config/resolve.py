"""Parsed account file -> resolved `Account`: apply [defaults] and the production defaults, run every
AWS rule, and report every problem with its field path."""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath

from ecrgen import documents
from ecrgen.config import schema
from ecrgen.config.model import (
    NON_PRODUCTION_NAMES,
    PRODUCTION_NAMES,
    Account,
    Alerts,
    Backend,
    Repository,
    Role,
    Scanning,
)
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.rules import Found, access, events, lifecycle, mutability, names, terraform

POLICY_NAME = re.compile(r"[A-Za-z0-9_-]+")
FORMAT_FIELDS = ("project", "environment", "name")
NAME_CHARACTERS = re.compile(r"[a-z0-9._/-]*")
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (keys 1-128, values 0-256, no aws: prefix)
MAX_TAGS = 50
DEFAULT_TAG_KEYS = ("Project", "Environment", "ManagedBy")
COUNT_KEYS = ("max_image_count", "untagged_image_days", "protected_tags")
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a role's inline policies
# together at most 10,240 characters; a role trust policy 2,048 by default (a quota raisable to 4,096).
# IAM counts without whitespace, as ecrgen writes them.
ROLE_POLICY_LIMIT = 10_240
TRUST_POLICY_DEFAULT, TRUST_POLICY_MAX = 2_048, 4_096
PREFIX_SEPARATORS = ("/", "-", "_", ".")


class _Found:
    """Collects (path, message) pairs under a path prefix."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, prefix: str, found: Found) -> None:
        for sub, message in found:
            joined = prefix + sub if not sub or sub[0] in ".[" else f"{prefix}.{sub}" if prefix else sub
            self.items.append((joined, message))


def resolve(name: str, file: str, parsed: schema.AccountFile) -> Account:
    """The resolved account, or an EcrgenError with every problem of this file."""
    found, warned = _Found(), _Found()
    acct = parsed.account
    _check_account(acct, found)
    _check_tags(parsed.tags, parsed.role is not None, found)
    production = _production(acct, found)
    backend = _backend(name, acct.region, parsed.backend, found)
    formatter = _name_format(acct, found)
    repositories = [
        _repository(i, r, parsed.defaults, production, formatter, acct, found, warned)
        for i, r in enumerate(parsed.repository)
    ]
    _check_unique(parsed.repository, found)
    _check_retired(acct, parsed.repository, formatter, found)
    role = _role(parsed.role, acct, production, formatter, repositories, found, warned)
    from ecrgen.config import registry as resolve_registry  # imports this module's helpers

    registry = resolve_registry.registry(parsed.registry, acct, production, found, warned)
    resolve_registry.check_unique(parsed.registry, found)
    needs = (
        ((terraform.LOCKFILE,) if backend.type == "s3" and backend.use_lockfile else ())
        + ((terraform.IMPORT,) if any(r.adopt for r in repositories) or (role and role.adopt) else ())
        + ((terraform.REMOVED,) if acct.retired else ())
    )
    version, problems = terraform.required_version(acct.terraform_version, needs)
    found.add("account.terraform_version", problems)
    enhanced = parsed.scanning is not None and parsed.scanning.type == "ENHANCED"
    account = Account(
        name=name,
        file=file,
        id=acct.id,
        region=acct.region,
        environment=acct.environment,
        production=production,
        project=acct.project,
        assume_role_arn=acct.assume_role_arn,
        terraform_version=version,
        tags=tuple(sorted(parsed.tags.items())),
        backend=backend,
        repositories=tuple(repositories),
        role=role,
        retired=tuple(acct.retired),
        allow_destroy=tuple(acct.allow_destroy),
        alerts=_alerts(parsed.alerts, enhanced, name, found),
        scanning=_scanning(parsed.scanning, found),
        registry=registry,
        warnings=tuple(dict.fromkeys(Problem(file, path, message) for path, message in warned.items)),
    )
    if found.items:
        raise EcrgenError(dict.fromkeys(Problem(file, path, message) for path, message in found.items))
    return account


def _check_account(acct: schema.AccountTable, found: _Found) -> None:
    found.add("account.id", names.account_id(acct.id))
    found.add("account.region", names.region(acct.region))
    for key in ("environment", "project", "terraform_version"):
        if not getattr(acct, key).strip():
            found.add(f"account.{key}", [("", "must not be empty")])
        elif key != "terraform_version":  # the Environment and Project tags
            found.add(f"account.{key}", names.tag_value(getattr(acct, key)))
    if acct.assume_role_arn is not None:
        found.add(
            "account.assume_role_arn",
            names.matches(
                acct.assume_role_arn, names.ROLE_ARN, "an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"
            )
            or names.same_partition(acct.assume_role_arn, acct.region)
            or (_same_account(acct.assume_role_arn, acct.id) if names.ACCOUNT_ID.fullmatch(acct.id) else []),
        )


def _same_account(role_arn: str, account_id: str) -> Found:
    """The provider allows only this account (allowed_account_ids), so the role it assumes must live in it:
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs#allowed_account_ids"""
    other = role_arn.split(":")[4]
    if other == account_id:
        return []
    return [
        (
            "",
            f"{show(role_arn)} is a role in account {other}; the provider allows only account {account_id} "
            "(allowed_account_ids), so Terraform would stop at plan: assume a role in this account",
        )
    ]


def _production(acct: schema.AccountTable, found: _Found) -> bool:
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
                        f"{show(acct.environment)} is not a known environment (production: {', '.join(PRODUCTION_NAMES)}; "
                        f"non-production: {', '.join(NON_PRODUCTION_NAMES)}; any case); "
                        "for another name, set production = true or false in [account]",
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


def _check_tags(tags: dict[str, str], role: bool, found: _Found) -> None:
    total = len(set(tags) | set(DEFAULT_TAG_KEYS))  # a user tag of a default's key replaces it
    if total > MAX_TAGS:
        found.add(
            "tags",
            [
                (
                    "",
                    f"has {len(tags)} tags; with Project, Environment and ManagedBy that makes {total} and AWS allows {MAX_TAGS}",
                )
            ],
        )
    for key, value in tags.items():
        found.add(f"tags.{key}", names.tag_key(key) or names.tag_value(value))
    # IAM role tag keys are not case sensitive: 'team' and 'Team' on the role (default_tags reach it)
    # are duplicates to IAM: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
    first: dict[str, str] = {key.lower(): key for key in DEFAULT_TAG_KEYS}
    for key in tags if role else ():
        if key.lower() in first and first[key.lower()] != key:
            found.add(
                f"tags.{key}",
                [
                    (
                        "",
                        f"{show(key)} differs from the tag {first[key.lower()]!r} only in case; IAM treats the role's tag keys "
                        f"case-insensitively and rejects both: use {first[key.lower()]!r}",
                    )
                ],
            )
        first.setdefault(key.lower(), key)


def _backend(account: str, region: str, table: schema.BackendTable, found: _Found) -> Backend:
    given = table.model_fields_set - {"type"}
    if table.type == "local":
        for key in sorted(given - {"path"}):
            found.add(f"backend.{key}", [("", "is only allowed with type 's3'")])
        path = table.path if table.path is not None else "terraform.tfstate"
        if not path or PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
            found.add(
                "backend.path",
                [("", f"{show(path)} must be a relative path (output must not depend on the machine)")],
            )
        return Backend(type="local", path=path)
    if "path" in given:
        found.add("backend.path", [("", "is only allowed with type 'local'")])
    if table.bucket is None:
        found.add("backend.bucket", [("", "is required with type 's3'")])
    else:
        found.add("backend.bucket", terraform.check_s3_bucket(table.bucket))
    if table.region is not None:
        found.add("backend.region", names.region(table.region))
    if table.key is not None:
        found.add("backend.key", terraform.check_s3_key(table.key))
    if table.dynamodb_table is not None:
        found.add("backend.dynamodb_table", terraform.check_dynamodb_table(table.dynamodb_table))
    return Backend(
        type="s3",
        bucket=table.bucket,
        key=table.key or f"ecr/{account}.tfstate",
        region=table.region or region,
        use_lockfile=table.use_lockfile is not False,
        dynamodb_table=table.dynamodb_table,
        encrypt=table.encrypt is not False,
    )


def _name_format(acct: schema.AccountTable, found: _Found):
    """The usable name_format, or None (reported). A project or environment it uses that cannot be
    part of an ECR name is blamed once, on its own key, rather than on every repository name."""
    fmt = acct.name_format
    try:
        parsed = [
            (field, spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(fmt)
            if field is not None
        ]
    except ValueError as error:
        found.add("account.name_format", [("", f"{show(fmt)} is not a valid format ({error})")])
        return None
    fields = [field for field, _, _ in parsed]
    if any(spec or conversion or re.search(r"[.\[]", field) for field, spec, conversion in parsed):
        found.add(
            "account.name_format",
            [
                (
                    "",
                    f"{show(fmt)} is not allowed: format specs, conversions and indexing ('{{name:.3}}', '{{name!r}}', "
                    "'{name[0]}') are not supported; use plain {project}, {environment} and {name}",
                )
            ],
        )
        return None
    bad = [field for field in fields if field not in FORMAT_FIELDS]
    if bad or "name" not in fields:
        found.add(
            "account.name_format",
            [
                (
                    "",
                    f"{show(fmt)} is not allowed: use {{project}}, {{environment}} and {{name}}, with {{name}} required",
                )
            ],
        )
        return None
    unusable = [
        key
        for key in ("project", "environment")
        if key in fields and getattr(acct, key).strip() and not NAME_CHARACTERS.fullmatch(getattr(acct, key))
    ]
    for key in unusable:
        found.add(
            f"account.{key}",
            [
                (
                    "",
                    f"{show(getattr(acct, key))} is used in name_format but cannot be part of an ECR "
                    f"repository name (lowercase letters, digits, and . _ - / only)",
                )
            ],
        )
    return None if unusable else fmt


def _check_unique(repos: list[schema.RepositoryTable], found: _Found) -> None:
    first: dict[str, int] = {}
    for index, repo in enumerate(repos):
        if repo.name in first:
            found.add(
                f"repository[{index}].name",
                [
                    (
                        "",
                        f"{show(repo.name)} is already used by repository[{first[repo.name]}]; names must be unique",
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
                        f"{show(other)} maps to the Terraform address {addr!r} like {show(group[0])} (repository[{first[group[0]]}]); rename one",
                    )
                ],
            )


def _check_retired(
    acct: schema.AccountTable, repos: list[schema.RepositoryTable], fmt: str | None, found: _Found
) -> None:
    """`retired` and `allow_destroy` name repositories (by their `name` key) that left the file: names
    that a [[repository]] could have had (its ECR name, through name_format, valid)."""
    current = {names.address(r.name): r.name for r in repos}
    for key in ("retired", "allow_destroy"):
        listed = getattr(acct, key)
        for i, name in enumerate(listed):
            ecr_name = (
                fmt.format(project=acct.project, environment=acct.environment, name=name) if fmt else name
            )
            if not name.strip() or name != name.strip():
                found.add(
                    f"account.{key}[{i}]",
                    [("", f"{show(name)} is not a repository name (the `name` of a former [[repository]])")],
                )
            elif names.repository_name(ecr_name):
                through = "" if ecr_name == name else f" (through name_format: {show(ecr_name)})"
                found.add(
                    f"account.{key}[{i}]",
                    [
                        (
                            "",
                            f"{show(name)} is not the `name` a [[repository]] could have had: not a valid ECR "
                            f"repository name{through} ({names.REPOSITORY_NAME_RULE})",
                        )
                    ],
                )
            elif key == "retired" and names.address(name) in current:
                found.add(
                    f"account.{key}[{i}]",
                    [
                        (
                            "",
                            f"{show(name)} is still a [[repository]] ({show(current[names.address(name)])}); "
                            "a retired repository is one taken out of the file: remove its [[repository]] or take it out of retired",
                        )
                    ],
                )
            elif key == "allow_destroy" and current.get(names.address(name), name) != name:
                # The plan guard matches by Terraform address: this name would let the other repository go.
                found.add(
                    f"account.{key}[{i}]",
                    [
                        (
                            "",
                            f"{show(name)} has the Terraform address of the [[repository]] "
                            f"{show(current[names.address(name)])}, so it would let that repository be "
                            "deleted; name the repository exactly, or take it out of allow_destroy",
                        )
                    ],
                )
        if len(set(listed)) != len(listed):
            found.add(f"account.{key}", [("", "has duplicates")])
    for i, name in enumerate(acct.allow_destroy):
        if name in acct.retired:
            found.add(
                f"account.allow_destroy[{i}]",
                [
                    (
                        "",
                        f"{show(name)} is also in retired: retired keeps the repository in AWS, "
                        "allow_destroy lets Terraform delete it; choose one",
                    )
                ],
            )


def _repository(
    index: int,
    repo: schema.RepositoryTable,
    defaults: schema.RepositorySettings,
    production: bool,
    fmt: str | None,
    acct: schema.AccountTable,
    found: _Found,
    warned: _Found,
) -> Repository:
    here = f"repository[{index}]"

    def written(table, key: str) -> bool:
        return key in table.model_fields_set and getattr(table, key) is not None

    def pick(key: str, default=None):
        for table in (repo, defaults):
            if written(table, key):
                return getattr(table, key)
        return default

    def at(*keys: str) -> str:
        """Where the values of `keys` in effect were written: `defaults` when every one of them that is
        set comes from [defaults] (so a problem there is reported once, not once per repository)."""
        given = [key for key in keys if written(repo, key) or written(defaults, key)]
        return "defaults" if given and not any(written(repo, key) for key in given) else here

    ecr_name = (
        fmt.format(project=acct.project, environment=acct.environment, name=repo.name) if fmt else repo.name
    )
    if names.repository_name(ecr_name):
        rule = names.REPOSITORY_NAME_RULE
        message = (
            f"{show(ecr_name)} is not a valid ECR repository name ({rule})"
            if ecr_name == repo.name
            else f"{show(repo.name)} gives the ECR repository name {show(ecr_name)} through name_format, which is not valid ({rule})"
        )
        found.add(f"{here}.name", [("", message)])
    mutable_tags = tuple(pick("mutable_tags", []))
    # An empty list says nothing; in a repository it may only clear the filters [defaults] gives.
    empty = pick("mutable_tags") == [] and not (at("mutable_tags") == here and defaults.mutable_tags)
    if empty:
        found.add(
            f"{at('mutable_tags')}.mutable_tags", [("", "must list 1 to 5 tag filters (or leave it out)")]
        )
    setting, problems = mutability.resolve(pick("image_tag_mutability"), mutable_tags, production)
    if not empty:
        found.add(at("mutable_tags") if setting else at("image_tag_mutability", "mutable_tags"), problems)
    encryption, kms_key = _encryption(
        pick("encryption"), pick("kms_key"), acct.region, at("kms_key"), at("encryption", "kms_key"), found
    )
    policy = pick("policy", "production" if production else "non_production")
    if not POLICY_NAME.fullmatch(policy):
        found.add(
            f"{at('policy')}.policy",
            [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")],
        )
    pulls, pushes, org = (
        tuple(pick("pull_account_ids", [])),
        tuple(pick("push_principals", [])),
        pick("org_id"),
    )
    check_grants(pulls, pushes, org, acct.region, at, found)
    return Repository(
        name=repo.name,
        ecr_name=ecr_name,
        address=names.address(repo.name),
        image_tag_mutability=setting or "",
        mutable_tags=mutable_tags,
        scan_on_push=pick("scan_on_push", True),
        encryption=encryption,
        kms_key=kms_key,
        force_delete=pick("force_delete", False),
        prevent_destroy=pick("prevent_destroy", production),
        policy=None if policy == "none" else policy,
        pull_account_ids=pulls,
        push_principals=pushes,
        org_id=org,
        lambda_pull=pick("lambda_pull", False),
        adopt=pick("adopt", False),
        policy_from_defaults=at("policy") == "defaults",
        lifecycle_policy=_lifecycle(
            repo.lifecycle, defaults.lifecycle, f"{here}.lifecycle", production, found, warned
        ),
    )


def check_grants(
    pulls: tuple[str, ...],
    pushes: tuple[str, ...],
    org: str | None,
    region: str,
    at: Callable[[str], str],
    found: _Found,
) -> None:
    """Who a policy template grants to: account ids, principal ARNs, the organization; `at(key)` is the
    table the key was written in (a repository, [defaults], a creation template)."""
    for i, account_id in enumerate(pulls):
        found.add(f"{at('pull_account_ids')}.pull_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(pushes):
        found.add(f"{at('push_principals')}.push_principals[{i}]", names.principal(arn, region))
    for key, values in (("pull_account_ids", pulls), ("push_principals", pushes)):
        if len(set(values)) != len(values):
            found.add(f"{at(key)}.{key}", [("", "has duplicates")])
    if org is not None:
        found.add(
            f"{at('org_id')}.org_id",
            names.matches(
                org, names.ORG_ID, "an AWS Organizations id (o- and 10-32 lowercase letters or digits)"
            ),
        )


def _encryption(
    encryption: str | None, kms_key: str | None, region: str, key_at: str, both_at: str, found: _Found
) -> tuple[str, str | None]:
    if kms_key is None:
        if encryption == "KMS":
            found.add(
                f"{both_at}.kms_key", [("", "is required with encryption 'KMS' (a key ARN, or alias/NAME)")]
            )
        return encryption or "AES256", None
    if encryption == "AES256":
        found.add(
            f"{both_at}.kms_key",
            [("", "is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key")],
        )
    found.add(f"{key_at}.kms_key", names.kms_key(kms_key, region))
    # ECR's own AWS managed key is what KMS encryption without a key uses; it may not exist yet to look up.
    return "KMS", None if kms_key == names.ECR_MANAGED_ALIAS else kms_key


def _lifecycle(
    own: schema.LifecycleTable | None,
    default: schema.LifecycleTable | None,
    here: str,
    production: bool,
    found: _Found,
    warned: _Found,
) -> str | None:
    inherited = {key: getattr(default, key) for key in default.model_fields_set} if default else {}
    mine = {key: getattr(own, key) for key in own.model_fields_set} if own else {}
    # Key by key, the repository's own keys winning; but the two modes replace each other: the
    # repository's `rules` drop inherited counts, and its count keys drop inherited `rules`.
    if "rules" in mine:
        inherited = {key: value for key, value in inherited.items() if key not in COUNT_KEYS}
    if set(mine) & set(COUNT_KEYS):
        inherited.pop("rules", None)
    merged = {**inherited, **mine}
    if not merged.get("enabled", True):
        return None

    def at(*keys: str) -> str:
        """Where the keys in effect were written (once at defaults.lifecycle when all come from there)."""
        given = [key for key in keys if key in merged]
        return "defaults.lifecycle" if given and not any(key in mine for key in given) else here

    counts = [key for key in COUNT_KEYS if key in merged]
    if merged.get("rules") is not None:
        if counts:
            found.add(
                f"{at('rules', *counts)}.rules",
                [
                    (
                        "",
                        f"replaces the default policy, so {', '.join(counts)} would be ignored; keep one or the other",
                    )
                ],
            )
        rules = merged["rules"]
        problems = lifecycle.check_rules(rules)
        found.add(f"{at('rules')}.rules", problems)
        return None if problems else lifecycle.policy_text(rules)
    max_count, days = merged.get("max_image_count", 30), merged.get("untagged_image_days", 7)
    for key, value in (("max_image_count", max_count), ("untagged_image_days", days)):
        if value < 1:
            found.add(f"{at(key)}.{key}", [("", f"{value} must be an integer greater than 0")])
    protected = tuple(merged.get("protected_tags") or ())
    bad_tags = [
        i
        for i, tag in enumerate(protected)
        if not re.fullmatch(r"[A-Za-z0-9._*-]{1,128}", tag) or tag.count("*") > lifecycle.MAX_WILDCARDS
    ]
    for i in bad_tags:
        found.add(
            f"{at('protected_tags')}.protected_tags[{i}]",
            [
                (
                    "",
                    f"{show(protected[i])} is not a tag pattern (1-128 chars: letters, digits, . _ - and at most {lifecycle.MAX_WILDCARDS} * wildcards)",
                )
            ],
        )
    if len(set(protected)) != len(protected):
        found.add(
            f"{at('protected_tags')}.protected_tags",
            [
                (
                    "",
                    "has duplicates (each pattern becomes one lifecycle rule, and ECR rejects two rules selecting the same images)",
                )
            ],
        )
        protected = tuple(dict.fromkeys(protected))
    if production and not protected:
        warned.add(
            at(*COUNT_KEYS),
            [
                (
                    "",
                    "the default lifecycle policy of a production repository has no protected_tags: it expires any image beyond "
                    f"the newest {max_count}, deployed ones too; list the tags of deployed images (e.g. protected_tags = ['prod-*', 'v*'])",
                )
            ],
        )
    text, problems = lifecycle.default_policy(max(max_count, 1), max(days, 1), protected)
    if not bad_tags:
        found.add(
            at(*COUNT_KEYS),
            [
                (
                    "",
                    f"the default policy these settings give is not accepted by ECR: {'rules' + sub + ': ' if sub else ''}{message}",
                )
                for sub, message in problems
            ],
        )
    return text


def _role(
    table: schema.RoleTable | None,
    acct: schema.AccountTable,
    production: bool,
    fmt: str | None,
    repositories: list[Repository],
    found: _Found,
    warned: _Found,
) -> Role | None:
    if table is None:
        return None
    found.add(
        "role",
        access.check_role(
            table.name, table.github_repositories, table.trusted_principals, table.trusted_services
        ),
    )
    for i, arn in enumerate(table.trusted_principals):
        found.add(f"role.trusted_principals[{i}]", names.principal(arn, acct.region))
    if production and table.access == "push":
        for i, entry in enumerate(table.github_repositories):
            who, repo = access.broad_trust(entry), access.repository_part(entry)
            if who:
                warned.add(
                    f"role.github_repositories[{i}]",
                    [
                        (
                            "",
                            f"{show(entry)} lets {who} push to production repositories; "
                            f"name a ref or an environment ('{repo}:ref:refs/heads/main', '{repo}:environment:production')",
                        )
                    ],
                )
    role = Role(
        table.name,
        table.access,
        tuple(table.github_repositories),
        tuple(table.trusted_principals),
        tuple(table.trusted_services),
        adopt=table.adopt,
    )
    return _role_sizes(role, acct, fmt, repositories, found, warned)


def _role_sizes(
    role: Role,
    acct: schema.AccountTable,
    fmt: str | None,
    repositories: list[Repository],
    found: _Found,
    warned: _Found,
) -> Role:
    """IAM's size limits on the role, measured on the policies as AWS will hold them (real ARNs). An
    inline policy listing too many repositories is scoped by the name prefix that name_format gives."""
    part = names.partition(acct.region)
    arn = f"arn:{part}:ecr:{acct.region}:{acct.id}:repository/"
    size = len(documents.text(documents.role_policy(role.access, [arn + r.ecr_name for r in repositories])))
    if size > ROLE_POLICY_LIMIT:
        prefix = (
            fmt.split("{name}")[0].format(project=acct.project, environment=acct.environment) if fmt else ""
        )
        too_big = (
            f"its inline policy would be {size} characters with {len(repositories)} repository ARNs; IAM allows "
            f"{ROLE_POLICY_LIMIT} for a role's inline policies"
        )
        if not prefix:
            found.add(
                "role",
                [
                    (
                        "",
                        f"{too_big}: give name_format a prefix before {{name}} "
                        "(e.g. '{project}/{name}') so ecrgen can grant on that prefix instead",
                    )
                ],
            )
        elif not prefix.endswith(PREFIX_SEPARATORS):
            # 'p*' would also grant on 'payments/...' of another project: the prefix must end at a separator.
            found.add(
                "role",
                [
                    (
                        "",
                        f"{too_big}, and the name prefix {prefix!r} that name_format gives does not end in a separator "
                        f"(/ - _ .), so granting on 'repository/{prefix}*' would also cover other repositories whose names "
                        f"start with {prefix!r}: put a separator after the prefix in name_format (e.g. '{{project}}/{{name}}')",
                    )
                ],
            )
        else:
            role = dataclasses.replace(role, repository_prefix=prefix)
    oidc = f"arn:{part}:iam::{acct.id}:oidc-provider/{documents.GITHUB_HOST}"
    trust = len(documents.text(documents.trust_policy(role, oidc)))
    if trust > TRUST_POLICY_MAX:
        found.add(
            "role",
            [
                (
                    "",
                    f"its trust policy would be {trust} characters; IAM allows at most {TRUST_POLICY_MAX} "
                    "(github_repositories, trusted_principals and trusted_services make it): split the role",
                )
            ],
        )
    elif trust > TRUST_POLICY_DEFAULT:
        warned.add(
            "role",
            [
                (
                    "",
                    f"its trust policy would be {trust} characters; IAM's default quota is {TRUST_POLICY_DEFAULT} "
                    f"(raisable to {TRUST_POLICY_MAX} through Service Quotas): apply fails unless the quota was raised",
                )
            ],
        )
    return role


def _alerts(table: schema.AlertsTable | None, enhanced: bool, account: str, found: _Found) -> Alerts | None:
    if table is None:
        return None
    found.add(
        "alerts",
        events.check_alerts(
            table.sqs_queue_name, table.severities, table.cloudwatch_log_group, enhanced, account
        ),
    )
    return Alerts(
        table.sqs_queue_name, table.create_queue, tuple(table.severities), table.cloudwatch_log_group
    )


def _scanning(table: schema.ScanningTable | None, found: _Found) -> Scanning | None:
    if table is None:
        return None
    found.add("scanning", access.check_scanning(table.type, table.continuous, table.repository_filters))
    return Scanning(table.type, table.continuous, tuple(table.repository_filters))
