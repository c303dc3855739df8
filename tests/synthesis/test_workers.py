"""Worker processes (issue 24): the channel back to the parent cannot tear unnoticed (short writes are
continued; any frame cut short, extended or altered is refused before anything is written), and the
accounts go to workers in batches of bounded weight, each batch in a fresh process."""

import io
import json
import os
import pickle
import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES

from ecrgen import commands
from ecrgen.errors import EcrgenError
from ecrgen.synthesis import frames, pool

TEXTS = {"alpha": '{\n  "a": "x"\n}\n', "beta": '{\n  "b": "éy"\n}\n'}


def decode(data: bytes) -> dict[str, str]:
    """The texts of the one frame `data` holds, read as the parent reads a worker's stream."""
    found = list(frames.read(io.BytesIO(data)))
    if len(found) != 1:
        raise frames.TornFrame(f"{len(found)} frames")
    return found[0]


class Finished:
    """A worker process that has written all it will (`stdout`, `stderr`) and exited with `returncode`."""

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes):
        self.returncode = returncode
        self.stdin, self.stdout, self.stderr = io.BytesIO(), io.BytesIO(stdout), io.BytesIO(stderr)

    def wait(self) -> int:
        return self.returncode


def received(returncode: int, stdout: bytes, stderr: bytes, names: list[str]) -> dict[str, str]:
    """What `pool.collect` hands on from a worker that sent `stdout` for the accounts `names`."""
    texts: dict[str, str] = {}
    pool.collect(Finished(returncode, stdout, stderr), b"batch", names, texts.update)  # type: ignore[arg-type]
    return texts


def test_a_frame_carries_every_text_back_unchanged():
    assert decode(frames.encode(TEXTS)) == TEXTS


def test_short_writes_are_continued_not_dropped(monkeypatch):
    """os.write may write fewer bytes than asked (a pipe under a signal, an unbuffered stream): the
    writer continues where the short write stopped."""
    real_write = os.write
    calls = []

    def short_write(fd, data):
        calls.append(len(data))
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(frames.os, "write", short_write)
    read_end, write_end = os.pipe()
    data = frames.encode(TEXTS)
    frames.write_all(write_end, data)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        assert pipe.read() == data
    assert len(calls) == -(-len(data) // 7)
    assert decode(data) == TEXTS


def test_every_cut_extension_and_altered_byte_is_refused():
    data = frames.encode(TEXTS)
    for end in range(len(data)):
        with pytest.raises(frames.TornFrame):
            decode(data[:end])
    with pytest.raises(frames.TornFrame, match="no frame header"):  # a stream: the next frame is torn
        decode(data + b"x")
    for position in range(len(data)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        with pytest.raises((frames.TornFrame, ValueError)):
            decode(bytes(altered))


def test_frames_are_read_one_by_one_as_they_arrive():
    """A worker sends one frame per account: the parent holds one account's text at a time."""
    stream = io.BytesIO(b"".join(frames.encode({name: text}) for name, text in TEXTS.items()))
    reader = frames.read(stream)
    assert next(reader) == {"alpha": TEXTS["alpha"]}
    assert stream.tell() == len(frames.encode({"alpha": TEXTS["alpha"]}))  # beta not read yet
    assert list(reader) == [{"beta": TEXTS["beta"]}]


def test_a_stream_cut_anywhere_gives_the_whole_frames_before_the_cut_then_refuses():
    data = b"".join(frames.encode({name: text}) for name, text in TEXTS.items())
    first = len(frames.encode({"alpha": TEXTS["alpha"]}))
    for end in range(1, len(data)):
        got: list[dict[str, str]] = []
        try:
            got.extend(frames.read(io.BytesIO(data[:end])))
        except frames.TornFrame:
            assert end != first
        else:  # only a cut between two frames reads as a stream that ended (the missing account is
            assert end == first  # then found by name: test_accounts_not_asked_for_or_missing_are_refused)
        assert got == ([{"alpha": TEXTS["alpha"]}] if end >= first else [])


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        ({"alpha": "{}", "gamma": "{}"}, "sent the accounts ['gamma'] it was not given or sent twice"),
        ({"alpha": "{}"}, "sent the accounts ['alpha'], not ['alpha', 'beta']"),
    ],
)
def test_accounts_not_asked_for_or_missing_are_refused(sent, reason):
    data = b"".join(frames.encode({name: text}) for name, text in sent.items())
    with pytest.raises(EcrgenError) as refused:
        received(0, data, b"", ["alpha", "beta"])
    assert str(refused.value) == (
        f"ecrgen synthesis worker: {reason}; nothing was written: run the command again"
    )


