"""Nothing lost on apply: addresses survive edits and ecrgen upgrades; bad input never crashes."""

import json
import shutil
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT, minimal
from ecrgen import api, moves, synth
from ecrgen.cli import app
from ecrgen.config import load_account, load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies import render_all
from ecrgen.rules.names import address


def test_moved_blocks_follow_a_changed_derivation():
    (account,) = load_accounts(EXAMPLES, ["example_account"])
    policies = {name: text for (_, name), text in render_all([account], EXAMPLES).items()}
    history = [("0.0.1", lambda name: "repo_" + address(name)), ("0.0.2", address)]
    blocks = moves.moved_blocks(account.repositories, policies, history)
    assert {"from": "aws_ecr_repository.repo_base-images_python", "to": "aws_ecr_repository.base-images_python"} in blocks
    assert {"from": "aws_ecr_repository_policy.repo_app", "to": "aws_ecr_repository_policy.app"} in blocks
    assert not any(b["to"] == "aws_ecr_repository_policy.scratch" for b in blocks)  # scratch has no policy
    assert len(blocks) == 5 + 5 + 4  # repositories, lifecycle policies, repository policies
    assert moves.moved_blocks(account.repositories, policies) == []  # today: no derivation has changed


def test_the_stack_emits_moved_blocks(synthesized, monkeypatch, tmp_path):
    monkeypatch.setattr(moves, "HISTORY", [("0.0.1", lambda name: "old_" + address(name))])
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "one.toml").write_text(minimal("dev", '[[repository]]\nname = "app"\nlifecycle = false\npolicy = "none"\n'))
    text = api.render_texts(folder, None)["one"]  # the session's Node is already running: cheap
    assert json.loads(text)["moved"] == [{"from": "aws_ecr_repository.old_app", "to": "aws_ecr_repository.app"}]


def test_unrelated_changes_keep_every_other_body(accounts, synthesized, tmp_path):
    base = (EXAMPLES / "example_account.toml").read_text()
    folder = accounts(example_account=base.replace('name = "worker"', 'name = "worker"\nforce_delete = true'))
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    changed = json.loads(api.render_texts(folder, None)["example_account"])["resource"]
    original = synthesized["example_account"]["resource"]
    differing = {(kind, name) for kind in original for name in original[kind] if original[kind][name] != changed[kind].get(name)}
    assert differing == {("aws_ecr_repository", "worker")}
    assert changed["aws_ecr_repository"]["worker"]["force_delete"] is True


# ---- fuzzed input: only EcrgenError, never a traceback --------------------------------------------

KEYS = ["account", "repository", "defaults", "tags", "backend", "role", "alerts", "scanning", "lifecycle", "rules",
        "id", "region", "environment", "project", "name", "name_format", "mutable_tags", "kms_key", "policy",
        "selection", "action", "rulePriority", "tagStatus", "countType", "countNumber", "type", "severities"]
scalars = st.one_of(st.text(max_size=30), st.sampled_from(["123456789012", "us-east-1", "prod", "app", "{name}", "KMS", "any"]),
                    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans(),
                    st.floats(allow_nan=True), st.dates(), st.datetimes(), st.times())
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)
documents = st.dictionaries(keys, values, max_size=8)
realistic = st.fixed_dictionaries({"account": st.dictionaries(st.sampled_from(KEYS[9:15]), scalars, max_size=6)},
                                  optional={"repository": st.lists(st.dictionaries(keys, values, max_size=6), max_size=3),
                                            "defaults": st.dictionaries(keys, values, max_size=4)})


def load(path: Path):
    try:
        account = load_account(path)
        render_all([account], path.parent)
    except EcrgenError as error:
        assert error.problems and all(str(p).startswith(str(path)) for p in error.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.one_of(documents, realistic))
def test_random_toml_gives_only_ecrgen_errors(tmp_path, document):
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return  # not representable in TOML
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    load(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_give_only_ecrgen_errors(tmp_path, data):
    path = tmp_path / "bytes.toml"
    path.write_bytes(data)
    load(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=realistic)
def test_the_cli_never_prints_a_traceback(tmp_path, document):
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return
    folder = tmp_path / "accounts"
    folder.mkdir(exist_ok=True)
    (folder / "fuzz.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--accounts-dir", str(folder)])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_unreadable_file(tmp_path):
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "a.toml").mkdir()  # a folder where a file should be: reading it fails
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    assert str(caught.value) == f"{folder}/a.toml: cannot be read (Is a directory)"


def test_errors_do_not_dump_locals():
    assert app.pretty_exceptions_show_locals is False
