"""Accounts -> CDKTF App -> the text of each account's `cdk.tf.json`, in memory (nothing is written).
The stack construct is given (`ecrgen.stack.AccountStack`): this module knows CDKTF, not the constructs."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecrgen.config.model import Account
from ecrgen.ecr import engine
from ecrgen.errors import EcrgenError, Problem
from ecrgen.output import STACK_FILE


def render(
    accounts: list[Account],
    stack: Callable[[Any, Account], Any],
    built: Callable[[str], None] = lambda _: None,
) -> dict[str, str]:
    """Account name -> the deterministic text of its `cdk.tf.json` (sorted keys, no absolute paths), each
    account a `stack(app, account)`. CDKTF synthesizes into a temporary folder, removed again; `built` is
    told each account's name."""
    cdktf = engine.cdktf()
    try:
        scratch = tempfile.mkdtemp(prefix="ecrgen-synth-")
    except OSError as error:
        raise EcrgenError(
            [
                Problem(
                    tempfile.gettempdir(),
                    "",
                    f"cannot be written ({error.strerror or error}): ecrgen synthesizes "
                    "in a temporary folder there first; free some space or set TMPDIR to another folder",
                )
            ]
        ) from None
    try:
        app = cdktf.App(outdir=scratch)
        for account in accounts:
            stack(app, account)
            built(account.name)
        app.synth()
        return {
            a.name: canonical((Path(scratch) / "stacks" / a.name / STACK_FILE).read_text()) for a in accounts
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def canonical(text: str) -> str:
    """Sorted keys, two-space indent, trailing newline: byte-identical on every machine."""
    return json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
