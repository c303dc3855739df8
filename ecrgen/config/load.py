"""Account files -> resolved accounts: all validation of user input; no CDKTF import.

`load_accounts` reads every named file, reports every problem of every file at once (one
`EcrgenError`), and returns frozen `ecrgen.config.model.Account` objects. A file is parsed (TOML), its
shape checked (`schema`, messages from `shape_errors`), then `resolve()` has one module per table apply the
defaults (`defaults`) and wire each field to its AWS rule (`ecrgen.rules`), and assembles the account.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from ecrgen.config import (
    account,
    alerts,
    backend,
    registry,
    repositories,
    retired,
    role,
    schema,
    shape_errors,
)
from ecrgen.config.clashes import clashes
from ecrgen.config.files import ACCOUNT_NAME, NOT_AN_ACCOUNT_NAME, read, select
from ecrgen.config.findings import Context, Findings
from ecrgen.config.model import Account, Backend, Registry, Repository, Role, enhanced
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.rules import terraform


def load_accounts(accounts_dir: Path, names: list[str] | None = None) -> list[Account]:
    """The named accounts (all when `names` is empty), or one EcrgenError listing every problem."""
    loaded, problems = load_all(accounts_dir, names)
    if problems:
        raise EcrgenError(problems)
    return loaded


def load_all(accounts_dir: Path, names: list[str] | None = None) -> tuple[list[Account], list[Problem]]:
    """The named accounts that are valid, and every problem of the others (so later stages can
    check the valid ones and report everything at once), clashes among them too."""
    loaded, problems = load_each(accounts_dir, names)
    return loaded, problems + clashes(loaded)


def load_each(accounts_dir: Path, names: list[str] | None = None) -> tuple[list[Account], list[Problem]]:
    """`load_all` without the clashes among the accounts: each file on its own (a caller that loads a
    large folder part by part checks the clashes of all of them at the end, `ecrgen.preflight`)."""
    loaded: list[Account] = []
    problems: list[Problem] = []
    for path in select(accounts_dir, names).values():
        try:
            loaded.append(load_account(path))
        except EcrgenError as error:
            problems.extend(error.problems)
    return loaded, problems


def load_account(path: Path) -> Account:
    """One account file, read, parsed and resolved. A UTF-8 byte order mark is accepted."""
    file = str(path)
    if not ACCOUNT_NAME.fullmatch(path.stem):
        raise EcrgenError([Problem(file, "", f"{show(path.stem)} {NOT_AN_ACCOUNT_NAME}")])
    source = read(path)
    try:
        raw = tomllib.loads(source.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise EcrgenError(
            [
                Problem(
                    file, "", f"is not UTF-8 text (byte {source[error.start]:#04x} at offset {error.start})"
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise EcrgenError([Problem(file, "", f"is not valid TOML: {error}")]) from None
    raw = shape_errors.switches(raw)
    try:
        return resolve(path.stem, file, schema.AccountFile.model_validate(raw))
    except ValidationError as error:
        errors = shape_errors.ordered(error.errors())
    found = list(dict.fromkeys(shape_errors.problem(file, e) for e in errors))
    try:  # Report the other problems too: drop the keys of the wrong shape and resolve the rest.
        resolve(path.stem, file, schema.AccountFile.model_validate(shape_errors.pruned(raw, errors)))
    except ValidationError:
        pass
    except EcrgenError as more:
        dropped = [shape_errors.field_path(tuple(e["loc"])) for e in errors]
        found += [
            p for p in more.problems if p not in found and not shape_errors.follows_from(p.path, dropped)
        ]
    raise EcrgenError(found)


def resolve(name: str, file: str, parsed: schema.AccountFile) -> Account:
    """The resolved account, or an EcrgenError with every problem of this file."""
    found, warned = Findings(), Findings()
    acct = parsed.account
    account.check_account(acct, found)
    account.check_tags(parsed.tags, parsed.role is not None, found)
    production = account.production(acct, found)
    state = backend.backend(name, acct.region, parsed.backend, found)
    fmt = account.name_format(acct, found)
    ctx = Context(acct, production, fmt, found, warned, tuple(parsed.tags))
    repos = [repositories.repository(i, r, parsed.defaults, ctx) for i, r in enumerate(parsed.repository)]
    repositories.check_unique(parsed.repository, found)
    retired.check_retired(acct, parsed.repository, fmt, found)
    ecr_role = role.role(parsed.role, repos, ctx)
    settings = registry.registry(parsed.registry, ctx)
    registry.check_unique(parsed.registry, found)
    version, problems = terraform.required_version(
        acct.terraform_version, _needs(acct, state, repos, ecr_role, settings, parsed.alerts)
    )
    found.add("account.terraform_version", problems)
    resolved = Account(
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
        backend=state,
        repositories=tuple(repos),
        role=ecr_role,
        retired=tuple(acct.retired),
        allow_destroy=tuple(acct.allow_destroy),
        allow_destroy_ecr=tuple(account.ecr_name(fmt, acct, name) for name in acct.allow_destroy),
        alerts=alerts.alerts(parsed.alerts, enhanced(parsed.scanning), name, found),
        scanning=alerts.scanning(parsed.scanning, found),
        registry=settings,
        warnings=tuple(dict.fromkeys(Problem(file, path, message) for path, message in warned.items)),
    )
    if found.items:
        raise EcrgenError(dict.fromkeys(Problem(file, path, message) for path, message in found.items))
    return resolved


def _needs(
    acct: schema.AccountTable,
    state: Backend,
    repos: list[Repository],
    ecr_role: Role | None,
    settings: Registry | None,
    alerts_table: schema.AlertsTable | None,
) -> tuple[tuple[str, tuple[int, int, int], str], ...]:
    """What the file uses that needs a recent Terraform (`ecrgen.rules.terraform`): import blocks for
    whatever is adopted (repositories, the role, the alert rule, registry rules and templates)."""
    adopts = [r.adopt for r in repos] + [ecr_role is not None and ecr_role.adopt]
    adopts += [alerts_table is not None and bool(alerts_table.adopt)]
    if settings is not None:
        adopts += [r.adopt for r in settings.pull_through_cache]
        adopts += [t.adopt for t in settings.creation_templates]
    return (
        ((terraform.LOCKFILE,) if state.type == "s3" and state.use_lockfile else ())
        + ((terraform.IMPORT,) if any(adopts) else ())
        + ((terraform.REMOVED,) if acct.retired else ())
    )
