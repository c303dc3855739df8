"""Parsed account file -> resolved `Account`: apply [defaults] and the production defaults, run every
AWS rule, and report every problem with its field path."""

from __future__ import annotations

import re
import string
from pathlib import PurePosixPath, PureWindowsPath

from ecrgen import schema
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.model import Account, Alerts, Backend, Repository, Role, Scanning, PRODUCTION_NAMES
from ecrgen.rules import Found, access, events, lifecycle, mutability, names

POLICY_NAME = re.compile(r"[A-Za-z0-9_-]+")
FORMAT_FIELDS = ("project", "environment", "name")
NAME_CHARACTERS = re.compile(r"[a-z0-9._/-]*")
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (keys 1-128, values 0-256, no aws: prefix)
MAX_TAGS = 50
COUNT_KEYS = ("max_image_count", "untagged_image_days", "protected_tags")
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


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
    found = _Found()
    acct = parsed.account
    _check_account(acct, found)
    _check_tags(parsed.tags, found)
    backend = _backend(name, acct.region, parsed.backend, found)
    production = acct.environment.lower() in PRODUCTION_NAMES
    formatter = _name_format(acct, found)
    repositories = [_repository(i, r, parsed.defaults, production, formatter, acct, found)
                    for i, r in enumerate(parsed.repository)]
    _check_unique(parsed.repository, found)
    enhanced = parsed.scanning is not None and parsed.scanning.type == "ENHANCED"
    account = Account(
        name=name, file=file, id=acct.id, region=acct.region, environment=acct.environment,
        project=acct.project, assume_role_arn=acct.assume_role_arn, terraform_version=acct.terraform_version,
        tags=tuple(sorted(parsed.tags.items())), backend=backend, repositories=tuple(repositories),
        role=_role(parsed.role, acct.region, found), alerts=_alerts(parsed.alerts, enhanced, found),
        scanning=_scanning(parsed.scanning, found))
    if found.items:
        raise EcrgenError(dict.fromkeys(Problem(file, path, message) for path, message in found.items))
    return account


def _check_account(acct: schema.AccountTable, found: _Found) -> None:
    found.add("account.id", names.account_id(acct.id))
    found.add("account.region", names.matches(acct.region, names.REGION, "an AWS region code such as 'us-east-1'"))
    for key in ("environment", "project", "terraform_version"):
        if not getattr(acct, key).strip():
            found.add(f"account.{key}", [("", "must not be empty")])
    if acct.assume_role_arn is not None:
        found.add("account.assume_role_arn", names.matches(acct.assume_role_arn, names.ROLE_ARN, "an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"))


def _check_tags(tags: dict[str, str], found: _Found) -> None:
    if len(tags) + 3 > MAX_TAGS:
        found.add("tags", [("", f"has {len(tags)} tags; with Project, Environment and ManagedBy AWS allows {MAX_TAGS - 3}")])
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            found.add(f"tags.{key}", [("", f"{show(key)} is not a valid tag key (1-128 chars, not starting with 'aws:')")])
        if len(value) > 256:
            found.add(f"tags.{key}", [("", "the value is longer than 256 characters")])


def _backend(account: str, region: str, table: schema.BackendTable, found: _Found) -> Backend:
    given = table.model_fields_set - {"type"}
    if table.type == "local":
        for key in sorted(given - {"path"}):
            found.add(f"backend.{key}", [("", "is only allowed with type 's3'")])
        path = table.path if table.path is not None else "terraform.tfstate"
        if not path or PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
            found.add("backend.path", [("", f"{show(path)} must be a relative path (output must not depend on the machine)")])
        return Backend(type="local", path=path)
    if "path" in given:
        found.add("backend.path", [("", "is only allowed with type 'local'")])
    if table.bucket is None:
        found.add("backend.bucket", [("", "is required with type 's3'")])
    elif not S3_BUCKET.fullmatch(table.bucket):
        found.add("backend.bucket", [("", f"{show(table.bucket)} is not a valid S3 bucket name")])
    if table.region is not None:
        found.add("backend.region", names.matches(table.region, names.REGION, "an AWS region code such as 'us-east-1'"))
    return Backend(type="s3", bucket=table.bucket, key=table.key or f"ecr/{account}.tfstate",
                   region=table.region or region, use_lockfile=table.use_lockfile is not False,
                   dynamodb_table=table.dynamodb_table, encrypt=table.encrypt is not False)