def test_an_account_sent_twice_is_refused():
    data = frames.encode({"alpha": "{}"}) * 2 + frames.encode({"beta": "{}"})
    with pytest.raises(EcrgenError, match=r"sent the accounts \['alpha'\] it was not given or sent twice"):
        received(0, data, b"", ["alpha", "beta"])


def test_a_stream_that_lost_bytes_between_two_strings_is_refused():
    """The failure seen in the field: one account's JSON cut short, the next account's key straight
    after. Without digests such a stream can still parse as JSON; here it is refused."""
    payload = json.dumps(
        {"alpha": {"text": '{"a": "xx', "sha256": "0"}, "beta": {"text": "{}", "sha256": "0"}}
    )
    cut = payload.replace('xx", "sha256": "0"}, "beta": {"text": "', "")
    torn = b"%s %d %s\n%s" % (frames.MAGIC, len(cut), frames.digest(cut.encode()).encode(), cut.encode())
    with pytest.raises(frames.TornFrame, match="the text of alpha differs from its SHA-256"):
        decode(torn)


def test_a_failed_or_damaged_worker_is_one_clear_error():
    with pytest.raises(EcrgenError) as failed:
        received(-9, b"", b"Traceback\nMemoryError\n", ["alpha"])
    assert str(failed.value) == (
        "ecrgen synthesis worker: stopped with exit code -9:\nTraceback\nMemoryError; "
        "nothing was written: run the command again"
    )
    with pytest.raises(EcrgenError) as damaged:
        received(0, frames.encode(TEXTS)[:-3], b"", ["alpha", "beta"])
    assert str(damaged.value) == (
        "ecrgen synthesis worker: sent a damaged result (244 bytes arrived, the frame announced 247); "
        "nothing was written: run the command again"
    )
    with pytest.raises(EcrgenError) as other:
        received(0, frames.encode(TEXTS), b"", ["alpha"])
    assert str(other.value) == (
        "ecrgen synthesis worker: sent the accounts ['beta'] it was not given or sent twice; "
        "nothing was written: run the command again"
    )
    assert received(0, frames.encode(TEXTS), b"", ["alpha", "beta"]) == TEXTS


def fake_worker(script: str, *args: str) -> subprocess.Popen:
    """A stand-in worker process running `script` (no Node), piped as `pool.start_worker`'s are."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


# A stand-in worker (no Node): reads the accounts like the real one, then sends a frame that tears in
# the middle (`cut`) or is killed half-way through writing it (`kill`).
FAKE_WORKER = textwrap.dedent(
    """
    import os, pickle, signal, sys
    from ecrgen.synthesis import frames
    from ecrgen.synthesis import pool
    accounts = pool.unpack(sys.stdin.buffer.read())
    data = frames.encode({a.name: "{}\\n" for a in accounts})
    half = len(data) // 2
    if sys.argv[1] == "cut":
        frames.write_all(1, data[:half] + data[half + 5 :])
    else:
        frames.write_all(1, data[:half])
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize("fault", ["cut", "kill"])
def test_a_torn_worker_result_writes_nothing_and_leaves_earlier_output(tmp_path, monkeypatch, fault):
    out = tmp_path / "out"
    earlier = out / "stacks" / "example_account" / "cdk.tf.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("earlier output\n")
    monkeypatch.setenv("ECRGEN_JOBS", "2")
    monkeypatch.setattr(pool, "start_worker", lambda: fake_worker(FAKE_WORKER, fault))
    monkeypatch.setattr(pool, "PARALLEL_REPOSITORIES", 0)
    with pytest.raises(EcrgenError) as failed:
        commands.synthesize(EXAMPLES, None, out)
    reason = "sent a damaged result" if fault == "cut" else "stopped with exit code -9"
    assert str(failed.value).startswith(f"ecrgen synthesis worker: {reason}")
    assert str(failed.value).endswith("nothing was written: run the command again")
    assert earlier.read_text() == "earlier output\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "stacks/example_account/cdk.tf.json"
    ]


