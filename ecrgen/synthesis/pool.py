"""Worker processes for large runs: how many, starting them early, sharing the accounts among them in
batches of bounded size, each batch in a fresh process (jsii keeps every object a process made until
it ends: a Node process's memory grows with the accounts it built, so none builds more than a batch).
The parent holds each account pickled (`Packed`, a few kilobytes), not its validated model, until its
batch is sent; each account's text goes on to the caller as its frame arrives (`collect`)."""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, cast

from ecrgen.errors import EcrgenError, Problem
from ecrgen.synthesis import frames

if TYPE_CHECKING:  # pickle imports the models where an account is unpacked
    from ecrgen.config.model import Account

# Below this many repositories one process is faster than starting a second Node.
PARALLEL_REPOSITORIES = 150
# The most one worker process builds: an account weighs its repositories + 5 (about 400 accounts of 20
# repositories; that Node process peaks near 320 MB, ~0.25 MB per account over its ~200 MB start, since
# accounts reach Node in a few bulk calls each). A run heavier than this always uses worker processes.
BATCH_WEIGHT = 10000


def weight(account: Account) -> int:
    """What building an account costs, in repositories (the account's own resources count as 5)."""
    return len(account.repositories) + 5


def jobs_for(repositories: int, stale: int) -> int:
    """Worker processes worth starting: one per core for large runs (ECRGEN_JOBS overrides)."""
    if os.environ.get("ECRGEN_JOBS"):
        return max(1, min(int(os.environ["ECRGEN_JOBS"]), stale))
    return max(1, min(os.cpu_count() or 1, stale)) if repositories >= PARALLEL_REPOSITORIES else 1


def in_workers(jobs: int, repositories: int, stale: int) -> bool:
    """Whether the run goes to worker processes: more than one is worth it, or it is heavier than one
    batch (then even one job runs in workers, batch after batch, so that memory stays bounded)."""
    return jobs > 1 or repositories + 5 * stale > BATCH_WEIGHT


@dataclass(frozen=True)
class Packed:
    """An account as the parent keeps it for a worker: its name, its `weight`, and the model pickled."""

    name: str
    weight: int
    pickled: bytes


def pack(account: Account) -> Packed:
    """The account pickled, with what it weighs."""
    return Packed(account.name, weight(account), pickle.dumps(account, pickle.HIGHEST_PROTOCOL))


def unpack(data: bytes) -> list[Account]:
    """The accounts of a batch as a worker reads them from its stdin (`render_parallel` sends them)."""
    return [pickle.loads(pickled) for pickled in pickle.loads(data)]