def _name_format(acct: schema.AccountTable, found: _Found):
    """The usable name_format, or None (reported). A project or environment it uses that cannot be
    part of an ECR name is blamed once, on its own key, rather than on every repository name."""
    fmt = acct.name_format
    try:
        parsed = [(field, spec, conversion) for _, field, spec, conversion in string.Formatter().parse(fmt) if field is not None]
    except ValueError as error:
        found.add("account.name_format", [("", f"{show(fmt)} is not a valid format ({error})")])
        return None
    fields = [field for field, _, _ in parsed]
    if any(spec or conversion for _, spec, conversion in parsed):
        found.add("account.name_format", [("", f"{show(fmt)} is not allowed: format specs and conversions (':...', '!r') are not supported; write plain {{project}}, {{environment}} and {{name}}")])
        return None
    bad = [field for field in fields if field not in FORMAT_FIELDS]
    if bad or "name" not in fields:
        found.add("account.name_format", [("", f"{show(fmt)} is not allowed: use {{project}}, {{environment}} and {{name}}, with {{name}} required")])
        return None
    unusable = [key for key in ("project", "environment") if key in fields and getattr(acct, key).strip()
                and not NAME_CHARACTERS.fullmatch(getattr(acct, key))]
    for key in unusable:
        found.add(f"account.{key}", [("", f"{show(getattr(acct, key))} is used in name_format but cannot be part of an ECR "
                                      f"repository name (lowercase letters, digits, and . _ - / only)")])
    return None if unusable else fmt


def _check_unique(repos: list[schema.RepositoryTable], found: _Found) -> None:
    first: dict[str, int] = {}
    for index, repo in enumerate(repos):
        if repo.name in first:
            found.add(f"repository[{index}].name", [("", f"{show(repo.name)} is already used by repository[{first[repo.name]}]; names must be unique")])
        first.setdefault(repo.name, index)
    for addr, group in names.address_collisions(list(first)).items():
        for other in group[1:]:
            found.add(f"repository[{first[other]}].name", [("", f"{show(other)} maps to the Terraform address {addr!r} like {show(group[0])} (repository[{first[group[0]]}]); rename one")])


def _repository(index: int, repo: schema.RepositoryTable, defaults: schema.RepositorySettings,
                 production: bool, fmt: str | None, acct: schema.AccountTable, found: _Found) -> Repository:
    here = f"repository[{index}]"

    def pick(key: str, default=None):
        for table in (repo, defaults):
            if key in table.model_fields_set and getattr(table, key) is not None:
                return getattr(table, key)
        return default

    ecr_name = fmt.format(project=acct.project, environment=acct.environment, name=repo.name) if fmt else repo.name
    if names.repository_name(ecr_name):
        rule = names.REPOSITORY_NAME_RULE
        message = (f"{show(ecr_name)} is not a valid ECR repository name ({rule})" if ecr_name == repo.name else
                   f"{show(repo.name)} gives the ECR repository name {show(ecr_name)} through name_format, which is not valid ({rule})")
        found.add(f"{here}.name", [("", message)])
    mutable_tags = tuple(pick("mutable_tags", []))
    setting, problems = mutability.resolve(pick("image_tag_mutability"), mutable_tags, production)
    found.add(here, problems)
    encryption, kms_key = _encryption(pick("encryption"), pick("kms_key"), here, found)
    policy = pick("policy", "production" if production else "non_production")
    if not POLICY_NAME.fullmatch(policy):
        found.add(f"{here}.policy", [("", f"{show(policy)} is not a template name (letters, digits, _ and -; or 'none')")])
    pulls, pushes, org = tuple(pick("pull_account_ids", [])), tuple(pick("push_principals", [])), pick("org_id")
    for i, account_id in enumerate(pulls):
        found.add(f"{here}.pull_account_ids[{i}]", names.account_id(account_id))
    for i, arn in enumerate(pushes):
        found.add(f"{here}.push_principals[{i}]", names.matches(arn, names.PRINCIPAL_ARN, names.PRINCIPAL_ARN_RULE)
                  or names.same_partition(arn, acct.region))
    if org is not None:
        found.add(f"{here}.org_id", names.matches(org, names.ORG_ID, "an AWS Organizations id (o- and 10-32 lowercase letters or digits)"))
    return Repository(
        name=repo.name, ecr_name=ecr_name, address=names.address(repo.name), image_tag_mutability=setting or "",
        mutable_tags=mutable_tags, scan_on_push=pick("scan_on_push", True), encryption=encryption, kms_key=kms_key,
        force_delete=pick("force_delete", False), prevent_destroy=pick("prevent_destroy", production),
        policy=None if policy == "none" else policy, pull_account_ids=pulls, push_principals=pushes, org_id=org,
        lambda_pull=pick("lambda_pull", False),
        lifecycle_policy=_lifecycle(repo.lifecycle, defaults.lifecycle, f"{here}.lifecycle", found))


