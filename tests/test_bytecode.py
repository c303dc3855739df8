"""Bytecode that exists (issue 24, item 1): a run under PYTHONDONTWRITEBYTECODE=1 leaves the `.pyc` of
what it imported, once; an ordinary run leaves it to Python; an interrupted run writes nothing."""

import importlib
import os
import sys

import pytest

from ecrgen import bytecode, cli, commands


@pytest.fixture
def module(tmp_path, monkeypatch):
    """A fresh module imported while Python writes no bytecode; removed from sys.modules afterwards."""
    (tmp_path / "ecrgen_probe_module.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    imported = importlib.import_module("ecrgen_probe_module")
    yield imported
    sys.modules.pop("ecrgen_probe_module", None)


def test_what_a_run_imported_is_compiled_once(module):
    cached = module.__spec__.cached
    assert not os.path.exists(cached)
    assert (module.__spec__.origin, cached) in bytecode.missing()
    assert bytecode.write_missing() >= 1
    assert os.path.exists(cached)
    assert (module.__spec__.origin, cached) not in bytecode.missing()


def test_a_source_newer_than_its_bytecode_is_compiled_again(module):
    bytecode.write_missing()
    cached = module.__spec__.cached
    os.utime(module.__spec__.origin, (os.stat(cached).st_mtime + 10,) * 2)
    assert (module.__spec__.origin, cached) in bytecode.missing()


def test_python_writing_bytecode_itself_is_left_alone(module, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert bytecode.write_missing() == 0
    assert not os.path.exists(module.__spec__.cached)


def test_a_folder_that_cannot_be_written_is_skipped(module, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(bytecode.py_compile, "compile", refused)
    assert bytecode.write_missing() == 0
    assert not os.path.exists(module.__spec__.cached)


@pytest.mark.parametrize(("argv", "calls"), [(["--version"], 1), (["no-such-command"], 1)])
def test_the_command_line_writes_bytecode_when_a_run_ends(monkeypatch, argv, calls):
    called = []
    monkeypatch.setattr(commands, "write_missing_bytecode", lambda: called.append(1))
    monkeypatch.setattr(sys, "argv", ["ecrgen", *argv])
    with pytest.raises(SystemExit):
        cli.main()
    assert len(called) == calls


def test_an_interrupted_run_writes_no_bytecode(monkeypatch):
    called = []
    monkeypatch.setattr(commands, "write_missing_bytecode", lambda: called.append(1))

    def interrupted(**kwargs):
        raise SystemExit(cli.INTERRUPTED)

    monkeypatch.setattr(cli, "app", interrupted)
    with pytest.raises(SystemExit):
        cli.main()
    assert called == []
