"""A folder is checked part by part (`preflight.PART` accounts at a time, issue 24: the parent process
keeps a few kilobytes per account, not every model): the problems, their order, the warnings and the
valid accounts are the same whatever the part size, clashes and fleet checks across parts included."""

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, minimal

from ecrgen import commands, preflight
from ecrgen.config import load
from ecrgen.errors import EcrgenError

SHARED_STATE = '[backend]\npath = "../shared.tfstate"\n'
OTHER_SHARED_STATE = '[backend]\npath = "../../stacks/shared.tfstate"\n'  # the same file as SHARED_STATE
DEST = "210987654321"
REPLICATES = (
    '[[repository]]\nname = "edge/app"\n[registry]\n'
    f'[[registry.replication]]\ndestinations = [{{ region = "us-east-1", account_id = "{DEST}" }}]\n'
)


def dev(account_id: str, extra: str = "") -> str:
    """A non-production account file of another AWS account (so that only what a test adds clashes)."""
    return minimal("dev", extra).replace("123456789012", account_id)


def problems(folder: Path, part: int, monkeypatch, names: list[str] | None = None) -> list[str]:
    monkeypatch.setattr(preflight, "PART", part)
    with pytest.raises(EcrgenError) as caught:
        commands.validate(folder, names)
    return [str(p) for p in caught.value.problems]


def test_problems_in_every_part_and_clashes_across_parts_are_all_found_in_order(accounts, monkeypatch):
    folder = accounts(
        a=minimal("dev", SHARED_STATE),
        b=dev("111111111111", '[[repository]]\nname = "My_App"\n'),
        c=dev("222222222222", '[[repository]]\nname = "app"\npolicy = "missing"\n'),
        d=dev("333333333333", OTHER_SHARED_STATE),
        e=dev("444444444444", "[[repository]]\nname = 'fine'\n"),
    )
    Path("iam_policies").mkdir()
    Path("iam_policies/broken.json.j2").write_text('{"Version": {% if %}}')  # reported once, not per part
    whole = problems(folder, 1000, monkeypatch)
    assert sum(p.startswith("iam_policies/broken.json.j2") for p in whole) == 1
    assert any(p.startswith("accounts/b.toml") for p in whole)  # a load problem
    assert any(p.startswith("accounts/c.toml") and "missing" in p for p in whole)  # a render problem
    assert any(p.startswith("accounts/d.toml") and "accounts/a.toml" in p for p in whole)  # a clash
    for part in (1, 2, 3):
        assert problems(folder, part, monkeypatch) == whole, part


def test_the_other_files_of_a_named_check_are_read_part_by_part_too(accounts, monkeypatch):
    """`validate d` (or `synth d`) reads the folder's other files, their claims only, PART at a time."""
    folder = accounts(
        a=minimal("dev", SHARED_STATE),
        b=dev("111111111111", "[[repository]]\nname = 'fine'\n"),
        d=dev("333333333333", OTHER_SHARED_STATE),
    )
    whole = problems(folder, 1000, monkeypatch, ["d"])
    assert len(whole) == 1 and "accounts/d.toml" in whole[0] and whole[0].startswith("accounts/a.toml")
    assert problems(folder, 1, monkeypatch, ["d"]) == whole


@pytest.mark.parametrize("names", [None, ["a"], ["b"]])
def test_a_fleet_check_across_parts_is_found(accounts, monkeypatch, names):
    folder = accounts(a=minimal("dev", REPLICATES), b=dev(DEST))
    whole = problems(folder, 1000, monkeypatch, names)
    assert len(whole) == 1 and "210987654321" in whole[0]
    assert problems(folder, 1, monkeypatch, names) == whole


def test_warnings_and_accounts_of_a_valid_folder_are_the_same_whatever_the_part(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "accounts")
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    monkeypatch.chdir(tmp_path)
    whole = commands.validate(Path("accounts"))
    names, warnings = commands.validated(Path("accounts"))
    assert len(whole.accounts) == 3 and whole.warnings  # the examples warn about something
    assert (names, warnings) == ([a.name for a in whole.accounts], whole.warnings)
    monkeypatch.setattr(preflight, "PART", 1)
    assert commands.validate(Path("accounts")) == whole
    assert commands.validated(Path("accounts")) == (names, warnings)


def test_a_synth_gets_the_accounts_part_by_part_and_keeps_none(accounts, monkeypatch, tmp_path):
    folder = accounts(**{f"a{i}": dev(f"12345678901{i}") for i in range(5)})
    monkeypatch.setattr(preflight, "PART", 2)
    parts: list[list[str]] = []
    kept, warnings = preflight.for_synth(
        load.load_each,
        folder,
        [f"a{i}" for i in range(5)],
        tmp_path / "out",
        keep=lambda part: parts.append([a.name for a in part]),
    )
    assert parts == [["a0", "a1"], ["a2", "a3"], ["a4"]] and kept == []
    monkeypatch.setattr(preflight, "PART", 200)
    held, same = preflight.for_synth(load.load_each, folder, [f"a{i}" for i in range(5)], tmp_path / "out")
    assert [a.name for a in held] == [name for part in parts for name in part] and same == warnings


def test_nothing_is_handed_on_once_a_problem_is_known(accounts, monkeypatch, tmp_path):
    """A part after a problem is only checked for more problems: nothing will be synthesized."""
    folder = accounts(
        a=minimal("dev", '[[repository]]\nname = "My_App"\n'),
        b=dev("111111111111"),
    )
    monkeypatch.setattr(preflight, "PART", 1)
    parts: list[list[str]] = []
    with pytest.raises(EcrgenError):
        preflight.for_synth(load.load_each, folder, ["a", "b"], tmp_path / "out", keep=parts.append)
    assert parts == []
