"""What each command does, as plain functions: the CLI parses arguments, calls one of these, prints.

A façade: each function delegates to the module that does the work (`preflight`, `synthesis`, `drift`,
`workflow`, ...), and it re-exports what the CLI needs, so the CLI imports nothing else of ecrgen.
Heavy imports (the config models, Jinja2, CDKTF) wait until a command needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ecrgen import __version__
from ecrgen.bytecode import write_missing as write_missing_bytecode
from ecrgen.config import files
from ecrgen.drift import Report, stale_message, stale_stacks
from ecrgen.errors import EcrgenError, Problem
from ecrgen.synthesis.environment import check_environment
from ecrgen.workflow import default_package

if TYPE_CHECKING:  # re-exported lazily (module __getattr__): they import the config models (pydantic)
    from ecrgen.config.clashes import Claims
    from ecrgen.config.model import Account
    from ecrgen.importer.run import Imported
    from ecrgen.output import Result
    from ecrgen.plan_check import PlanChecked
    from ecrgen.preflight import Checked
    from ecrgen.preview import Preview
    from ecrgen.synthesis.run import Progress

__all__ = [
    "Checked",
    "PlanChecked",
    "EcrgenError",
    "Problem",
    "Progress",
    "Report",
    "__version__",
    "account_names",
    "account_schema",
    "check_drift",
    "check_plan",
    "default_package",
    "import_account",
    "init_ci",
    "lifecycle_preview",
    "time_problem",
    "listing",
    "render_texts",
    "stale_message",
    "stale_stacks",
    "synthesize",
    "validate",
    "write_missing_bytecode",
]


def __getattr__(name: str) -> object:
    """The re-exported result types, imported when first asked for: `ecrgen --version` and a shell
    completion keypress import this façade but never the config models (pydantic) behind them."""
    if name == "Checked":
        from ecrgen import preflight

        return preflight.Checked
    if name == "PlanChecked":
        from ecrgen import plan_check

        return plan_check.PlanChecked
    if name == "Progress":
        from ecrgen.synthesis import run

        return run.Progress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate(accounts_dir: Path, names: list[str] | None = None) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, template files and the
    policies of every valid account; the problems of every stage in one EcrgenError."""
    from ecrgen import preflight
    from ecrgen.config import load

    return preflight.validate(load.load_each, accounts_dir, names)


def validated(accounts_dir: Path, names: list[str] | None = None) -> tuple[list[str], tuple[Problem, ...]]:
    """`validate` for the command of that name: the names of the valid accounts and the warnings, without
    keeping every account's model (a folder of thousands is checked part by part, `preflight.PART`)."""
    from ecrgen import preflight
    from ecrgen.config import load

    valid: list[str] = []
    checked = preflight.validate(
        load.load_each, accounts_dir, names, keep=lambda part: valid.extend(a.name for a in part)
    )
    return valid, checked.warnings


def listing(accounts_dir: Path) -> list[dict]:
    """One row per account: name, account id, region, environment, number of repositories."""
    from ecrgen.config import load

    return [
        {
            "name": a.name,
            "id": a.id,
            "region": a.region,
            "environment": a.environment,
            "repositories": len(a.repositories),
        }
        for a in load.load_accounts(accounts_dir)
    ]


def synthesize(
    accounts_dir: Path,
    names: list[str] | None,
    out: Path,
    force: bool = False,
    progress: Progress | None = None,
    warn: Callable[[tuple[Problem, ...]], None] = lambda _: None,
) -> list[Result]:
    """Synthesize the accounts whose inputs or outputs changed (all with `force`), then write them
    atomically. Unchanged accounts are recognised from file hashes alone, without parsing them; `warn`
    receives the warnings of the accounts validated."""
    from ecrgen.synthesis import run

    def check(
        stale: list[str], known: dict[str, str], keep: Callable[[list[Account]], None]
    ) -> tuple[Problem, ...]:
        from ecrgen import preflight  # only when something is stale: they import the config models
        from ecrgen.config import load

        return preflight.for_synth(load.load_each, accounts_dir, stale, out, known, keep)[1]

    def kept(account: Account) -> str:
        from ecrgen import preflight

        return preflight.kept(account)

    steps = run.Steps(check, _render, kept, progress or run.QUIET, warn)
    return run.synthesize(accounts_dir, names, out, steps, force)


