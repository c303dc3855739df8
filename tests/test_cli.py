"""The command line through Typer's CliRunner, and one real `python -m ecrgen --help`."""

import json
import shutil
import subprocess
import sys

from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT, minimal
from ecrgen.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_validate_examples():
    result = run("validate", "--accounts-dir", str(EXAMPLES))
    assert (result.exit_code, result.stdout) == (0, "2 account(s) valid: example_account, example_nonprod\n")


def test_list_and_json(accounts):
    folder = accounts(b=minimal("dev", '[[repository]]\nname = "x1"\n'), a=minimal())
    result = run("list", "--accounts-dir", str(folder))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ACCOUNT  ID            REGION     ENVIRONMENT  REPOSITORIES",
        "a        123456789012  us-east-1  production   0",
        "b        123456789012  us-east-1  dev          1"]
    rows = json.loads(run("list", "--json", "--accounts-dir", str(folder)).stdout)
    assert [r["name"] for r in rows] == ["a", "b"]


def test_bad_input_exits_1_without_traceback_and_writes_nothing(accounts, tmp_path):
    folder = accounts(a=minimal("dev", '[[repository]]\nname = "My_App"\n'))
    result = run("synth", "a", "--accounts-dir", str(folder), "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/a.toml: repository[0].name: 'My_App' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        "ecrgen: 1 problem(s) found; nothing was written."]
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_failed_synth_leaves_earlier_output_untouched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    assert run("synth", "--all").exit_code == 0
    stack = tmp_path / "cdktf.out" / "stacks" / "example_nonprod" / "cdk.tf.json"
    state = stack.parent / "terraform.tfstate"
    state.write_text("{}")  # Terraform's local state beside the stack must survive re-synthesis
    before = stack.read_bytes()
    (tmp_path / "accounts" / "example_nonprod.toml").write_text(minimal("dev", "oops = 1\n"))
    result = run("synth", "--all")
    assert result.exit_code == 1 and "account.oops: unknown key" in result.stderr
    assert stack.read_bytes() == before and state.read_text() == "{}"


def test_unchanged_accounts_are_skipped_and_edits_are_repaired(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    first = run("synth", "--all")
    assert first.stdout.count("(written)") == 2
    second = run("synth", "--all")
    assert second.stdout.count("(skipped)") == 2 and "synthesizing" not in second.stderr
    stack = tmp_path / "cdktf.out" / "stacks" / "example_account" / "cdk.tf.json"
    original = stack.read_text()
    stack.write_text(original.replace("IMMUTABLE", "MUTABLE"))
    third = run("synth", "--all")
    assert "synthesizing 1 of 2 accounts" in third.stderr and stack.read_text() == original


def test_unreadable_account_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts" / "a.toml").mkdir(parents=True)
    result = run("synth", "a")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (1, "accounts/a.toml: cannot be read (Is a directory)")


def test_usage_errors_exit_2():
    assert run("synth").exit_code == 2
    assert run("synth", "a", "--all").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_python_m_ecrgen_help():
    result = subprocess.run([sys.executable, "-m", "ecrgen", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for command in ("synth", "validate", "list"):
        assert command in result.stdout


def test_drift_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    missing = run("synth", "--all", "--check")
    assert missing.exit_code == 1 and "example_account: cdktf.out/stacks/example_account/cdk.tf.json is missing" in missing.stdout
    assert run("synth", "--all").exit_code == 0
    clean = run("synth", "--all", "--check")
    assert (clean.exit_code, clean.stdout) == (0, "no drift: the output on disk is up to date\n")
    account = tmp_path / "accounts" / "example_nonprod.toml"
    account.write_text(account.read_text().replace('name = "experiments"', 'name = "labs"')
                       .replace('sqs_queue_name = "dev-scan-findings"', 'sqs_queue_name = "dev-findings"'))
    drift = run("synth", "example_nonprod", "--check")
    assert drift.exit_code == 1
    assert drift.stdout.splitlines() == [
        "example_nonprod: - aws_ecr_repository.experiments (removed)",
        "example_nonprod: + aws_ecr_repository.labs (added)",
        "example_nonprod: - aws_ecr_repository_policy.experiments (removed)",
        "example_nonprod: + aws_ecr_repository_policy.labs (added)",
        "example_nonprod: ~ aws_iam_role_policy.ecr (changed: policy)",
        "example_nonprod: ~ aws_sqs_queue.alerts (changed: name)",
        "example_nonprod: ~ output.repository_arn (changed: value)",
        "example_nonprod: ~ output.repository_name (changed: value)",
        "example_nonprod: ~ output.repository_url (changed: value)",
    ]


def test_the_ci_workflow_names_real_commands():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ecrgen.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    commands = "\n".join(s.get("run", "") for s in steps)
    for command in ("ecrgen validate", "ecrgen synth --all --check", "ecrgen list --json",
                    "python -m ecrgen.checkov_gate", "terraform plan", "ecrgen check-plan"):
        assert command in commands
    assert {s["uses"].split("@")[0] for s in steps if "uses" in s} == {
        "actions/checkout", "actions/setup-python", "actions/cache", "hashicorp/setup-terraform",
        "aws-actions/configure-aws-credentials"}
    missing = set()
    for line in commands.splitlines():  # every ecrgen subcommand the workflow runs exists
        if "ecrgen " in line:
            subcommand = line.split("ecrgen ", 1)[1].split()[0]
            if run(subcommand, "--help").exit_code != 0:
                missing.add(subcommand)
    assert missing <= {"check-plan"}  # check-plan arrives with the plan guard (issue 13's sibling work)
