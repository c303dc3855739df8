"""Nothing lost on apply: addresses survive edits and ecrgen upgrades; bad input never crashes."""

import json
import shutil
from pathlib import Path

import pytest
import tomli_w
from conftest import EXAMPLES, HEALTH_CHECKS_OFF, ROOT, examples, minimal, repository_policies
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecrgen import commands, moves
from ecrgen.cli import app
from ecrgen.config.load import load_account, load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.policies.render import render_all
from ecrgen.rules.names import address


def test_moved_blocks_follow_a_changed_derivation():
    (account,) = render_all(load_accounts(EXAMPLES, ["example_account"]), EXAMPLES)
    history = [("0.0.1", lambda name: "repo_" + address(name)), ("0.0.2", address)]
    blocks = moves.moved_blocks(account.repositories, history)
    assert {
        "from": "aws_ecr_repository.repo_base-images_python",
        "to": "aws_ecr_repository.base-images_python",
    } in blocks
    assert {"from": "aws_ecr_repository_policy.repo_app", "to": "aws_ecr_repository_policy.app"} in blocks
    assert not any(b["to"] == "aws_ecr_repository_policy.scratch" for b in blocks)  # scratch has no policy
    assert len(blocks) == 5 + 5 + 4  # repositories, lifecycle policies, repository policies
    assert moves.moved_blocks(account.repositories) == []  # today: no derivation has changed


def test_the_stack_emits_moved_blocks(synthesized, monkeypatch, tmp_path):
    monkeypatch.setattr(moves, "HISTORY", [("0.0.1", lambda name: "old_" + address(name))])
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "one.toml").write_text(
        minimal("dev", '[[repository]]\nname = "app"\nlifecycle = false\npolicy = "none"\n')
    )
    text = commands.render_texts(folder, None)["one"]  # the session's Node is already running: cheap
    assert json.loads(text)["moved"] == [
        {"from": "aws_ecr_repository.old_app", "to": "aws_ecr_repository.app"}
    ]


def test_unrelated_changes_keep_every_other_body(accounts, synthesized, tmp_path):
    base = (EXAMPLES / "example_account.toml").read_text()
    folder = accounts(example_account=base.replace('name = "worker"', 'name = "worker"\nforce_delete = true'))
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    changed = json.loads(commands.render_texts(folder, None)["example_account"])["resource"]
    original = synthesized["example_account"]["resource"]
    differing = {
        (kind, name)
        for kind in original
        for name in original[kind]
        if original[kind][name] != changed[kind].get(name)
    }
    assert differing == {("aws_ecr_repository", "worker")}
    assert changed["aws_ecr_repository"]["worker"]["force_delete"] is True


# ---- fuzzed input: only EcrgenError, never a traceback --------------------------------------------

KEYS = [
    "account",
    "repository",
    "defaults",
    "tags",
    "backend",
    "role",
    "alerts",
    "scanning",
    "lifecycle",
    "rules",
    "id",
    "region",
    "environment",
    "project",
    "name",
    "name_format",
    "mutable_tags",
    "kms_key",
    "policy",
    "selection",
    "action",
    "rulePriority",
    "tagStatus",
    "countType",
    "countNumber",
    "type",
    "severities",
]
scalars = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["123456789012", "us-east-1", "prod", "app", "{name}", "KMS", "any"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=True),
    st.dates(),
    st.datetimes(),
    st.times(),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, max_size=8)
realistic = st.fixed_dictionaries(
    {"account": st.dictionaries(st.sampled_from(KEYS[9:15]), scalars, max_size=6)},
    optional={
        "repository": st.lists(st.dictionaries(keys, values, max_size=6), max_size=3),
        "defaults": st.dictionaries(keys, values, max_size=4),
    },
)


def load(path: Path) -> str:
    """'valid' (an account whose policies render) or 'invalid' (an EcrgenError naming only this file);
    anything else propagates and fails the test."""
    try:
        account = load_account(path)
        (rendered,) = render_all([account], path.parent)
    except EcrgenError as error:
        return (
            "invalid"
            if error.problems and all(str(p).startswith(str(path)) for p in error.problems)
            else repr(error)
        )
    return "valid" if account.name == path.stem and rendered.name == account.name else repr(account)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(document=st.one_of(documents, realistic))
def test_random_toml_gives_only_ecrgen_errors(tmp_path, document):
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return  # not representable in TOML
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    assert load(path) in ("valid", "invalid")


