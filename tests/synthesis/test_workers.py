"""Worker processes (issue 24): the channel back to the parent cannot tear unnoticed (short writes are
continued; any frame cut short, extended or altered is refused before anything is written), and the
accounts go to workers in batches of bounded weight, each batch in a fresh process."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES

from ecrgen import commands
from ecrgen.errors import EcrgenError
from ecrgen.synthesis import frames, pool

TEXTS = {"alpha": '{\n  "a": "x"\n}\n', "beta": '{\n  "b": "éy"\n}\n'}


def test_a_frame_carries_every_text_back_unchanged():
    assert frames.decode(frames.encode(TEXTS)) == TEXTS


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
    assert frames.decode(data) == TEXTS


def test_every_cut_extension_and_altered_byte_is_refused():
    data = frames.encode(TEXTS)
    for end in range(len(data)):
        with pytest.raises(frames.TornFrame):
            frames.decode(data[:end])
    with pytest.raises(frames.TornFrame, match="the frame announced"):
        frames.decode(data + b"x")
    for position in range(len(data)):
        altered = bytearray(data)
        altered[position] ^= 0x01
        with pytest.raises((frames.TornFrame, ValueError)):
            frames.decode(bytes(altered))


def test_a_stream_that_lost_bytes_between_two_strings_is_refused():
    """The failure seen in the field: one account's JSON cut short, the next account's key straight
    after. Without digests such a stream can still parse as JSON; here it is refused."""
    payload = json.dumps(
        {"alpha": {"text": '{"a": "xx', "sha256": "0"}, "beta": {"text": "{}", "sha256": "0"}}
    )
    cut = payload.replace('xx", "sha256": "0"}, "beta": {"text": "', "")
    torn = b"%s %d %s\n%s" % (frames.MAGIC, len(cut), frames.digest(cut.encode()).encode(), cut.encode())
    with pytest.raises(frames.TornFrame, match="the text of alpha differs from its SHA-256"):
        frames.decode(torn)


def test_a_failed_or_damaged_worker_is_one_clear_error():
    with pytest.raises(EcrgenError) as failed:
        pool.received(-9, b"", b"Traceback\nMemoryError\n", ["alpha"])
    assert str(failed.value) == (
        "ecrgen synthesis worker: stopped with exit code -9:\nTraceback\nMemoryError; "
        "nothing was written: run the command again"
    )
    with pytest.raises(EcrgenError) as damaged:
        pool.received(0, frames.encode(TEXTS)[:-3], b"", ["alpha", "beta"])
    assert str(damaged.value) == (
        "ecrgen synthesis worker: sent a damaged result (244 bytes arrived, the frame announced 247); "
        "nothing was written: run the command again"
    )
    with pytest.raises(EcrgenError) as other:
        pool.received(0, frames.encode(TEXTS), b"", ["alpha"])
    assert str(other.value) == (
        "ecrgen synthesis worker: sent the accounts ['alpha', 'beta'], not ['alpha']; "
        "nothing was written: run the command again"
    )
    assert pool.received(0, frames.encode(TEXTS), b"", ["alpha", "beta"]) == TEXTS


# A stand-in worker (no Node): reads the accounts like the real one, then sends a frame that tears in
# the middle (`cut`) or is killed half-way through writing it (`kill`).
FAKE_WORKER = textwrap.dedent(
    """
    import os, pickle, signal, sys
    from ecrgen.synthesis import frames
    accounts = pickle.load(sys.stdin.buffer)
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
    monkeypatch.setattr(
        pool,
        "start_worker",
        lambda: subprocess.Popen(
            [sys.executable, "-c", FAKE_WORKER, fault],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ),
    )
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
    from types import SimpleNamespace

    monkeypatch.setattr(pool, "BATCH_WEIGHT", 30)
    accounts = [
        SimpleNamespace(name=f"a{i}", repositories=[None] * size) for i, size in enumerate([1, 40, 20, 3, 5])
    ]
    found = pool.batches(accounts)  # type: ignore[arg-type]
    assert [[a.name for a in batch] for batch in found] == [["a1"], ["a2"], ["a4", "a3", "a0"]]
    assert all(sum(pool.weight(a) for a in batch) <= 30 for batch in found if len(batch) > 1)
    assert pool.in_workers(1, 26, 1) and not pool.in_workers(1, 25, 1) and pool.in_workers(2, 0, 1)


def test_batches_are_even_and_a_multiple_of_the_workers(monkeypatch):
    """One batch of 160 and one of 40 would keep one process busy four times as long as the other."""
    from types import SimpleNamespace

    monkeypatch.setattr(pool, "BATCH_WEIGHT", 100)
    accounts = [SimpleNamespace(name=f"a{i:02}", repositories=[None] * 5) for i in range(14)]  # 140
    found = pool.batches(accounts, 2)  # type: ignore[arg-type]
    assert [sum(pool.weight(a) for a in batch) for batch in found] == [70, 70]
    assert sorted(a.name for batch in found for a in batch) == [a.name for a in accounts]
    assert len(pool.batches(accounts, 3)) == 3  # type: ignore[arg-type]


GOOD_WORKER = textwrap.dedent(
    """
    import pickle, sys
    from ecrgen.synthesis import frames
    accounts = pickle.load(sys.stdin.buffer)
    frames.write_all(1, frames.encode({a.name: "{}\\n" for a in accounts}))
    """
)


def test_each_batch_is_rendered_by_a_fresh_worker_process(monkeypatch):
    from ecrgen.config.load import load_all

    accounts, problems = load_all(EXAMPLES)
    assert problems == [] and len(accounts) == 3
    started = []

    def start():
        started.append(
            subprocess.Popen(
                [sys.executable, "-c", GOOD_WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
        return started[-1]

    monkeypatch.setattr(pool, "start_worker", start)
    monkeypatch.setattr(pool, "BATCH_WEIGHT", 1)  # one account per batch
    workers = [start()]
    built = []
    texts = pool.render_parallel(accounts, workers, built.extend)
    assert texts == {a.name: "{}\n" for a in sorted(accounts, key=lambda a: a.name)}
    assert sorted(built) == sorted(texts) and len(started) == 3 and workers == started
    assert all(worker.wait() == 0 for worker in started)
