"""The command line (Typer): parse arguments, call one function in `ecrgen.api`, print.

The only place that exits: 0 success, 1 invalid configuration or template (nothing written),
2 usage error (Typer's own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ecrgen import api, progress
from ecrgen.errors import EcrgenError

app = typer.Typer(help="Terraform JSON for each AWS account's Amazon ECR set-up, from accounts/<ACCOUNT>.toml.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)

AccountsDir = typer.Option(Path("accounts"), "--accounts-dir", help="Folder of account files (<ACCOUNT>.toml).")
Accounts = typer.Argument(None, metavar="[ACCOUNT]...", help="Account names (file names without .toml).", show_default=False)


def fail(error: EcrgenError) -> None:
    for problem in error.problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"ecrgen: {len(error.problems)} problem(s) found; nothing was written.", err=True)
    raise typer.Exit(1)


@app.command()
def synth(accounts: Optional[List[str]] = Accounts,
          all_accounts: bool = typer.Option(False, "--all", help="Every account file in the accounts folder."),
          accounts_dir: Path = AccountsDir,
          out: Path = typer.Option(Path("cdktf.out"), "--out", help="Output folder (stacks/<ACCOUNT>/cdk.tf.json)."),
          force: bool = typer.Option(False, "--force", help="Re-synthesize accounts whose inputs did not change."),
          check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the output on disk differs.")) -> None:
    """Synthesize one Terraform stack per named account into <out>/stacks/<ACCOUNT>/cdk.tf.json."""
    if bool(accounts) == all_accounts:
        raise typer.BadParameter("name one or more accounts, or use --all (not both)")
    names = None if all_accounts else accounts
    try:
        if check:
            from ecrgen.drift import check_drift
            report = check_drift(accounts_dir, names, out)
            typer.echo(report.text())
            raise typer.Exit(1 if report.changed else 0)
        reporter = progress.for_terminal()
        try:
            results = api.synthesize(accounts_dir, names, out, force=force, progress=reporter)
        finally:
            getattr(reporter, "close", lambda: None)()
    except EcrgenError as error:
        fail(error)
    for result in results:
        typer.echo(f"{result.account}: {result.path.as_posix()} ({result.status})")


@app.command()
def validate(accounts: Optional[List[str]] = Accounts, accounts_dir: Path = AccountsDir) -> None:
    """Check config, names, lifecycle rules and rendered policies (no synthesis); all accounts when none named."""
    try:
        checked = api.validate(accounts_dir, accounts or None)
    except EcrgenError as error:
        fail(error)
    typer.echo(f"{len(checked.accounts)} account(s) valid: {', '.join(a.name for a in checked.accounts) or 'none'}")


@app.command("list")
def list_accounts(accounts_dir: Path = AccountsDir,
                  as_json: bool = typer.Option(False, "--json", help="Print a JSON list (for CI matrices).")) -> None:
    """One row per account: name, account id, region, environment, number of repositories."""
    try:
        rows = api.listing(accounts_dir)
    except EcrgenError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    header = ("ACCOUNT", "ID", "REGION", "ENVIRONMENT", "REPOSITORIES")
    table = [header] + [(r["name"], r["id"], r["region"], r["environment"], str(r["repositories"])) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ecrgen")


if __name__ == "__main__":
    sys.exit(main())


@app.command("schema")
def schema() -> None:
    """Print the account file's JSON Schema (for editors: `ecrgen schema > ecrgen.schema.json`)."""
    typer.echo(json.dumps(api.account_schema(), indent=2, sort_keys=True))


@app.command("init-ci")
def init_ci(package: str = typer.Option(None, "--package", show_default=False,
                                        help="What the workflow pip-installs: a pinned version or a git URL at a "
                                             "tag or commit (default: ecrgen==<this version>)."),
            root: Path = typer.Option(Path("."), "--dir", help="The repository that holds accounts/."),
            force: bool = typer.Option(False, "--force", help="Replace an existing, different workflow.")) -> None:
    """Write the GitHub workflow (validate, drift check, checkov, plan and guarded apply per account)."""
    try:
        path, written = api.init_ci(root, package or api.default_package(), force)
    except EcrgenError as error:
        fail(error)
    typer.echo(f"{path.as_posix()} ({'written' if written else 'unchanged'})")