def test_accounts_go_to_workers_in_batches_of_bounded_weight(monkeypatch):
    """Memory that does not grow with the fleet (issue 24, item 3): no worker process builds more than
    BATCH_WEIGHT (an account heavier than that alone), heaviest first."""
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 30)
    accounts = [pool.Packed(f"a{i}", size + 5, b"") for i, size in enumerate([1, 40, 20, 3, 5])]
    found = pool.batches(accounts)
    assert [[a.name for a in batch] for batch in found] == [["a1"], ["a2"], ["a4", "a3", "a0"]]
    assert all(sum(a.weight for a in batch) <= 30 for batch in found if len(batch) > 1)
    assert pool.in_workers(1, 26, 1) and not pool.in_workers(1, 25, 1) and pool.in_workers(2, 0, 1)


def test_batches_are_even_and_a_multiple_of_the_workers(monkeypatch):
    """One batch of 160 and one of 40 would keep one process busy four times as long as the other."""
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 100)
    accounts = [pool.Packed(f"a{i:02}", 10, b"") for i in range(14)]  # 140
    found = pool.batches(accounts, 2)
    assert [sum(a.weight for a in batch) for batch in found] == [70, 70]
    assert sorted(a.name for batch in found for a in batch) == [a.name for a in accounts]
    assert len(pool.batches(accounts, 3)) == 3


def test_an_account_is_packed_with_its_weight_and_unpacked_unchanged():
    from ecrgen.config.load import load_all

    accounts, problems = load_all(EXAMPLES)
    assert problems == []
    packed = [pool.pack(account) for account in accounts]
    assert [p.weight for p in packed] == [len(a.repositories) + 5 for a in accounts]
    assert pool.unpack(pickle.dumps([p.pickled for p in packed])) == accounts


GOOD_WORKER = textwrap.dedent(
    """
    import pickle, sys
    from ecrgen.synthesis import frames, pool
    accounts = pool.unpack(sys.stdin.buffer.read())
    for a in accounts:
        frames.write_all(1, frames.encode({a.name: "{}\\n"}))
    """
)


def test_each_batch_is_rendered_by_a_fresh_worker_process(monkeypatch):
    from ecrgen.config.load import load_all

    accounts, problems = load_all(EXAMPLES)
    assert problems == [] and len(accounts) == 3
    started = []

    def start():
        started.append(fake_worker(GOOD_WORKER))
        return started[-1]

    monkeypatch.setattr(pool, "start_worker", start)
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 1)  # one account per batch
    workers = [start()]
    received = []
    packed = [pool.pack(account) for account in accounts]
    pool.render_parallel(packed, workers, received.append)
    assert received == [{name: "{}\n"} for name in sorted(a.name for a in accounts)]  # one per batch
    assert packed == [] and len(started) == 3 and workers == started
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 1000)  # one batch: each account still arrives on its own
    received.clear()
    pool.render_parallel([pool.pack(account) for account in accounts], [start()], received.append)
    assert received == [{name: "{}\n"} for name in sorted(a.name for a in accounts)] and len(started) == 4
    assert all(worker.wait() == 0 for worker in started)


def staged_batches_then(tmp_path, monkeypatch, last_batch):
    """A synth of the examples, one account per batch and one process at a time, whose third worker runs
    `last_batch` (it starts while the second batch renders, once the first batch's files are staged);
    the output folder held one earlier stack. Returns the earlier stack, the output folder, and the
    accounts whose stacks were staged (as temporary files) when the third worker started."""
    out = tmp_path / "out"
    earlier = out / "stacks" / "example_account" / "cdk.tf.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("earlier output\n")
    staged_then: list[str] = []
    starts: list[subprocess.Popen] = []

    def start():
        if len(starts) == 2:
            staged_then.extend(sorted(p.parent.name for p in out.rglob(".cdk.tf.json.*")))
        script = GOOD_WORKER if len(starts) < 2 else last_batch
        starts.append(fake_worker(script))
        return starts[-1]

    monkeypatch.setenv("ECRGEN_JOBS", "1")
    monkeypatch.setattr(pool, "start_worker", start)
    monkeypatch.setattr(pool, "PARALLEL_REPOSITORIES", 0)
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 1)  # one account per batch
    return earlier, out, staged_then


FAILING_WORKER = "import sys; sys.stdin.buffer.read(); sys.exit('MemoryError')"


def test_a_worker_failing_in_a_later_batch_leaves_earlier_output_and_no_staged_file(tmp_path, monkeypatch):
    """Bounded memory (issue 24, item 3): each batch's files are staged as the batch arrives, not held
    until the end. A later batch that fails removes every staged file and new folder again: the earlier
    output is untouched, nothing was renamed into place."""
    earlier, out, staged_then = staged_batches_then(tmp_path, monkeypatch, FAILING_WORKER)
    with pytest.raises(EcrgenError) as failed:
        commands.synthesize(EXAMPLES, None, out)
    assert str(failed.value) == (
        "ecrgen synthesis worker: stopped with exit code 1:\nMemoryError; nothing was written: run the command again"
    )
    assert len(staged_then) == 1  # the first batch's stack was staged before the third worker started
    assert earlier.read_text() == "earlier output\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "stacks",
        "stacks/example_account",
        "stacks/example_account/cdk.tf.json",
    ]


