"""The command line's options and arguments (Typer declarations, no ecrgen import)."""

from __future__ import annotations

import enum
from pathlib import Path

import typer


class Format(str, enum.Enum):  # noqa: UP042  (a StrEnum would change str(Format.text))
    """How `validate` and `check-plan` report problems: text lines (stderr), GitHub annotations too
    (stdout), or one JSON document (stdout; the text lines stay on stderr)."""

    text = "text"
    github = "github"
    json = "json"


def flag(name: str, help: str) -> bool:
    """A boolean flag; metavar="": it takes no value, so its help must not show a type such as <bool>."""
    return typer.Option(False, name, help=help, metavar="", show_default=False)


ACCOUNTS_DIR = typer.Option(
    Path("accounts"), "--accounts-dir", metavar="PATH", help="Folder of account files (<ACCOUNT>.toml)."
)
OUT = typer.Option(
    Path("cdktf.out"), "--out", metavar="PATH", help="Output folder (stacks/<ACCOUNT>/cdk.tf.json)."
)
ALL = flag("--all", "Every account file in the accounts folder.")
FORCE_SYNTH = flag("--force", "Re-synthesize accounts whose inputs did not change.")
CHECK = flag("--check", "Write nothing; exit 1 if the output on disk differs or a stack folder is stale.")
FORMAT = typer.Option(
    Format.text,
    "--format",
    case_sensitive=False,
    help="text; github: also ::error and ::warning annotations (stdout) for GitHub Actions; json: one JSON "
    'document on stdout: {"ok", "accounts", "problems": [{"file", "line", "path", "message", "severity"}]}.',
)
JSON = flag("--json", "Print a JSON list (for CI matrices).")
QUIET = typer.Option(
    False,
    "--quiet",
    "-q",
    metavar="",
    show_default=False,
    help="No progress (stderr: synth's bar or lines); problems and warnings still print.",
)
MIGRATION = flag(
    "--migration",
    "Also refuse any repository the plan would create: a migration imports every repository.",
)
PLAN = typer.Argument(..., metavar="PLAN.json", help="Output of `terraform show -json PLANFILE`.")
PACKAGE = typer.Option(
    None,
    "--package",
    metavar="SPEC",
    show_default=False,
    help="What the workflow pip-installs: a git URL at a commit or tag, or a wheel's URL "
    "(default: the git URL and commit this ecrgen was installed from; required otherwise).",
)
ROOT = typer.Option(Path("."), "--dir", metavar="PATH", help="The repository that holds accounts/.")
FORCE_CI = flag("--force", "Replace an existing, different workflow.")
IMPORT_ACCOUNT = typer.Argument(
    ..., metavar="ACCOUNT", help="The account file to write: <accounts-dir>/<ACCOUNT>.toml."
)
REGION = typer.Option(..., "--region", metavar="REGION", help="The AWS region to read (e.g. eu-west-1).")
ENVIRONMENT = typer.Option(
    ...,
    "--environment",
    metavar="ENV",
    help="[account] environment (production names switch on its defaults).",
)
PROJECT = typer.Option(
    None, "--project", metavar="P", show_default=False, help="[account] project (default: the account name)."
)
FORCE_IMPORT = flag("--force", "Replace an existing account file (and policy templates of other text).")
REPOSITORY = typer.Argument(
    ..., metavar="REPOSITORY", help="The repository's name in the account file ([[repository]] name)."
)
IMAGES = typer.Option(
    None,
    "--images",
    metavar="FILE",
    show_default=False,
    help="The JSON that `aws ecr describe-images --repository-name R --filter imageStatus=ANY` prints.",
)
FROM_AWS = flag("--from-aws", "Read the images from AWS (credential chain; AWS_ENDPOINT_URL honoured).")
AT = typer.Option(
    None,
    "--at",
    metavar="TIMESTAMP",
    show_default=False,
    help="The evaluation time, ISO 8601 (default: now).",
)
DEPLOYED = typer.Option(
    None,
    "--deployed",
    metavar="TAG",
    show_default=False,
    help="A deployed image's tag (repeatable): exit 1 if an image carrying it would be expired or "
    "transitioned.",
)
PREVIEW_JSON = flag("--json", 'Print {"repository": ..., "images": [...]} (for CI).')
