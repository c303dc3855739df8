"""Output machines read (issue 25): `--format json` of validate and check-plan (one documented shape),
`::warning` annotations in `--format github`, `--quiet`, and a start-up that imports no heavy stack for
`--version` and for a shell-completion keypress."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ecrgen import commands
from ecrgen.cli import app

PRODUCTION = '[account]\nid = "123456789012"\nregion = "eu-west-1"\nenvironment = "production"\nproject = "p"\n\n[[repository]]\nname = "app"\n'
WARNING = (
    "the default lifecycle policy of a production repository has no protected_tags: it expires any image beyond "
    "the newest 30, deployed ones too; list the tags of deployed images (e.g. protected_tags = ['prod-*', 'v*'])"
)
DELETE_PLAN = {
    "format_version": "1.2",
    "planned_values": {},
    "resource_changes": [
        {
            "address": "aws_ecr_repository.app",
            "type": "aws_ecr_repository",
            "name": "app",
            "mode": "managed",
            "change": {"actions": ["delete"], "before": {"name": "app"}, "after": None},
        }
    ],
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "prod.toml").write_text(PRODUCTION)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_validate_json_lists_warnings_with_their_line_and_exits_0(folder):
    result = run("validate", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "ok": True,
        "accounts": ["prod"],
        "problems": [
            {
                "file": "accounts/prod.toml",
                "line": 7,  # the [[repository]] that gets the default lifecycle policy
                "path": "repository[0].lifecycle",
                "message": WARNING,
                "severity": "warning",
            }
        ],
    }


def test_validate_json_lists_errors_and_exits_1(folder):
    (folder / "accounts" / "prod.toml").write_text(PRODUCTION.replace('name = "app"', 'name = "My_App"'))
    result = run("validate", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "accounts": [],
        "problems": [
            {
                "file": "accounts/prod.toml",
                "line": 8,
                "path": "repository[0].name",
                "message": "'My_App' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, "
                "and . _ - / separators)",
                "severity": "error",
            }
        ],
    }
    assert result.stderr.splitlines()[-1] == "ecrgen: 1 problem(s) found."  # the text lines stay on stderr


def test_github_format_turns_warnings_into_warning_annotations(folder):
    result = run("validate", "--format", "github")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"::warning file=accounts/prod.toml,line=7::repository[0].lifecycle: {WARNING}",
        "1 account(s) valid: prod",
    ]
    assert result.stderr == f"warning: accounts/prod.toml:7: repository[0].lifecycle: {WARNING}\n"


def test_check_plan_json_refusal_and_pass(folder):
    (folder / "delete.json").write_text(json.dumps(DELETE_PLAN))
    refused = run("check-plan", "prod", "delete.json", "--format", "json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["problems"] == [
        {
            "file": "delete.json",
            "line": None,
            "path": "aws_ecr_repository.app",
            "message": "the plan would delete production repository 'app' and its images although "
            "accounts/prod.toml still has it (a destroy plan?): plan without -destroy, or list it in "
            "account.allow_destroy to let Terraform delete it",
            "severity": "error",
        }
    ]
    (folder / "none.json").write_text(json.dumps({**DELETE_PLAN, "resource_changes": []}))
    passed = run("check-plan", "prod", "none.json", "--format", "json")
    assert passed.exit_code == 0
    assert json.loads(passed.stdout) == {"ok": True, "accounts": ["prod"], "problems": []}


def test_quiet_gives_synth_no_progress(folder, monkeypatch):
    seen = []

    def synthesize(accounts_dir, names, out, force=False, progress=None, warn=None):
        seen.append(progress)
        return []

    monkeypatch.setattr(commands, "synthesize", synthesize)
    assert run("--quiet", "synth", "--all").exit_code == 0
    assert run("synth", "--all").exit_code == 0
    assert seen[0] is None and seen[1] is not None  # None: commands.synthesize's silent default


HEAVY = (
    "pydantic",
    "jinja2",
    "cdktf",
    "jsii",
    "constructs",
    "rich",
    "ecrgen.config.model",
    "ecrgen.preflight",
)
PROBE = """
import os, runpy, sys
sys.argv = ["ecrgen", *sys.argv[1:]]
try:
    runpy.run_module("ecrgen", run_name="__main__")
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith(%r))), file=sys.stderr)
"""


def loaded(args: list[str], env: dict[str, str], cwd) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), *args], capture_output=True, text=True, env=env, cwd=cwd
    )
    return done.stdout, set(done.stderr.split())


def test_version_and_a_completion_keypress_import_no_heavy_stack(folder):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("_ECRGEN_COMPLETE")}
    out, modules = loaded(["--version"], env, folder)
    assert out.startswith("ecrgen ") and modules == set()
    completion = {
        **env,
        "_ECRGEN_COMPLETE": "complete_bash",
        "COMP_WORDS": "ecrgen synth pr",
        "COMP_CWORD": "2",
    }
    out, modules = loaded([], completion, folder)
    assert out.split() == ["prod"]
    # Typer's own parameter adapters import pydantic on a completion; ecrgen's models, Jinja2 and CDKTF never
    assert {m for m in modules if not m.startswith("pydantic")} == set()
