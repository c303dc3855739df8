"""The command line (Typer): parse arguments, call one function in `ecrgen.commands`, print.

Where a command's exit code is decided: 0 success, 1 invalid configuration, template or file system
(for `synth`: nothing written) or a guard refused (drift, `check-plan`), 2 usage error (Typer's own),
130 interrupted (Ctrl-C; `ecrgen.__main__` says the same when Ctrl-C comes while Python still imports).
`ecrgen.checkov_gate` is a script of its own (`python -m ecrgen.checkov_gate`) with its own exit code.
Data goes to stdout; problems, progress and warnings go to stderr. Of ecrgen it imports only the
façade, `ecrgen.commands`.
"""

from __future__ import annotations

from ecrgen.cli.shell import INTERRUPTED, app  # first: it catches a Ctrl-C while the rest imports

# isort: split

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import typer

from ecrgen import commands
from ecrgen.cli import params, progress, report
from ecrgen.cli.params import Format

_said_interrupted = False
_quiet = False  # `ecrgen --quiet ...`: no progress


def _complete_accounts(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of account names, from the accounts folder given so far."""
    try:
        known = commands.account_names(Path(ctx.params.get("accounts_dir") or "accounts"))
    except commands.EcrgenError:
        return []
    return [name for name in known if name.startswith(incomplete)]


Accounts = typer.Argument(
    None,
    metavar="ACCOUNT",
    show_default=False,
    autocompletion=_complete_accounts,
    help="Account names (file names, with or without .toml).",
)
PlanAccount = typer.Argument(
    ..., metavar="ACCOUNT", autocompletion=_complete_accounts, help="The account the plan is for."
)
PreviewAccount = typer.Argument(
    ..., metavar="ACCOUNT", autocompletion=_complete_accounts, help="The account the repository is in."
)


def _version(value: bool) -> None:
    """`--version`: print it and exit before any command runs."""
    if value:
        typer.echo(f"ecrgen {commands.__version__}")
        raise typer.Exit()


Version = typer.Option(
    False,
    "--version",
    callback=_version,
    is_eager=True,
    metavar="",
    show_default=False,
    help="Print the version and exit.",
)


@app.callback()
def options(version: bool = Version, quiet: bool = params.QUIET) -> None:
    """Terraform JSON for each AWS account's Amazon ECR set-up, from accounts/<ACCOUNT>.toml."""
    global _quiet
    _quiet = quiet


@contextlib.contextmanager
def _reported(writes: bool, fmt: Format = Format.text) -> Iterator[None]:
    """Every EcrgenError and Ctrl-C ends here: the problems, one per line, and the exit code."""
    try:
        yield
    except commands.EcrgenError as error:
        if fmt is Format.json:
            typer.echo(report.document([], errors=error.problems, warned=error.warnings))
        report.warnings(error.warnings, github_too=fmt is Format.github)
        report.problems(list(error.problems), github_too=fmt is Format.github, writes=writes)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        report.interrupted(writes)
        global _said_interrupted
        _said_interrupted = True
        raise typer.Exit(INTERRUPTED) from None


@app.command(short_help="Synthesize the named accounts (or --all) into <out>/stacks/.")
def synth(
    accounts: list[str] | None = Accounts,
    all_accounts: bool = params.ALL,
    accounts_dir: Path = params.ACCOUNTS_DIR,
    out: Path = params.OUT,
    force: bool = params.FORCE_SYNTH,
    check: bool = params.CHECK,
) -> None:
    """Synthesize one Terraform stack per named account into <out>/stacks/<ACCOUNT>/cdk.tf.json."""
    if bool(accounts) == all_accounts:
        raise typer.BadParameter("name one or more accounts, or use --all (not both)")
    names = None if all_accounts else accounts
    if check:
        with _reported(writes=True):
            drift = commands.check_drift(accounts_dir, names, out)
        typer.echo(drift.text())
        raise typer.Exit(1 if drift.changed else 0)
    with _reported(writes=True):
        reporter = None if _quiet else progress.for_terminal()
        try:
            results = commands.synthesize(
                accounts_dir, names, out, force=force, progress=reporter, warn=report.warnings
            )
        finally:
            getattr(reporter, "close", lambda: None)()
    for result in results:
        typer.echo(f"{result.account}: {result.path.as_posix()} ({result.status})")
    if all_accounts:
        for folder in commands.stale_stacks(accounts_dir, out):
            typer.echo(f"ecrgen: warning: {commands.stale_message(folder, accounts_dir)}", err=True)


@app.command(short_help="Every check that needs no synthesis.")
def validate(
    accounts: list[str] | None = Accounts,
    accounts_dir: Path = params.ACCOUNTS_DIR,
    fmt: Format = params.FORMAT,
) -> None:
    """Check config, names, lifecycle rules, templates and rendered policies (no synthesis); all
    accounts when none named."""
    with _reported(writes=False, fmt=fmt):
        names, warnings = commands.validated(accounts_dir, accounts or None)
    if fmt is Format.json:
        typer.echo(report.document(names, warned=warnings))
        return
    report.warnings(warnings, github_too=fmt is Format.github)
    typer.echo(f"{len(names)} account(s) valid: {', '.join(names)}")


@app.command("list", short_help="One row per account (--json for CI matrices).")
def list_accounts(accounts_dir: Path = params.ACCOUNTS_DIR, as_json: bool = params.JSON) -> None:
    """One row per account: name, account id, region, environment, number of repositories."""
    with _reported(writes=False):
        rows = commands.listing(accounts_dir)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for line in report.table(rows):
        typer.echo(line)


@app.command("check-plan", short_help="The plan guard for CI: no guarded repository deleted or replaced.")
def check_plan(
    account: str = PlanAccount,
    plan: Path = params.PLAN,
    accounts_dir: Path = params.ACCOUNTS_DIR,
    migration: bool = params.MIGRATION,
    fmt: Format = params.FORMAT,
) -> None:
    """Exit 1 naming each production or adopted repository that the saved plan would delete or replace
    and that the account file does not list in allow_destroy. Run it between `terraform plan` and `apply`."""
    with _reported(writes=False, fmt=fmt):
        checked = commands.check_plan(accounts_dir, account, plan, migration)
    if fmt is Format.json:
        typer.echo(report.document([account], warned=checked.warnings))
        return
    typer.echo(report.plan_checked(account, checked, migration, github_too=fmt is Format.github))


@app.command("import", short_help="Write accounts/<ACCOUNT>.toml from what the AWS account holds.")
def import_account(
    account: str = params.IMPORT_ACCOUNT,
    region: str = params.REGION,
    environment: str = params.ENVIRONMENT,
    project: str | None = params.PROJECT,
    accounts_dir: Path = params.ACCOUNTS_DIR,
    force: bool = params.FORCE_IMPORT,
) -> None:
    """Write <accounts-dir>/<ACCOUNT>.toml from the AWS account the credential chain reaches (honours
    AWS_ENDPOINT_URL), every repository adopted (adopt = true); nothing is written on any error."""
    with _reported(writes=True):
        imported = commands.import_account(accounts_dir, account, region, environment, project, force)
    report.warnings(imported.warnings)
    for path in imported.written:
        typer.echo(f"{path.as_posix()} (written)")


@app.command("lifecycle-preview", short_help="What a repository's lifecycle policy would expire, offline.")
def lifecycle_preview(  # noqa: PLR0913  (a Typer command's parameters are its options, one each)
    account: str = PreviewAccount,
    repository: str = params.REPOSITORY,
    images: Path | None = params.IMAGES,
    from_aws: bool = params.FROM_AWS,
    at: str | None = params.AT,
    deployed: list[str] | None = params.DEPLOYED,
    as_json: bool = params.PREVIEW_JSON,
    accounts_dir: Path = params.ACCOUNTS_DIR,
) -> None:
    """Evaluate the repository's effective lifecycle policy (ecrgen's default policy or its rules) on
    its images as Amazon ECR does: per rule, the images it would expire or transition. With --deployed,
    exit 1 if an image carrying one of those tags would be expired or transitioned."""
    if (images is None) != from_aws:
        raise typer.BadParameter("give --images FILE or --from-aws (one of them)")
    wrong = commands.time_problem(at)
    if wrong:
        raise typer.BadParameter(wrong, param_hint="'--at'")
    with _reported(writes=False):
        result = commands.lifecycle_preview(
            accounts_dir, account, repository, images, at, tuple(deployed or ())
        )
    report.warnings(result.warnings)
    typer.echo(result.json_text() if as_json else "\n".join(result.lines()))
    refused = result.refused()
    if refused:
        report.problems(refused, github_too=False, writes=False)
        raise typer.Exit(1)


@app.command("schema")
def schema() -> None:
    """Print the account file's JSON Schema (for editors: `ecrgen schema > ecrgen.schema.json`)."""
    typer.echo(json.dumps(commands.account_schema(), indent=2, sort_keys=True))


@app.command("init-ci")
def init_ci(package: str = params.PACKAGE, root: Path = params.ROOT, force: bool = params.FORCE_CI) -> None:
    """Write the GitHub workflow (validate, drift check, checkov, plan and guarded apply per account)."""
    with _reported(writes=True):
        path, written = commands.init_ci(root, package or commands.default_package(), force)
    typer.echo(f"{path.as_posix()} ({'written' if written else 'unchanged'})")


def main() -> None:
    """Console-script entry point. A run that ends (not interrupted) leaves the bytecode of what it
    imported behind, when Python wrote none (`ecrgen.bytecode`); a Ctrl-C then stops that quietly (each
    file is written whole or not at all), and the command's exit code stands. After it, Ctrl-C is
    ignored: what is left is Python's shutdown, where jsii waits up to 5 s for its Node process to exit;
    a Ctrl-C landing there would print a traceback ("Exception ignored in atexit callback") under a
    finished run."""
    try:
        app(prog_name="ecrgen")
    except SystemExit as exit:
        if exit.code == INTERRUPTED and not _said_interrupted:  # Ctrl-C while Typer parsed: it exits silently
            sys.stderr.write("\necrgen: interrupted.\n")
        elif exit.code != INTERRUPTED:
            with contextlib.suppress(KeyboardInterrupt):
                commands.write_missing_bytecode()
        raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