def batches(accounts: list[Packed], jobs: int = 1) -> list[list[Packed]]:
    """The accounts in batches of at most BATCH_WEIGHT (an account heavier than that alone), as even as
    the accounts allow: as few batches as that bound permits, rounded up to a multiple of `jobs` so that
    every process has as much to do (the run ends when the last batch does). Heaviest accounts first,
    each into the lightest batch it fits."""
    ordered = sorted(accounts, key=lambda a: (-a.weight, a.name))
    alone = [[a] for a in ordered if a.weight >= BATCH_WEIGHT]
    rest = [a for a in ordered if a.weight < BATCH_WEIGHT]
    count = -(-sum(a.weight for a in rest) // BATCH_WEIGHT)
    count = min(len(rest), -(-count // jobs) * jobs)
    found: list[list[Packed]] = [[] for _ in range(count)]
    loads = [0] * count
    for account in rest:
        lightest = min(range(len(found)), key=lambda i: (loads[i], i))
        if loads[lightest] + account.weight > BATCH_WEIGHT:
            found.append([])
            loads.append(0)
            lightest = len(found) - 1
        found[lightest].append(account)
        loads[lightest] += account.weight
    return alone + [batch for batch in found if batch]


@contextlib.contextmanager
def started(jobs: int, workers_wanted: bool) -> Iterator[list[subprocess.Popen]]:
    """`jobs` workers when the run goes to workers (none otherwise), started now so that Node starts
    while this process validates; on the way out every worker still running (those started later for
    further batches too) is stopped."""
    workers = [start_worker() for _ in range(jobs)] if workers_wanted else []
    try:
        yield workers
    finally:  # a worker that is still running here (an error, Ctrl-C) has nothing left to do
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            for stream in (worker.stdin, worker.stdout, worker.stderr):  # a worker never sent a batch
                if stream is not None and not stream.closed:
                    stream.close()


def start_worker() -> subprocess.Popen:
    """A `python -O -m ecrgen.synthesis.worker`: it starts Node while this process validates."""
    return subprocess.Popen(
        [sys.executable, "-O", "-m", "ecrgen.synthesis.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def render_parallel(
    accounts: list[Packed],
    workers: list[subprocess.Popen],
    receive: Callable[[dict[str, str]], None],
) -> None:
    """Render the accounts batch by batch, each batch in its own worker process: as many at once as
    `workers` were started (they take the first batches); the process for a thread's next batch starts
    while the current one renders. `accounts` is emptied into the batches, and each batch is dropped
    once sent; each account's text goes to `receive` as it arrives (called from that batch's thread, one
    call at a time), so that this process holds neither for long. Every process started is added to `workers`
    (the caller stops them)."""
    queue = batches(accounts, len(workers))
    accounts.clear()
    lock = threading.Lock()
    receiving = threading.Lock()
    closed = threading.Event()  # the run ended (an error, Ctrl-C): start nothing more

    def take() -> list[Packed] | None:
        with lock:
            return queue.pop(0) if queue and not closed.is_set() else None

    def spare() -> subprocess.Popen | None:
        with lock:
            if not queue or closed.is_set():
                return None
            worker = start_worker()
            workers.append(worker)
            return worker

    def deliver(worker: subprocess.Popen, batch: list[Packed]) -> None:  # frees what it held on return
        names = sorted(a.name for a in batch)
        data = [pickle.dumps([a.pickled for a in batch], pickle.HIGHEST_PROTOCOL)]
        del batch[:]

        def arrived(texts: dict[str, str]) -> None:
            with receiving:
                receive(texts)

        collect(worker, data.pop(), names, arrived)  # popped: `collect` frees it once sent

    def run(first: subprocess.Popen) -> None:
        worker: subprocess.Popen | None = first
        while worker is not None and (batch := take()) is not None:
            following = spare()
            deliver(worker, batch)
            worker = following

    pool = ThreadPoolExecutor(len(workers))
    try:
        for _ in pool.map(run, list(workers)):
            pass
    finally:  # on Ctrl-C do not wait for the threads: the caller stops their workers
        with lock:
            closed.set()
        pool.shutdown(wait=False, cancel_futures=True)


def collect(
    worker: subprocess.Popen, data: bytes, names: list[str], receive: Callable[[dict[str, str]], None]
) -> None:
    """Send a worker its batch (`data`, pickled), then take each account's text as its frame arrives
    (checked, `frames.read`) and hand it to `receive`; an EcrgenError when the worker failed, a frame is
    damaged, or the accounts that arrived are not `names` (what `receive` got is then the caller's to
    discard: it is staged, never written)."""
    stdin, stdout, stderr = (cast(BinaryIO, s) for s in (worker.stdin, worker.stdout, worker.stderr))
    errors: list[bytes] = []  # read beside stdout, so that a worker writing much there never blocks
    drain = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    drain.start()
    with contextlib.suppress(BrokenPipeError):  # it stopped early: its exit code says why
        stdin.write(data)
        stdin.close()
    del data
    arrived: list[str] = []
    try:
        damage = _arrivals(stdout, names, arrived, receive)
        worker.wait()
        drain.join()
    finally:
        stdout.close()
    stderr.close()
    _judge(worker.returncode, damage, b"".join(errors), names, arrived)


def _arrivals(
    stream: BinaryIO, names: list[str], arrived: list[str], receive: Callable[[dict[str, str]], None]
) -> str | None:
    """Read the frames, handing on each account of `names` not seen before (noted in `arrived`); what
    was damaged, or None."""
    expected = set(names)
    try:
        for texts in frames.read(stream):
            strange = sorted(set(texts) - expected) or sorted(set(texts) & set(arrived))
            if strange:
                return f"sent the accounts {strange} it was not given or sent twice"
            arrived += texts
            receive(texts)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # TornFrame is a ValueError
        return f"sent a damaged result ({error})"
    return None


def _judge(returncode: int, damage: str | None, stderr: bytes, names: list[str], arrived: list[str]) -> None:
    """Nothing when the worker ended well and every account of `names` arrived intact; else the
    EcrgenError that says why (raised before anything is written)."""
    if returncode != 0:
        detail = stderr.decode(errors="replace").strip().splitlines()[-20:]
        reason = f"stopped with exit code {returncode}" + (":\n" + "\n".join(detail) if detail else "")
    elif damage is not None:
        reason = damage
    elif sorted(arrived) != names:
        reason = f"sent the accounts {sorted(arrived)}, not {names}"
    else:
        return
    raise EcrgenError(
        [Problem("ecrgen synthesis worker", "", f"{reason}; nothing was written: run the command again")]
    )
