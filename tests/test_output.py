"""The only writer of files: atomic, all accounts or none, and every file-system failure an ecrgen
error naming the path and what to do, with no temporary file or new folder left behind."""

from __future__ import annotations

import errno
import os
import signal
import tempfile
from pathlib import Path

import pytest
from conftest import HEALTH_CHECKS_OFF, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrgen import output
from ecrgen.errors import EcrgenError

TEXTS = {"a": '{"new": "a"}\n', "b": '{"new": "b"}\n'}
DIGESTS = {"a": "1" * 64, "b": "2" * 64}


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under root: file bytes, or None for a folder."""
    return {
        p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def messages(out: Path) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        output.write(out, TEXTS, DIGESTS)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writes_every_account_and_its_record(here):
    results = output.write(Path("out"), TEXTS, DIGESTS)
    assert [(r.account, r.path.as_posix(), r.status) for r in results] == [
        ("a", "out/stacks/a/cdk.tf.json", "written"),
        ("b", "out/stacks/b/cdk.tf.json", "written"),
    ]
    assert Path("out/stacks/b/cdk.tf.json").read_text() == TEXTS["b"]
    assert [r.status for r in output.write(Path("out"), TEXTS, DIGESTS)] == ["unchanged", "unchanged"]


def test_out_is_a_file(here):
    Path("out").write_text("a file")
    assert messages(Path("out")) == ["out: is a file, not a folder: remove it or choose another --out"]
    assert tree(here) == {"out": b"a file"}


def test_a_folder_named_like_the_stack_file_writes_no_account(here):
    output.write(Path("out"), {"a": "old a\n"}, DIGESTS)
    Path("out/stacks/b/cdk.tf.json").mkdir(parents=True)
    before = tree(here)
    assert messages(Path("out")) == [
        "out/stacks/b/cdk.tf.json: is a folder, but ecrgen writes a file there: remove the folder"
    ]
    assert tree(here) == before  # account a was not written either


def test_a_full_disk_leaves_no_temporary_file(here, monkeypatch):
    output.write(Path("out"), {"a": "old a\n"}, DIGESTS)
    before = tree(here)
    real = os.fdopen

    class Full:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: Full(real(*args, **kwargs)))
    assert messages(Path("out")) == [
        "out/stacks/a: cannot be written (No space left on device): free some space or choose another --out",
        "out/stacks/b: cannot be written (No space left on device): free some space or choose another --out",
    ]
    assert tree(here) == before


def test_an_unwritable_folder(here, monkeypatch):
    def refuse(*args, **kwargs):  # chmod does not stop root, who runs this suite in CI containers
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert messages(Path("out")) == [
        "out/stacks/a: cannot be written (Permission denied): make it writable or choose another --out",
        "out/stacks/b: cannot be written (Permission denied): make it writable or choose another --out",
    ]
    assert tree(here) == {}  # the folders made for the stacks are gone again


def test_another_os_error(here, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(tempfile, "mkstemp", broken)
    assert (
        messages(Path("out"))[0]
        == "out/stacks/a: cannot be written (Input/output error); choose another --out"
    )


def test_ctrl_c_while_staging_leaves_nothing(here, monkeypatch):
    real = tempfile.mkstemp
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write(Path("out"), TEXTS, DIGESTS)
    assert tree(here) == {}


def test_ctrl_c_while_renaming_waits_until_every_account_is_written(here, monkeypatch):
    real = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        output.write(Path("out"), TEXTS, DIGESTS)
    assert len(calls) == 4 and Path("out/stacks/b/cdk.tf.json").read_text() == TEXTS["b"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_groups_staged_apart_are_renamed_together_or_not_at_all(here):
    """A synthesis stages each batch as it arrives (bounded memory, issue 24): nothing is in place until
    the commit; leaving without one removes every group's temporary files and new folders."""
    first = output.account_files(Path("out"), {"a": TEXTS["a"]}, DIGESTS)
    second = output.account_files(Path("out"), {"b": TEXTS["b"]}, DIGESTS, {"b": "claims of b"})
    with output.Staging(Path("out")) as staging:
        staging.add(first)
        staging.add(second)
        assert not Path("out/stacks/a/cdk.tf.json").exists()
    assert tree(here) == {}
    with output.Staging(Path("out")) as staging:
        staging.add(first)
        staging.add(second)
        results = output.results(staging.commit())
    assert [(r.account, r.status) for r in results] == [("a", "written"), ("b", "written")]
    assert [path for path, data in tree(here).items() if data is not None] == [  # no temporary file
        "out/stacks/a/.ecrgen.sha256",
        "out/stacks/a/cdk.tf.json",
        "out/stacks/b/.ecrgen.claims.json",
        "out/stacks/b/.ecrgen.sha256",
        "out/stacks/b/cdk.tf.json",
    ]
    assert output.read_claims(Path("out"), "b", DIGESTS["b"]) == "claims of b"