@settings(max_examples=examples(150), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(data=st.binary(max_size=300))
def test_random_bytes_give_only_ecrgen_errors(tmp_path, data):
    path = tmp_path / "bytes.toml"
    path.write_bytes(data)
    assert load(path) in ("valid", "invalid")


@settings(max_examples=examples(40), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(document=realistic)
def test_the_cli_never_prints_a_traceback(tmp_path, document):
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return
    folder = tmp_path / "accounts"
    folder.mkdir(exist_ok=True)
    (folder / "fuzz.toml").write_text(text, encoding="utf-8")
    for command in (["validate"], ["validate", "--format", "github"], ["list"]):
        assert_clean_exit(CliRunner().invoke(app, [*command, "--accounts-dir", str(folder)]))


def assert_clean_exit(result) -> None:
    """Exit 0 or 1, and no exception but the SystemExit of that exit (each condition on its own)."""
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_the_clean_exit_check_can_fail():
    class Crash:
        exit_code, output, exception = 1, "", ValueError("boom")

    with pytest.raises(AssertionError):
        assert_clean_exit(Crash())


# ---- fuzzed templates: any Jinja2 text gives a policy or an ecrgen error ---------------------------

PIECES = [
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "{# ",
    " #}",
    "if ",
    "for x in ",
    "endif",
    "endfor",
    "include ",
    "set y = ",
    "macro m() ",
    "endmacro",
    "m()",
    "pull_principals",
    "push_principals",
    "account.id",
    "account.nope",
    "repository",
    "nope",
    "org_id",
    "x",
    "y",
    "| tojson",
    "| int",
    "| nope",
    "| join(',')",
    "| first",
    "| attr('x')",
    " + ",
    " / ",
    " 0 ",
    " 1 ",
    "'s'",
    "[",
    "]",
    "(",
    ")",
    ",",
    ".",
    '"Version"',
    ": ",
    '"2012-10-17"',
    '"Statement"',
    "{",
    "}",
    '"production.json.j2"',
    '"self.json.j2"',
    "\n",
    "raise",
    "range(10**9)",
    "lipsum(1000)",
    "'%s' % x",
    "~",
]
template_texts = st.lists(st.sampled_from(PIECES), max_size=25).map("".join) | st.text(max_size=60)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(template=template_texts)
def test_random_templates_give_only_ecrgen_errors(tmp_path_factory, template):
    root = tmp_path_factory.mktemp("templates")
    (root / "iam_policies").mkdir()
    (root / "iam_policies" / "self.json.j2").write_text(template, encoding="utf-8")
    (root / "accounts").mkdir()
    path = root / "accounts" / "fuzz.toml"
    path.write_text(
        minimal("dev", '[[repository]]\nname = "app"\npolicy = "self"\npull_account_ids = ["210987654321"]\n')
    )
    try:
        account = load_account(path)
        policies = repository_policies(render_all([account], root / "accounts"))
    except EcrgenError as error:
        assert error.problems and all(
            p.file in (str(path), str(root / "iam_policies" / "self.json.j2")) for p in error.problems
        )
    else:
        assert list(policies) == [("fuzz", "app")]


# ---- fuzzed output folders through the CLI: exit 0 or 1, never a traceback --------------------------


@settings(max_examples=examples(12), deadline=None, suppress_health_check=HEALTH_CHECKS_OFF)
@given(kinds=st.lists(st.sampled_from(["absent", "file", "folder"]), min_size=4, max_size=4))
def test_the_cli_never_prints_a_traceback_for_an_output_folder(
    tmp_path_factory, monkeypatch, synthesized, kinds
):
    root = tmp_path_factory.mktemp("cli-fs")
    monkeypatch.chdir(root)
    (root / "accounts").mkdir()
    (root / "accounts" / "one.toml").write_text(minimal("dev", '[[repository]]\nname = "app"\n'))
    for slot, kind in zip(
        ["out", "out/stacks", "out/stacks/one", "out/stacks/one/cdk.tf.json"], kinds, strict=True
    ):
        path = root / slot
        if kind != "absent" and path.parent.is_dir():
            path.write_text("{}") if kind == "file" else path.mkdir()
    for command in (["synth", "--all", "--out", "out"], ["synth", "--all", "--check", "--out", "out"]):
        assert_clean_exit(CliRunner().invoke(app, command))


def test_unreadable_file(tmp_path):
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "a.toml").mkdir()  # a folder where a file should be: reading it fails
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    assert str(caught.value) == f"{folder}/a.toml: cannot be read (Is a directory)"


def test_errors_do_not_dump_locals():
    assert app.pretty_exceptions_show_locals is False
