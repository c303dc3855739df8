"""The command line (Typer): parse arguments, call one function in `ecrgen.api`, print.

The only place that exits: 0 success, 1 invalid configuration, template or file system (for `synth`:
nothing written), 2 usage error (Typer's own), 130 interrupted (Ctrl-C). Data goes to stdout;
problems, progress and warnings go to stderr.
"""

from __future__ import annotations

import sys


def _interrupted(kind, value, traceback) -> None:
    """Ctrl-C before a command runs (while Python imports): one line instead of a traceback."""
    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write("\necrgen: interrupted.\n")
    else:
        sys.__excepthook__(kind, value, traceback)


if sys.excepthook is sys.__excepthook__:  # leave a hook someone else installed alone
    sys.excepthook = _interrupted

import contextlib  # noqa: E402  (after the hook: imports are where an early Ctrl-C lands)
import enum  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import typer  # noqa: E402

from ecrgen import __version__, api, progress, report  # noqa: E402
from ecrgen.errors import EcrgenError  # noqa: E402

app = typer.Typer(
    help="Terraform JSON for each AWS account's Amazon ECR set-up, from accounts/<ACCOUNT>.toml.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def warn(problems) -> None:
    """Warnings: on stderr, never a failure."""
    for problem in problems:
        typer.echo(f"warning: {problem}", err=True)


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
_said_interrupted = False


class Format(str, enum.Enum):
    """How `validate` reports problems: text lines (stderr), or GitHub annotations too (stdout)."""

    text = "text"
    github = "github"


def _complete_accounts(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of account names, from the accounts folder given so far."""
    from ecrgen.config.files import account_files

    try:
        known = account_files(Path(ctx.params.get("accounts_dir") or "accounts"))
    except EcrgenError:
        return []
    return [name for name in known if name.startswith(incomplete)]


def _flag(name: str, help: str) -> bool:
    """A boolean flag; metavar="": it takes no value, so its help must not show a type such as <bool>."""
    return typer.Option(False, name, help=help, metavar="", show_default=False)


AccountsDir = typer.Option(
    Path("accounts"), "--accounts-dir", metavar="PATH", help="Folder of account files (<ACCOUNT>.toml)."
)
Accounts = typer.Argument(
    None,
    metavar="ACCOUNT",
    show_default=False,
    autocompletion=_complete_accounts,
    help="Account names (file names, with or without .toml).",
)


def _version(value: bool) -> None:
    """`--version`: print it and exit before any command runs."""
    if value:
        typer.echo(f"ecrgen {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        metavar="",
        show_default=False,
        help="Print the version and exit.",
    ),
) -> None:
    """Terraform JSON for each AWS account's Amazon ECR set-up, from accounts/<ACCOUNT>.toml."""


@contextlib.contextmanager
def _reported(writes: bool, fmt: Format = Format.text) -> Iterator[None]:
    """Every EcrgenError and Ctrl-C ends here: the problems, one per line, and the exit code."""
    try:
        yield
    except EcrgenError as error:
        if fmt is Format.github:
            for line in report.github(error.problems):
                typer.echo(line)
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        written = "; nothing was written" if writes else ""
        typer.echo(f"ecrgen: {len(error.problems)} problem(s) found{written}.", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        written = " (every account's output is as it was, or completely written)" if writes else ""
        typer.echo(f"\necrgen: interrupted{written}.", err=True)
        global _said_interrupted
        _said_interrupted = True
        # That line is the last word: Node got the Ctrl-C too, and jsii's shutdown at exit may report a
        # broken pipe or relay Node's own complaint about its closed channel.
        sys.stderr.flush()
        sys.stderr = open(os.devnull, "w")
        sys.unraisablehook = lambda unraisable: None
        raise typer.Exit(INTERRUPTED)


@app.command(short_help="Synthesize the named accounts (or --all) into <out>/stacks/.")
def synth(
    accounts: list[str] | None = Accounts,
    all_accounts: bool = _flag("--all", "Every account file in the accounts folder."),
    accounts_dir: Path = AccountsDir,
    out: Path = typer.Option(
        Path("cdktf.out"), "--out", metavar="PATH", help="Output folder (stacks/<ACCOUNT>/cdk.tf.json)."
    ),
    force: bool = _flag("--force", "Re-synthesize accounts whose inputs did not change."),
    check: bool = _flag(
        "--check", "Write nothing; exit 1 if the output on disk differs or a stack folder is stale."
    ),
) -> None:
    """Synthesize one Terraform stack per named account into <out>/stacks/<ACCOUNT>/cdk.tf.json."""
    if bool(accounts) == all_accounts:
        raise typer.BadParameter("name one or more accounts, or use --all (not both)")
    names = None if all_accounts else accounts
    if check:
        with _reported(writes=True):
            drift = api.check_drift(accounts_dir, names, out)
        typer.echo(drift.text())
        raise typer.Exit(1 if drift.changed else 0)
    with _reported(writes=True):
        reporter = progress.for_terminal()
        try:
            results = api.synthesize(accounts_dir, names, out, force=force, progress=reporter, warn=warn)
        finally:
            getattr(reporter, "close", lambda: None)()
    for result in results:
        typer.echo(f"{result.account}: {result.path.as_posix()} ({result.status})")
    if all_accounts:
        from ecrgen.drift import stale_message

        for folder in api.stale_stacks(accounts_dir, out):
            typer.echo(f"ecrgen: warning: {stale_message(folder, accounts_dir)}", err=True)


@app.command(short_help="Every check that needs no synthesis.")
def validate(
    accounts: list[str] | None = Accounts,
    accounts_dir: Path = AccountsDir,
    fmt: Format = typer.Option(
        Format.text,
        "--format",
        case_sensitive=False,
        help="text, or github: also print ::error annotations (stdout) for GitHub Actions.",
    ),
) -> None:
    """Check config, names, lifecycle rules, templates and rendered policies (no synthesis); all accounts when none named."""
    with _reported(writes=False, fmt=fmt):
        checked = api.validate(accounts_dir, accounts or None)
    warn(checked.warnings)
    typer.echo(f"{len(checked.accounts)} account(s) valid: {', '.join(a.name for a in checked.accounts)}")


@app.command("list", short_help="One row per account (--json for CI matrices).")
def list_accounts(
    accounts_dir: Path = AccountsDir, as_json: bool = _flag("--json", "Print a JSON list (for CI matrices).")
) -> None:
    """One row per account: name, account id, region, environment, number of repositories."""
    with _reported(writes=False):
        rows = api.listing(accounts_dir)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    header = ("ACCOUNT", "ID", "REGION", "ENVIRONMENT", "REPOSITORIES")
    table = [header] + [
        (r["name"], r["id"], r["region"], r["environment"], str(r["repositories"])) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@app.command("check-plan", short_help="The plan guard for CI: no production repository deleted or replaced.")
def check_plan(
    account: str = typer.Argument(
        ..., metavar="ACCOUNT", autocompletion=_complete_accounts, help="The account the plan is for."
    ),
    plan: Path = typer.Argument(..., metavar="PLAN.json", help="Output of `terraform show -json PLANFILE`."),
    accounts_dir: Path = AccountsDir,
) -> None:
    """Exit 1 naming each production repository that the saved plan would delete or replace and that
    the account file does not list in allow_destroy. Run it between `terraform plan` and `apply`."""
    with _reported(writes=False):
        checked = api.check_plan(accounts_dir, account, plan)
    typer.echo(
        f"{account}: the plan deletes or replaces no production repository ({checked} repository change(s) checked)"
    )


@app.command("schema")
def schema() -> None:
    """Print the account file's JSON Schema (for editors: `ecrgen schema > ecrgen.schema.json`)."""
    typer.echo(json.dumps(api.account_schema(), indent=2, sort_keys=True))


@app.command("init-ci")
def init_ci(
    package: str = typer.Option(
        None,
        "--package",
        metavar="SPEC",
        show_default=False,
        help="What the workflow pip-installs: a pinned version or a git URL at a "
        "tag or commit (default: ecrgen==<this version>).",
    ),
    root: Path = typer.Option(
        Path("."), "--dir", metavar="PATH", help="The repository that holds accounts/."
    ),
    force: bool = _flag("--force", "Replace an existing, different workflow."),
) -> None:
    """Write the GitHub workflow (validate, drift check, checkov, plan and guarded apply per account)."""
    with _reported(writes=True):
        path, written = api.init_ci(root, package or api.default_package(), force)
    typer.echo(f"{path.as_posix()} ({'written' if written else 'unchanged'})")


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="ecrgen")
    except SystemExit as exit:
        if exit.code == INTERRUPTED and not _said_interrupted:  # Ctrl-C while Typer parsed: it exits silently
            sys.stderr.write("\necrgen: interrupted.\n")
        raise


if __name__ == "__main__":
    sys.exit(main())