def _encryption(encryption: str | None, kms_key: str | None, here: str, found: _Found) -> tuple[str, str | None]:
    if kms_key is None:
        if encryption == "KMS":
            found.add(f"{here}.kms_key", [("", "is required with encryption 'KMS' (a key ARN, or alias/NAME)")])
        return encryption or "AES256", None
    if encryption == "AES256":
        found.add(f"{here}.kms_key", [("", "is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key")])
    if not (names.KMS_KEY_ARN.fullmatch(kms_key) or names.KMS_ALIAS.fullmatch(kms_key)):
        found.add(f"{here}.kms_key", [("", f"{show(kms_key)} is not a KMS key ARN or alias (arn:aws:kms:REGION:ACCOUNT:key/ID, alias/NAME)")])
    return "KMS", kms_key


def _lifecycle(own: schema.LifecycleTable | None, default: schema.LifecycleTable | None, here: str, found: _Found) -> str | None:
    inherited = {key: getattr(default, key) for key in default.model_fields_set} if default else {}
    mine = {key: getattr(own, key) for key in own.model_fields_set} if own else {}
    # The repository's own table picks the mode: its `rules` replace inherited counts, and the reverse.
    if "rules" in mine or set(mine) & set(COUNT_KEYS):
        inherited = {key: value for key, value in inherited.items() if key == "enabled"}
    merged = {**inherited, **mine}
    if not merged.get("enabled", True):
        return None
    counts = [key for key in COUNT_KEYS if key in merged]
    if merged.get("rules") is not None:
        if counts:
            found.add(f"{here}.rules", [("", f"replaces the default policy, so {', '.join(counts)} would be ignored; keep one or the other")])
        rules = merged["rules"]
        problems = lifecycle.check_rules(rules)
        found.add(f"{here}.rules", problems)
        return None if problems else lifecycle.policy_text(rules)
    max_count, days = merged.get("max_image_count", 30), merged.get("untagged_image_days", 7)
    for key, value in (("max_image_count", max_count), ("untagged_image_days", days)):
        if value < 1:
            found.add(f"{here}.{key}", [("", f"{value} must be an integer greater than 0")])
    protected = tuple(merged.get("protected_tags") or ())
    for i, tag in enumerate(protected):
        if not re.fullmatch(r"[A-Za-z0-9._*-]{1,128}", tag) or tag.count("*") > lifecycle.MAX_WILDCARDS:
            found.add(f"{here}.protected_tags[{i}]", [("", f"{show(tag)} is not a tag pattern (1-128 chars: letters, digits, . _ - and at most {lifecycle.MAX_WILDCARDS} * wildcards)")])
    return lifecycle.default_policy_text(max(max_count, 1), max(days, 1), protected)


def _role(table: schema.RoleTable | None, region: str, found: _Found) -> Role | None:
    if table is None:
        return None
    found.add("role", access.check_role(table.name, table.github_repositories, table.trusted_principals, table.trusted_services))
    for i, arn in enumerate(table.trusted_principals):
        if names.PRINCIPAL_ARN.fullmatch(arn):
            found.add(f"role.trusted_principals[{i}]", names.same_partition(arn, region))
    return Role(table.name, table.access, tuple(table.github_repositories), tuple(table.trusted_principals), tuple(table.trusted_services))


def _alerts(table: schema.AlertsTable | None, enhanced: bool, found: _Found) -> Alerts | None:
    if table is None:
        return None
    found.add("alerts", events.check_alerts(table.sqs_queue_name, table.severities, table.cloudwatch_log_group, enhanced))
    return Alerts(table.sqs_queue_name, table.create_queue, tuple(table.severities), table.cloudwatch_log_group)


def _scanning(table: schema.ScanningTable | None, found: _Found) -> Scanning | None:
    if table is None:
        return None
    found.add("scanning", access.check_scanning(table.type, table.continuous, table.repository_filters))
    return Scanning(table.type, table.continuous, tuple(table.repository_filters))
