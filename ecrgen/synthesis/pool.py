"""Worker processes for large runs: how many, starting them early, sharing the accounts among them."""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from ecrgen.config.model import Account
from ecrgen.errors import EcrgenError, Problem
from ecrgen.synthesis import frames

# Below this many repositories one process is faster than starting a second Node.
PARALLEL_REPOSITORIES = 150


def jobs_for(repositories: int, stale: int) -> int:
    """Worker processes worth starting: one per core for large runs (ECRGEN_JOBS overrides)."""
    if os.environ.get("ECRGEN_JOBS"):
        return max(1, min(int(os.environ["ECRGEN_JOBS"]), stale))
    return max(1, min(os.cpu_count() or 1, stale)) if repositories >= PARALLEL_REPOSITORIES else 1


@contextlib.contextmanager
def started(jobs: int) -> Iterator[list[subprocess.Popen]]:
    """`jobs` workers when more than one is worth it (none otherwise), started now so that Node starts
    while this process validates; on the way out every worker still running is stopped."""
    workers = [start_worker() for _ in range(jobs)] if jobs > 1 else []
    try:
        yield workers
    finally:  # a worker that is still running here (an error, Ctrl-C) has nothing left to do
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def start_worker() -> subprocess.Popen:
    """A `python -O -m ecrgen.synthesis.worker`: it starts Node while this process validates."""
    return subprocess.Popen(
        [sys.executable, "-O", "-m", "ecrgen.synthesis.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def render_parallel(
    accounts: list[Account],
    workers: list[subprocess.Popen],
    done: Callable[[list[str]], None] = lambda _: None,
) -> dict[str, str]:
    """Split the accounts into shares of similar size, one per started worker, and collect the JSON."""
    shares: list[list[Account]] = [[] for _ in workers]
    weights = [0] * len(workers)
    for account in sorted(accounts, key=lambda a: (-len(a.repositories), a.name)):
        lightest = weights.index(min(weights))
        shares[lightest].append(account)
        weights[lightest] += len(account.repositories) + 5

    def run(worker: subprocess.Popen, share: list[Account]) -> dict[str, str]:
        stdout, stderr = worker.communicate(pickle.dumps(share))
        texts = received(worker.returncode, stdout, stderr, sorted(a.name for a in share))
        done(sorted(texts))
        return texts

    pool = ThreadPoolExecutor(len(workers))
    try:
        parts = list(pool.map(run, workers, shares))
    finally:  # on Ctrl-C do not wait for the threads: the caller stops their workers
        pool.shutdown(wait=False, cancel_futures=True)
    return {name: text for part in parts for name, text in sorted(part.items())}


def received(returncode: int, stdout: bytes, stderr: bytes, names: list[str]) -> dict[str, str]:
    """The texts a worker sent for the accounts `names`, each checked against its digest; an EcrgenError
    (raised before anything is written) when the worker failed or its frame is not whole and intact."""
    if returncode != 0:
        detail = stderr.decode(errors="replace").strip().splitlines()[-20:]
        reason = f"stopped with exit code {returncode}" + (":\n" + "\n".join(detail) if detail else "")
    else:
        try:
            texts = frames.decode(stdout)
        except (ValueError, KeyError, TypeError, AttributeError) as error:  # TornFrame is a ValueError
            reason = f"sent a damaged result ({error})"
        else:
            if sorted(texts) == names:
                return texts
            reason = f"sent the accounts {sorted(texts)}, not {names}"
    raise EcrgenError(
        [Problem("ecrgen synthesis worker", "", f"{reason}; nothing was written: run the command again")]
    )
