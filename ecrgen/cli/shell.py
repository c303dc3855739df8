"""The command line before a command runs: a Ctrl-C while Python still imports ends with one line
instead of a traceback, and the Typer app that `ecrgen.cli` registers its commands on. It imports
nothing of ecrgen (the façade is imported by `ecrgen.cli`, the one module above it)."""

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

import typer  # noqa: E402  (after the hook: imports are where an early Ctrl-C lands)

app = typer.Typer(
    help="Terraform JSON for each AWS account's Amazon ECR set-up, from accounts/<ACCOUNT>.toml.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)