def render_texts(accounts_dir: Path, names: list[str] | None) -> dict[str, str]:
    """The JSON every named account would get, without writing anything."""
    check_environment()
    return _render(validate(accounts_dir, names).accounts)


def _render(accounts: list[Account], built: Callable[[str], None] = lambda _: None) -> dict[str, str]:
    """The accounts' texts, each an `ecrgen.stack.AccountStack` (imported only now: it starts Node)."""
    from ecrgen.stack import AccountStack
    from ecrgen.synthesis import render

    return render.render(accounts, AccountStack, built)


def check_drift(accounts_dir: Path, names: list[str] | None, out: Path) -> Report:
    """What `synth` would change on disk (`ecrgen.drift.Report`); writes nothing."""
    from ecrgen import drift

    return drift.check_drift(render_texts(accounts_dir, names), accounts_dir, names, out)


def check_plan(accounts_dir: Path, name: str, plan_file: Path, migration: bool = False) -> PlanChecked:
    """The plan guard for CI: EcrgenError naming each production or adopted repository the saved plan
    (JSON of `terraform show -json`) would delete or replace, and in a `migration` each it would create;
    else what was checked, and as warnings what the plan takes away from guarded repositories."""
    from ecrgen import plan_check, preflight
    from ecrgen.config import load

    def others() -> tuple[list[Claims], list[str]]:
        return preflight.other_claims(load.load_all, accounts_dir, name)

    return plan_check.check_plan(load.load_all, accounts_dir, name, plan_file, migration, others)


def account_names(accounts_dir: Path) -> list[str]:
    """The account names of a folder (its `<ACCOUNT>.toml` files), for shell completion."""
    return list(files.account_files(accounts_dir))


def account_schema() -> dict:
    """The account file's JSON Schema, generated from the models (for editors: taplo, Even Better TOML)."""
    from ecrgen.editors import account_schema as generate

    return generate()


def init_ci(root: Path, package: str, force: bool = False) -> tuple[Path, bool]:
    """Write `.github/workflows/ecrgen.yml` under `root`; an existing, different file only with `force`.
    Returns the path and whether it was written."""
    from ecrgen import workflow

    return workflow.init_ci(root, package, force)


def import_account(
    accounts_dir: Path,
    name: str,
    region: str,
    environment: str,
    project: str | None = None,
    force: bool = False,
) -> Imported:
    """Write `<accounts_dir>/<name>.toml` (and `iam_policies/` templates) from the ECR set-up of the AWS
    account the credential chain reaches, checked as `validate` checks it; an existing file only with
    `force`. Nothing is written on any error (EcrgenError); sections the endpoint does not implement are
    left out with a warning (`Imported.warnings`)."""
    from ecrgen import preflight
    from ecrgen.config import load
    from ecrgen.importer import run
    from ecrgen.importer.translate import Options

    file = str(accounts_dir / f"{name}{files.ACCOUNT_SUFFIX}")
    options = Options(name, file, region, environment, project or name)

    def verify(folder: Path, names: list[str]) -> Checked:
        return preflight.validate(load.load_each, folder, names)

    return run.import_account(accounts_dir, options, force, verify)


def time_problem(text: str | None) -> str | None:
    """What is wrong with a `--at` value (None: it is a time, or not given): a usage error, found before
    any file is read."""
    from ecrgen import images

    return None if text is None or images.parse_time(text) is not None else images.not_a_time(text)


def lifecycle_preview(
    accounts_dir: Path,
    name: str,
    repository: str,
    images: Path | None,
    at: str | None = None,
    deployed: tuple[str, ...] = (),
) -> Preview:
    """What the repository's effective lifecycle policy (the one `synth` emits) does to its images: those
    of a describe-images file `images`, or (None) those AWS holds; `at` is ISO 8601 (default now). The
    account is checked as `validate` checks it; no CDKTF is imported."""
    import dataclasses

    from ecrgen import preview

    checked = validate(accounts_dir, [name])
    result = preview.preview(checked.accounts[0], repository, images, at, deployed)
    return dataclasses.replace(result, warnings=checked.warnings + tuple(result.unmatched()))
