"""What each command does, as plain functions: the CLI parses arguments, calls one of these, prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ecrgen import accounts, incremental, synth
from ecrgen.model import Account

# Below this many repositories one process is faster than starting a second Node.
PARALLEL_REPOSITORIES = 150


@dataclass(frozen=True)
class Checked:
    accounts: list[Account]
    policies: dict[tuple[str, str], str | None]


def validate(accounts_dir: Path, names: list[str] | None = None) -> Checked:
    """Every check that needs no synthesis: config, names, lifecycle rules, rendered policies."""
    from ecrgen import config, policies

    loaded = config.load_accounts(accounts_dir, names)
    return Checked(loaded, policies.render_all(loaded, accounts_dir))


def listing(accounts_dir: Path) -> list[dict]:
    """One row per account: name, account id, region, environment, number of repositories."""
    from ecrgen import config

    return [{"name": a.name, "id": a.id, "region": a.region, "environment": a.environment,
             "repositories": len(a.repositories)} for a in config.load_accounts(accounts_dir)]


class Progress:
    """Told what synthesis is doing; the CLI shows it (a bar on a terminal, plain lines in CI)."""

    def start(self, total: int, message: str) -> None: ...

    def done(self, accounts: list[str]) -> None: ...


def synthesize(accounts_dir: Path, names: list[str] | None, out: Path, force: bool = False,
               progress: Progress = Progress()) -> list[synth.Result]:
    """Synthesize the accounts whose inputs or outputs changed (all with `force`), then write them
    atomically. Unchanged accounts are recognised from file hashes alone, without parsing them."""
    files = accounts.select(accounts_dir, names)
    digests = {name: incremental.input_digest(accounts.read(path), accounts_dir) for name, path in files.items()}
    stale = [name for name in files if force or not incremental.fresh(synth.stack_path(out, name), digests[name])]
    results = [synth.Result(name, synth.stack_path(out, name), "skipped") for name in files if name not in stale]
    if stale:
        checked = validate(accounts_dir, stale)
        size = sum(len(a.repositories) for a in checked.accounts)
        jobs = jobs_for(size, len(stale))
        progress.start(len(stale), f"synthesizing {len(stale)} of {len(files)} accounts" + (f" in {jobs} processes" if jobs > 1 else ""))
        if jobs > 1:
            texts = render_parallel(accounts_dir, checked, jobs, progress.done)
        else:
            texts = synth.render(checked.accounts, checked.policies, lambda name: progress.done([name]))
        results += synth.write(out, texts, {name: digests[name] for name in texts})
    return sorted(results, key=lambda r: r.account)


def render_texts(accounts_dir: Path, names: list[str] | None) -> dict[str, str]:
    """The JSON every named account would get, without writing anything."""
    checked = validate(accounts_dir, names)
    return synth.render(checked.accounts, checked.policies)


def jobs_for(repositories: int, stale: int) -> int:
    """Worker processes worth starting: one per core for large runs (ECRGEN_JOBS overrides)."""
    if "ECRGEN_JOBS" in os.environ:
        return max(1, min(int(os.environ["ECRGEN_JOBS"]), stale))
    return max(1, min(os.cpu_count() or 1, stale)) if repositories >= PARALLEL_REPOSITORIES else 1


def render_parallel(accounts_dir: Path, checked: Checked, jobs: int,
                    done: Callable[[list[str]], None] = lambda _: None) -> dict[str, str]:
    """Split the accounts into `jobs` shares of similar size; each `python -O -m ecrgen.worker` renders one."""
    shares: list[list[str]] = [[] for _ in range(jobs)]
    weights = [0] * jobs
    for account in sorted(checked.accounts, key=lambda a: -len(a.repositories)):
        lightest = weights.index(min(weights))
        shares[lightest].append(account.name)
        weights[lightest] += len(account.repositories) + 5
    with ThreadPoolExecutor(jobs) as pool:
        parts = list(pool.map(lambda share: _run_worker(accounts_dir, share, done), shares))
    return {name: text for part in parts for name, text in sorted(part.items())}


def _run_worker(accounts_dir: Path, names: list[str], done: Callable[[list[str]], None]) -> dict[str, str]:
    command = [sys.executable, "-O", "-m", "ecrgen.worker", str(accounts_dir), *names]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"ecrgen worker failed ({finished.returncode}):\n{finished.stderr}")
    done(names)
    return json.loads(finished.stdout)
