"""Accounts -> CDKTF App -> files on disk. The only module that writes files, and it writes atomically.

Each account's JSON is synthesized into a temporary folder first; only when every account has
succeeded is each `cdk.tf.json` moved into place with an atomic rename. Other files in a stack
folder (Terraform's `.terraform/`, lock file, local state) are never touched.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ecrgen import incremental
from ecrgen.model import Account

STACK_FILE = "cdk.tf.json"


@dataclass(frozen=True)
class Result:
    account: str
    path: Path
    status: str  # "written" (new bytes), "unchanged" (re-synthesized, same bytes), "skipped" (inputs unchanged)


def render(accounts: list[Account], policies: dict[tuple[str, str], str | None],
           built: Callable[[str], None] = lambda _: None) -> dict[str, str]:
    """Account name -> the deterministic text of its `cdk.tf.json` (sorted keys, no absolute paths)."""
    from ecrgen import engine
    from ecrgen.stack import AccountStack

    cdktf = engine.cdktf()
    with tempfile.TemporaryDirectory(prefix="ecrgen-synth-") as scratch:
        app = cdktf.App(outdir=scratch)
        for account in accounts:
            own = {repo: text for (name, repo), text in policies.items() if name == account.name}
            AccountStack(app, account, own)
            built(account.name)
        app.synth()
        return {a.name: canonical((Path(scratch) / "stacks" / a.name / STACK_FILE).read_text()) for a in accounts}


def canonical(text: str) -> str:
    """Sorted keys, two-space indent, trailing newline: byte-identical on every machine."""
    return json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def stack_path(out: Path, account: str) -> Path:
    return out / "stacks" / account / STACK_FILE


def write(out: Path, texts: dict[str, str], digests: dict[str, str]) -> list[Result]:
    """Write every account's file (and its input hash), each through a temporary file and an atomic
    rename; nothing is renamed into place until every file is staged."""
    staged: list[tuple[Path, Path]] = []
    try:
        for account, text in texts.items():
            target = stack_path(out, account)
            staged.append((_stage(target, text), target))
            record = target.parent / incremental.RECORD
            staged.append((_stage(record, incremental.record(digests[account], text)), record))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    results = []
    for temporary, target in staged:
        changed = not (target.is_file() and target.read_bytes() == temporary.read_bytes())
        os.replace(temporary, target)
        if target.name == STACK_FILE:
            results.append(Result(target.parent.name, target, "written" if changed else "unchanged"))
    return results


def _stage(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 would make the stack unreadable to other users
    return Path(temporary)


MANIFEST = "manifest.json"


def manifest_text(stacks: list[str]) -> str:
    """The `manifest.json` CDKTF's `app.synth()` writes beside `stacks/`, which the `cdktf` CLI
    reads (`cdktf list`, `diff`, `deploy`) to find each stack's folder and file."""
    from importlib.metadata import version

    entries = {name: {"annotations": [], "constructPath": name, "dependencies": [], "name": name,
                      "stackMetadataPath": f"stacks/{name}/metadata.json",
                      "synthesizedStackPath": f"stacks/{name}/{STACK_FILE}",
                      "workingDirectory": f"stacks/{name}"} for name in sorted(stacks)}
    return json.dumps({"stacks": entries, "version": version("cdktf")}, sort_keys=True, indent=2) + "\n"


def write_manifest(out: Path, stacks: list[str]) -> None:
    """Write `<out>/manifest.json` for these stacks (atomically, and only when its bytes change)."""
    write_file(out / MANIFEST, manifest_text(stacks))


def write_file(target: Path, text: str) -> bool:
    """Write one file through a temporary file and an atomic rename; False when it already held `text`."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    os.replace(_stage(target, text), target)
    return True
