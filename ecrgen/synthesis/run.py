"""One synthesis run: which accounts are stale (file hashes only), checking and rendering those (in
worker processes for large runs), writing them, and the manifest. How accounts are checked and
rendered is given by the caller (`ecrgen.commands`, as `Steps`): of the config this module knows where
the files are (`ecrgen.config.files`) and the `Account` type it passes along, never how files are loaded
or checked, and it never imports CDKTF."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ecrgen import output
from ecrgen.config import files
from ecrgen.config.model import Account
from ecrgen.errors import EcrgenError, Problem
from ecrgen.synthesis import incremental, manifest, pool
from ecrgen.synthesis.environment import check_environment

# A [[repository]] table header, as TOML allows it written (`[[ repository ]]` too): counted, not parsed.
REPOSITORY_TABLE = re.compile(rb"^[ \t]*\[\[[ \t]*repository[ \t]*\]\]", re.MULTILINE)


class Progress(Protocol):
    """Told what synthesis is doing; the CLI shows it (a bar on a terminal, plain lines in CI)."""

    def start(self, total: int, message: str) -> None:
        """`total` accounts are about to be synthesized; `message` says so."""

    def done(self, accounts: list[str]) -> None:
        """These accounts are synthesized."""


class Quiet:
    """Progress that shows nothing."""

    def start(self, total: int, message: str) -> None:
        """Nothing to show."""

    def done(self, accounts: list[str]) -> None:
        """Nothing to show."""


QUIET = Quiet()

# The accounts named, validated and checked against the output folder and the folder's other accounts
# (given: what an earlier synth kept of their claims, by name); the valid accounts and the warnings.
Check = Callable[[list[str], dict[str, str]], tuple[list[Account], tuple[Problem, ...]]]
Render = Callable[[list[Account], Callable[[str], None]], dict[str, str]]


@dataclass(frozen=True)
class Steps:
    """What the caller gives a run: how it checks and renders the accounts it synthesizes, what of an
    account is kept beside its output for the next run's clash check (`claims`, text), where it shows
    progress, and who receives the warnings `check` returns."""

    check: Check
    render: Render
    claims: Callable[[Account], str]
    progress: Progress = QUIET
    warn: Callable[[tuple[Problem, ...]], None] = lambda _: None


def synthesize(
    accounts_dir: Path, names: list[str] | None, out: Path, steps: Steps, force: bool = False
) -> list[output.Result]:
    """Synthesize the accounts whose inputs or outputs changed (all with `force`), then write them
    atomically. Unchanged accounts are recognised from file hashes alone, without parsing them."""
    progress = steps.progress
    check_environment()
    chosen = files.select(accounts_dir, names)
    sources = {name: files.read(path) for name, path in chosen.items()}
    templates = incremental.templates_digest(accounts_dir)
    digests = {name: incremental.input_digest(name, source, templates) for name, source in sources.items()}
    stale = [
        name for name in chosen if force or not incremental.fresh(output.stack_path(out, name), digests[name])
    ]
    results = [
        output.Result(name, output.stack_path(out, name), "skipped") for name in chosen if name not in stale
    ]
    if not stale:
        write_manifest(accounts_dir, out)
        return results
    repositories = sum(len(REPOSITORY_TABLE.findall(sources[name])) for name in stale)
    jobs = pool.jobs_for(repositories, len(stale))
    with pool.started(jobs, pool.in_workers(jobs, repositories, len(stale))) as workers:
        checked, warnings = steps.check(stale, kept_claims(accounts_dir, out, stale, digests, templates))
        steps.warn(warnings)
        progress.start(
            len(stale),
            f"synthesizing {len(stale)} of {len(chosen)} accounts"
            + (f" in {jobs} processes" if jobs > 1 else ""),
        )
        if workers:
            texts = pool.render_parallel(checked, workers, progress.done)
        else:
            texts = steps.render(checked, lambda name: progress.done([name]))
    claims = {account.name: steps.claims(account) for account in checked}
    results += output.write(out, texts, {name: digests[name] for name in texts}, claims)
    write_manifest(accounts_dir, out)
    return sorted(results, key=lambda r: r.account)


def kept_claims(
    accounts_dir: Path, out: Path, stale: list[str], digests: dict[str, str], templates: str
) -> dict[str, str]:
    """The claims kept beside the output of every other account of the folder whose file is what it was
    when that output was written (its input hash matches): those files need not be loaded again."""
    kept = {}
    for name, path in files.account_files(accounts_dir).items():
        if name in stale:
            continue
        try:
            digest = digests.get(name) or incremental.input_digest(name, files.read(path), templates)
        except EcrgenError:  # unreadable: the check loads it, and says nothing of it (its own problem)
            continue
        claims = output.read_claims(out, name, digest)
        if claims is not None:
            kept[name] = claims
    return kept


def write_manifest(accounts_dir: Path, out: Path) -> None:
    """CDKTF's `manifest.json`, listing every account of the folder whose stack is on disk, so the
    `cdktf` CLI (`cdktf list`, `diff STACK`, `deploy STACK`) works on ecrgen's output."""
    stacks = [name for name in files.account_files(accounts_dir) if output.stack_path(out, name).is_file()]
    output.write_file(out / output.MANIFEST, manifest.text(stacks))
