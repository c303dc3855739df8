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
from typing import TYPE_CHECKING, Protocol

from ecrgen import output
from ecrgen.config import files
from ecrgen.errors import EcrgenError, Problem
from ecrgen.synthesis import incremental, manifest, pool
from ecrgen.synthesis.environment import check_environment

if TYPE_CHECKING:  # a run with nothing stale never imports the config models (pydantic)
    from ecrgen.config.model import Account

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
# (given: what an earlier synth kept of their claims, by name), each part of them handed to `keep` as it
# is checked (an EcrgenError may still follow); the warnings.
Check = Callable[[list[str], dict[str, str], Callable[[list["Account"]], None]], tuple[Problem, ...]]
Render = Callable[[list["Account"], Callable[[str], None]], dict[str, str]]


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
    check_environment()
    chosen = files.select(accounts_dir, names)
    if names is None:  # every account: say which files look like accounts but are not read as one
        steps.warn(tuple(files.not_read(accounts_dir)))
    templates = incremental.templates_digest(accounts_dir)
    digests, repositories = {}, {}
    for name, path in chosen.items():  # each file read once, and not kept
        source = files.read(path)
        digests[name] = incremental.input_digest(name, source, templates)
        repositories[name] = len(REPOSITORY_TABLE.findall(source))
    stale = [
        name for name in chosen if force or not incremental.fresh(output.stack_path(out, name), digests[name])
    ]
    results = [
        output.Result(name, output.stack_path(out, name), "skipped") for name in chosen if name not in stale
    ]
    if stale:
        run = Stale(stale, len(chosen), digests, templates, sum(repositories[name] for name in stale))
        results += _synthesize_stale(accounts_dir, out, steps, run)
    write_manifest(accounts_dir, out)
    return sorted(results, key=lambda r: r.account)


@dataclass(frozen=True)
class Stale:
    """The accounts a run synthesizes (`names`, of `chosen` named; `repositories` among them), and every
    chosen file's input hash."""

    names: list[str]
    chosen: int
    digests: dict[str, str]
    templates: str
    repositories: int


def _synthesize_stale(accounts_dir: Path, out: Path, steps: Steps, stale: Stale) -> list[output.Result]:
    """Check the stale accounts part by part, each part's claims staged and (for worker processes) its
    accounts pickled as it is checked; then render them batch by batch, each batch's files staged as its
    texts arrive. Only once every file is staged are they all renamed into place: on any failure or
    Ctrl-C every staged file is removed again (nothing is moved into place). Memory: this process keeps
    a few kilobytes per account, not its model or its text (issue 24, item 3)."""
    names, progress, digests = stale.names, steps.progress, stale.digests
    jobs = pool.jobs_for(stale.repositories, len(names))
    with output.Staging(out) as staging:
        with pool.started(jobs, pool.in_workers(jobs, stale.repositories, len(names))) as workers:
            held: list[Account] = []
            packed: list[pool.Packed] = []
            unwritable: list[EcrgenError] = []  # raised once the check has said all it has to say

            def keep(accounts: list[Account]) -> None:
                try:
                    if not unwritable:
                        claims = {a.name: steps.claims(a) for a in accounts}
                        staging.add(output.claims_files(out, claims, digests))
                except EcrgenError as error:
                    unwritable.append(error)
                if workers:
                    packed.extend(pool.pack(account) for account in accounts)
                else:
                    held.extend(accounts)

            def arrived(texts: dict[str, str]) -> None:
                staging.add(output.account_files(out, texts, digests))
                progress.done(sorted(texts))

            kept = kept_claims(accounts_dir, out, names, digests, stale.templates)
            steps.warn(steps.check(names, kept, keep))
            if unwritable:
                raise unwritable[0]
            progress.start(
                len(names),
                f"synthesizing {len(names)} of {stale.chosen} accounts"
                + (f" in {jobs} processes" if jobs > 1 else ""),
            )
            if workers:
                pool.render_parallel(packed, workers, arrived)
            else:
                staging.add(
                    output.account_files(out, steps.render(held, lambda n: progress.done([n])), digests)
                )
        return output.results(staging.commit())


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