def test_ctrl_c_in_a_later_batch_leaves_earlier_output_and_no_staged_file(tmp_path, monkeypatch):
    """Ctrl-C (here raised where the third batch is sent, not a signal that could reach another test's
    process) after the first two batches were staged."""
    earlier, out, staged_then = staged_batches_then(tmp_path, monkeypatch, GOOD_WORKER)
    real, arrived = pool.collect, []

    def interrupted(*args):
        arrived.append(args)
        if len(arrived) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(pool, "collect", interrupted)
    with pytest.raises(KeyboardInterrupt):
        commands.synthesize(EXAMPLES, None, out)
    assert len(staged_then) == 1 and len(arrived) == 3 and earlier.read_text() == "earlier output\n"
    assert [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()] == [
        "stacks/example_account/cdk.tf.json"
    ]


def test_every_batch_staged_is_renamed_into_place_together(tmp_path, monkeypatch):
    earlier, out, staged_then = staged_batches_then(tmp_path, monkeypatch, GOOD_WORKER)
    results = commands.synthesize(EXAMPLES, None, out)
    assert len(staged_then) == 1 and [r.status for r in results] == ["written"] * 3
    assert earlier.read_text() == "{}\n" and not list(out.rglob(".*.json.*"))
    for result in results:  # each stack with its input hash and its claims, for the next run
        assert sorted(p.name for p in result.path.parent.iterdir()) == [
            ".ecrgen.claims.json",
            ".ecrgen.sha256",
            "cdk.tf.json",
        ]


def test_a_problem_in_any_account_sends_no_batch_and_stages_nothing(tmp_path, monkeypatch):
    """Every account is checked before any batch goes to a worker: a problem in the last file writes
    nothing, and no worker is sent a batch."""
    import shutil

    accounts = tmp_path / "accounts"
    shutil.copytree(EXAMPLES, accounts)
    shutil.copytree(EXAMPLES.parent / "iam_policies", tmp_path / "iam_policies")
    (accounts / "zz_broken.toml").write_text('[account]\nid = "12"\n')
    earlier, out, staged_then = staged_batches_then(tmp_path, monkeypatch, GOOD_WORKER)
    sent = []
    monkeypatch.setattr(pool, "render_parallel", lambda *args: sent.append(args))
    with pytest.raises(EcrgenError) as failed:
        commands.synthesize(accounts, None, out)
    assert "zz_broken.toml" in str(failed.value) and sent == []
    assert [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()] == [
        "stacks/example_account/cdk.tf.json"
    ]


@pytest.mark.node
def test_a_worker_ignores_ctrl_c_which_is_the_parents_to_handle():
    """Ctrl-C reaches every process of the terminal's group; the parent answers it (one line, exit 130,
    then it stops its workers). A real worker given SIGINT while it starts goes on and renders its batch,
    and prints no traceback of its own (its stderr is shown when it fails)."""
    import signal
    import time

    from ecrgen.config.load import load_all

    accounts, problems = load_all(EXAMPLES)
    assert problems == []
    worker = pool.start_worker()
    deadline = time.monotonic() + 60
    while not _ignores_sigint(worker.pid) and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # until the worker has set its handling up (it then goes on starting Node)
    worker.send_signal(signal.SIGINT)
    received: dict[str, str] = {}
    data = pickle.dumps([pool.pack(a).pickled for a in accounts], pickle.HIGHEST_PROTOCOL)
    pool.collect(worker, data, sorted(a.name for a in accounts), received.update)
    assert worker.returncode == 0
    assert sorted(received) == sorted(a.name for a in accounts)
    assert all(json.loads(text)["terraform"] for text in received.values())


def _ignores_sigint(pid: int) -> bool:
    """Whether the process `pid` ignores SIGINT, from its SigIgn mask in /proc (Linux)."""
    import signal

    with open(f"/proc/{pid}/status") as status:
        mask = next(line.split()[1] for line in status if line.startswith("SigIgn:"))
    return bool(int(mask, 16) & (1 << (signal.SIGINT - 1)))