def test_a_batch_arriving_after_the_run_stopped_is_not_staged(here):
    """A worker thread's batch that arrives after an error or Ctrl-C removed the staged files."""
    with output.Staging(Path("out")) as staging:
        pass
    with pytest.raises(EcrgenError) as late:
        staging.add(output.account_files(Path("out"), TEXTS, DIGESTS))
    assert str(late.value) == "out: was not written: the run stopped before this batch arrived"
    assert tree(here) == {}


# ---- fuzzed file-system states: either every account is written, or an EcrgenError and no change --

SLOTS = [
    "out",
    "out/stacks",
    "out/stacks/a",
    "out/stacks/a/cdk.tf.json",
    "out/stacks/a/.ecrgen.sha256",
    "out/stacks/b",
    "out/stacks/b/cdk.tf.json",
]
FAILURES = [
    None,
    (errno.EACCES, "Permission denied"),
    (errno.ENOSPC, "No space left on device"),
    (errno.EROFS, "Read-only file system"),
]


@settings(max_examples=examples(120), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(
    kinds=st.lists(st.sampled_from(["absent", "file", "folder"]), min_size=len(SLOTS), max_size=len(SLOTS)),
    failure=st.sampled_from(FAILURES),
    failing_call=st.integers(min_value=1, max_value=4),
)
def test_any_file_system_state_gives_all_or_nothing(
    tmp_path_factory, monkeypatch, kinds, failure, failing_call
):
    root = tmp_path_factory.mktemp("fs")
    monkeypatch.chdir(root)
    for slot, kind in zip(SLOTS, kinds, strict=True):
        path = Path(slot)
        if kind == "absent" or not path.parent.is_dir():
            continue
        if kind == "file":
            path.write_text("old")
        else:
            path.mkdir()
    before = tree(root)
    real, calls = tempfile.mkstemp, []

    def mkstemp(*args, **kwargs):
        calls.append(1)
        if failure and len(calls) == failing_call:
            raise OSError(*failure)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    try:
        output.write(Path("out"), TEXTS, DIGESTS)
    except EcrgenError as error:
        assert error.problems and tree(root) == before
        assert all(p.message.endswith(("--out", "remove the folder")) for p in error.problems)
    else:
        assert [Path(f"out/stacks/{a}/cdk.tf.json").read_text() for a in TEXTS] == list(TEXTS.values())
        assert not [p for p in root.rglob(".cdk.tf.json.*")] and not [
            p for p in root.rglob(".ecrgen.sha256.*")
        ]


def test_a_full_temporary_folder_is_a_clear_error(synthesized, monkeypatch, tmp_path):
    """(With Node already started by the session: jsii makes its own temporary folder when it starts.)"""
    from conftest import minimal

    from ecrgen import commands

    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "a.toml").write_text(minimal())

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: "/tmp")
    with pytest.raises(EcrgenError) as caught:
        commands.render_texts(tmp_path / "accounts", None)
    assert str(caught.value) == (
        "/tmp: cannot be written (No space left on device): ecrgen synthesizes in a temporary folder "
        "there first; free some space or set TMPDIR to another folder"
    )
