"""The command line through Typer's CliRunner, and one real `python -m ecrgen --help`."""

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, minimal
from typer.testing import CliRunner

from ecrgen.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_validate_examples():
    result = run("validate", "--accounts-dir", str(EXAMPLES))
    assert (result.exit_code, result.stdout) == (
        0,
        "3 account(s) valid: example_account, example_nonprod, example_registry\n",
    )


def test_list_and_json(accounts):
    folder = accounts(b=minimal("dev", '[[repository]]\nname = "x1"\n'), a=minimal())
    result = run("list", "--accounts-dir", str(folder))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ACCOUNT  ID            REGION     ENVIRONMENT  REPOSITORIES",
        "a        123456789012  us-east-1  production   0",
        "b        123456789012  us-east-1  dev          1",
    ]
    rows = json.loads(run("list", "--json", "--accounts-dir", str(folder)).stdout)
    assert [r["name"] for r in rows] == ["a", "b"]


def test_bad_input_exits_1_without_traceback_and_writes_nothing(accounts, tmp_path):
    folder = accounts(a=minimal("dev", '[[repository]]\nname = "My_App"\n'))
    result = run("synth", "a", "--accounts-dir", str(folder), "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/a.toml:8: repository[0].name: 'My_App' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        "ecrgen: 1 problem(s) found; nothing was written.",
    ]
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.node
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


@pytest.mark.node
def test_unchanged_accounts_are_skipped_and_edits_are_repaired(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    first = run("synth", "--all")
    assert first.stdout.count("(written)") == 3
    second = run("synth", "--all")
    assert second.stdout.count("(skipped)") == 3 and "synthesizing" not in second.stderr
    # Recognised from file hashes alone: the run never imports the config models (issue 24, item 4).
    code = (
        "import runpy, sys; sys.argv = ['ecrgen', 'synth', '--all']\n"
        "try:\n    runpy.run_module('ecrgen', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ecrgen.config.model', 'ecrgen.preflight'))))"
    )
    alone = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert alone.stdout.splitlines()[-1] == "[]" and alone.stdout.count("(skipped)") == 3
    stack = tmp_path / "cdktf.out" / "stacks" / "example_account" / "cdk.tf.json"
    original = stack.read_text()
    stack.write_text(original.replace("IMMUTABLE", "MUTABLE"))
    third = run("synth", "--all")
    assert "synthesizing 1 of 3 accounts" in third.stderr and stack.read_text() == original


def test_unreadable_account_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts" / "a.toml").mkdir(parents=True)
    result = run("synth", "a")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "accounts/a.toml: cannot be read (Is a directory)",
    )


def test_usage_errors_exit_2():
    result = runner.invoke(app, ["synth"], prog_name="ecrgen")
    assert (result.exit_code, result.stderr) == (
        2,
        "Usage: ecrgen synth [OPTIONS] [ACCOUNT]...\nTry 'ecrgen synth --help' for help.\n\n"
        "Error: Invalid value: name one or more accounts, or use --all (not both)\n",
    )
    assert run("synth", "a", "--all").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_python_m_ecrgen_help():
    result = subprocess.run(
        [sys.executable, "-m", "ecrgen", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    for command in ("synth", "validate", "list"):
        assert command in result.stdout


@pytest.mark.node
def test_drift_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    missing = run("synth", "--all", "--check")
    assert (
        missing.exit_code == 1
        and "example_account: cdktf.out/stacks/example_account/cdk.tf.json is missing" in missing.stdout
    )
    assert run("synth", "--all").exit_code == 0
    clean = run("synth", "--all", "--check")
    assert (clean.exit_code, clean.stdout) == (0, "no drift: the output on disk is up to date\n")
    manifest = tmp_path / "cdktf.out" / "manifest.json"
    written = manifest.read_text()
    manifest.unlink()
    assert (run("synth", "--all", "--check").stdout, manifest.exists()) == (
        "manifest: cdktf.out/manifest.json is missing\n",
        False,
    )
    manifest.write_text(written.replace('"example_registry"', '"elsewhere"', 1))
    assert run("synth", "--all", "--check").stdout == "manifest: cdktf.out/manifest.json differs\n"
    manifest.write_text(written)
    account = tmp_path / "accounts" / "example_nonprod.toml"
    account.write_text(
        account.read_text()
        .replace('name = "experiments"', 'name = "labs"')
        .replace('sqs_queue_name = "dev-scan-findings"', 'sqs_queue_name = "dev-findings"')
    )
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
    for command in (
        "ecrgen validate",
        "ecrgen synth --all --check",
        "ecrgen list --json",
        "python -m ecrgen.checkov_gate",
        "terraform plan",
        "ecrgen check-plan",
    ):
        assert command in commands
    assert {s["uses"].split("@")[0] for s in steps if "uses" in s} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "hashicorp/setup-terraform",
        "actions/upload-artifact",  # the saved plan, from plan to apply
        "actions/download-artifact",
    }
    for line in commands.splitlines():  # every ecrgen subcommand the workflow runs exists
        if "ecrgen " in line:
            subcommand = line.split("ecrgen ", 1)[1].split()[0]
            assert run(subcommand, "--help").exit_code == 0, subcommand


# ---- conventions: version, help, completion, streams ------------------------------------------------


def test_version():
    from ecrgen import __version__

    assert (run("--version").exit_code, run("--version").stdout) == (0, f"ecrgen {__version__}\n")


def test_help_is_clean():
    text = runner.invoke(app, ["synth", "--help"], prog_name="ecrgen").stdout
    assert "Usage: ecrgen synth [OPTIONS] [ACCOUNT]..." in text and "[[ACCOUNT]" not in text
    flags = [
        line.split()[0:2]
        for line in text.splitlines()
        if line.strip().startswith(("--all", "--force", "--check", "--help"))
    ]
    assert [flag[0] for flag in flags] == ["--all", "--force", "--check", "--help"]
    assert all(len(flag) == 1 or not flag[1].startswith(("<", "BOOL", "[")) for flag in flags), flags
    assert (
        "<bool>" not in run("--help").stdout + run("list", "--help").stdout + run("validate", "--help").stdout
    )


def test_shell_completion_is_available_and_completes_account_names(monkeypatch):
    import shellingham

    # `--show-completion` is a flag: Typer asks shellingham which shell runs the tests (sh under make,
    # which it does not support); the script shown is bash's.
    monkeypatch.setattr(shellingham, "detect_shell", lambda: ("bash", "/bin/bash"))
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="ecrgen")
    assert script.exit_code == 0 and "_ECRGEN_COMPLETE=complete_bash" in script.stdout
    monkeypatch.chdir(ROOT)
    completed = runner.invoke(
        app,
        [],
        prog_name="ecrgen",
        env={"_ECRGEN_COMPLETE": "complete_bash", "COMP_WORDS": "ecrgen synth example_n", "COMP_CWORD": "2"},
    )
    assert completed.stdout.split() == ["example_nonprod"]


def test_progress_goes_to_stderr():
    import io

    from ecrgen.cli import progress

    bar = progress.Bar()
    assert bar.bar.console.stderr is True
    assert isinstance(progress.for_terminal(), progress.Lines)  # under pytest stderr is not a terminal
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream):
        progress.Lines().start(2, "synthesizing 2 of 2 accounts")
    assert stream.getvalue() == "synthesizing 2 of 2 accounts\n"


def test_validate_and_list_errors_do_not_claim_to_have_written_nothing(accounts):
    folder = accounts(a=minimal("dev", "oops = 1\n"))
    for command in (["validate"], ["list"]):
        result = run(*command, "--accounts-dir", str(folder))
        assert (result.exit_code, result.stderr.splitlines()[-1]) == (1, "ecrgen: 1 problem(s) found.")


def test_account_file_names_and_suggestions_on_the_command_line(accounts):
    folder = accounts(production=minimal())
    assert (
        run("validate", "production.toml", "--accounts-dir", str(folder)).stdout
        == "1 account(s) valid: production\n"
    )
    result = run("validate", "prodution", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr) == (
        1,
        "accounts/prodution.toml: no such account file (did you mean 'production'? "
        "known accounts: production)\necrgen: 1 problem(s) found.\n",
    )


def test_an_empty_accounts_folder_fails(accounts):
    folder = accounts()
    for command in (["validate"], ["list"], ["synth", "--all"]):
        result = run(*command, "--accounts-dir", str(folder))
        assert (result.exit_code, result.stderr.splitlines()[0]) == (
            1,
            "accounts: has no account files (*.toml); add one or point --accounts-dir at the folder that holds them",
        )


def test_validate_reports_config_and_template_problems_together(accounts, tmp_path):
    (tmp_path / "iam_policies").mkdir()
    (tmp_path / "iam_policies" / "typo.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Principal": {{ pull_principal | tojson }}}]}'
    )
    (tmp_path / "iam_policies" / "folder.json.j2").mkdir()
    folder = accounts(
        a=minimal("dev", "oops = 1\n"), b=minimal("dev", '[[repository]]\nname = "app"\npolicy = "typo"\n')
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/a.toml:7: account.oops: unknown key (allowed: id, region, environment, production, project, name_format, assume_role_arn, terraform_version, retired, allow_destroy)",
        "iam_policies/folder.json.j2: is a folder, not a template file; rename or remove it (every *.json.j2 in iam_policies/ is a policy template)",
        "accounts/b.toml:9: repository[0].policy: template 'typo' (iam_policies/typo.json.j2): 'pull_principal' is undefined",
        "ecrgen: 3 problem(s) found.",
    ]


def test_validate_format_github_annotates_the_lines(accounts):
    folder = accounts(
        a=minimal("dev", '[[repository]]\nname = "ok"\n[[repository]]\nname = "Bad,Name"\n'), b="[account\n"
    )
    result = run("validate", "--format", "github", "--accounts-dir", str(folder))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=accounts/a.toml,line=10::repository[1].name: 'Bad,Name' is not a valid ECR repository name "
        "(2-256 chars: lowercase letters, digits, and . _ - / separators)",
        "::error file=accounts/b.toml,line=1::is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)",
    ]
    assert result.stderr.splitlines()[-1] == "ecrgen: 2 problem(s) found."


def test_a_table_set_by_dotted_keys_is_located_at_its_first_dotted_key():
    """`lifecycle.max_image_count = 10` sets the table `lifecycle`: a problem about that table points at
    that line (as an inline table's or a header's would), not at the repository's header; a problem about
    the whole array of tables keeps no line (no line sets it)."""
    from ecrgen.cli.report import locate, split_path

    lines = [
        "[defaults]",  # 1
        "lifecycle.max_image_count = 50",  # 2
        "[[repository]]",  # 3
        'name = "a"',  # 4
        "[[repository]]",  # 5
        'name = "b"',  # 6
        "lifecycle.max_image_count = 10",  # 7
        "lifecycle.untagged_image_days = 3",  # 8
        "[[repository]]",  # 9
        'name = "c"',  # 10
        "lifecycle = { max_image_count = 5 }",  # 11
        "[[repository]]",  # 12
        'name = "d"',  # 13
        "[repository.lifecycle]",  # 14
        "max_image_count = 5",  # 15
    ]
    found = {
        path: locate(lines, split_path(path))
        for path in (
            "defaults.lifecycle",
            "repository[0].lifecycle",
            "repository[1].lifecycle",
            "repository[1].lifecycle.untagged_image_days",
            "repository[2].lifecycle",
            "repository[3].lifecycle",
            "repository[1]",
            "repository",
        )
    }
    assert found == {
        "defaults.lifecycle": 2,
        "repository[0].lifecycle": 3,
        "repository[1].lifecycle": 7,
        "repository[1].lifecycle.untagged_image_days": 8,
        "repository[2].lifecycle": 11,
        "repository[3].lifecycle": 14,
        "repository[1]": 5,
        "repository": None,
    }


def test_github_annotations_escape_and_omit_unknown_lines():
    from ecrgen.cli.report import github
    from ecrgen.errors import Problem

    assert github(
        [Problem("ECRGEN_JOBS", "", "'a,b' is 100% wrong\nreally"), Problem("x:y,z.toml", "tags.x", "bad")]
    ) == [
        "::error file=ECRGEN_JOBS::'a,b' is 100%25 wrong%0Areally",
        "::error file=x%3Ay%2Cz.toml::tags.x: bad",
    ]


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        (
            "ECRGEN_JOBS",
            "abc",
            "ECRGEN_JOBS: 'abc' is not allowed (a whole number of worker processes, 1 or more; unset it to let ecrgen choose)",
        ),
        (
            "ECRGEN_JOBS",
            "0",
            "ECRGEN_JOBS: '0' is not allowed (a whole number of worker processes, 1 or more; unset it to let ecrgen choose)",
        ),
        (
            "ECRGEN_LAZY",
            "no",
            "ECRGEN_LAZY: 'no' is not allowed (0 (load the provider the ordinary way) or 1 (the default))",
        ),
    ],
)
def test_a_bad_environment_variable_is_a_clear_error(accounts, monkeypatch, variable, value, expected):
    folder = accounts(a=minimal())
    monkeypatch.setenv(variable, value)
    for command in (["synth", "a"], ["synth", "a", "--check"]):
        result = run(*command, "--accounts-dir", str(folder))
        assert (result.exit_code, result.stderr) == (
            1,
            f"{expected}\necrgen: 1 problem(s) found; nothing was written.\n",
        )


@pytest.mark.parametrize(
    "command, function, expected",
    [
        (
            ["synth", "--all"],
            "synthesize",
            "\necrgen: interrupted (every account's output is as it was, or completely written).\n",
        ),
        (["validate"], "validated", "\necrgen: interrupted.\n"),
        (["list"], "listing", "\necrgen: interrupted.\n"),
    ],
)
def test_ctrl_c_exits_130_without_a_traceback(accounts, monkeypatch, command, function, expected):
    from ecrgen import commands

    monkeypatch.setattr(
        sys, "unraisablehook", sys.unraisablehook
    )  # the CLI quiets it after Ctrl-C; restored here
    monkeypatch.setattr(sys, "stderr", sys.stderr)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, function, interrupted)
    result = run(*command, "--accounts-dir", str(accounts(a=minimal())))
    assert (result.exit_code, result.stderr, result.stdout) == (130, expected, "")


def test_out_is_a_file(accounts, tmp_path):
    folder = accounts(a=minimal())
    (tmp_path / "out").write_text("not a folder")
    result = run("synth", "a", "--accounts-dir", str(folder), "--out", "out")
    assert (result.exit_code, result.stderr) == (  # found before synthesizing: no progress lines
        1,
        "out: is a file, not a folder: remove it or choose another --out\necrgen: 1 problem(s) found; nothing was written.\n",
    )


def test_output_folder_and_config_problems_are_reported_together(accounts, tmp_path):
    folder = accounts(a=minimal("dev", "oops = 1\n"), b=minimal())
    (tmp_path / "out" / "stacks" / "b" / "cdk.tf.json").mkdir(parents=True)
    result = run("synth", "--all", "--accounts-dir", str(folder), "--out", "out")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "accounts/a.toml:7: account.oops: unknown key (allowed: id, region, environment, production, project, name_format, assume_role_arn, terraform_version, retired, allow_destroy)",
            "out/stacks/b/cdk.tf.json: is a folder, but ecrgen writes a file there: remove the folder",
            "ecrgen: 2 problem(s) found; nothing was written.",
        ],
    )


# ---- the drift check sees the whole document and stale stacks; incremental synth knows names -----


def _synthesized_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, "accounts")
    shutil.copytree(ROOT / "iam_policies", "iam_policies")
    assert run("synth", "--all").exit_code == 0
    return tmp_path / "cdktf.out" / "stacks"


@pytest.mark.node
def test_drift_check_sees_hand_added_blocks(tmp_path, monkeypatch):
    stacks = _synthesized_examples(tmp_path, monkeypatch)
    stack = stacks / "example_nonprod" / "cdk.tf.json"
    original = stack.read_text()
    document = json.loads(original)
    document["import"] = [{"to": "aws_ecr_repository.api", "id": "api"}]
    document["moved"] = [{"from": "aws_ecr_repository.old", "to": "aws_ecr_repository.api"}]
    document["locals"] = {"x": 1}
    stack.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    result = run("synth", "--all", "--check")
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            "example_nonprod: - import[0] (removed)",
            "example_nonprod: - locals.x (removed)",
            "example_nonprod: - moved[0] (removed)",
        ],
    )
    stack.write_text(json.dumps(json.loads(original)))  # same content, other formatting
    assert run("synth", "--all", "--check").stdout == (
        "example_nonprod: cdktf.out/stacks/example_nonprod/cdk.tf.json differs only in formatting\n"
    )


@pytest.mark.node
def test_drift_check_reports_configuration_files_ecrgen_did_not_write(tmp_path, monkeypatch):
    """Terraform merges every *.tf and *.tf.json of the folder: an override file can drop prevent_destroy."""
    stacks = _synthesized_examples(tmp_path, monkeypatch)
    folder = stacks / "example_account"
    override = {"resource": {"aws_ecr_repository": {"app": {"lifecycle": {"prevent_destroy": False}}}}}
    (folder / "override.tf.json").write_text(json.dumps(override))
    (folder / "extra.tf").write_text('output "x" { value = 1 }\n')
    (folder / "main.tofu").write_text("")
    # Not configuration, or skipped by Terraform: state, lock file, .terraform/, plans, hidden and backup files.
    for name in (
        "terraform.tfstate",
        "terraform.tfstate.backup",
        ".terraform.lock.hcl",
        "plan.tfplan",
        ".hidden.tf",
        "x.tf~",
    ):
        (folder / name).write_text("{}")
    (folder / ".terraform").mkdir()
    (folder / ".terraform" / "modules.tf.json").write_text("{}")
    (folder / "folder.tf").mkdir()
    result = run("synth", "--all", "--check")
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            f"example_account: cdktf.out/stacks/example_account/{name} is Terraform configuration that ecrgen did not "
            "write: Terraform merges every *.tf and *.tf.json file of the folder into the stack (an override file can "
            "drop prevent_destroy); move what it does into the account file, or delete it"
            for name in ("extra.tf", "main.tofu", "override.tf.json")
        ],
    )
    # A plain synth of the account warns too (it writes the folder Terraform will read).
    synthesized = run("synth", "example_account", "--force")
    assert synthesized.exit_code == 0
    assert [line for line in synthesized.stderr.splitlines() if "did not write" in line] == [
        f"warning: cdktf.out/stacks/example_account/{name}: is Terraform configuration that ecrgen did not write: "
        "Terraform merges every *.tf and *.tf.json file of the folder into the stack (an override file can drop "
        "prevent_destroy); move what it does into the account file, or delete it"
        for name in ("extra.tf", "main.tofu", "override.tf.json")
    ]
    for name in ("extra.tf", "main.tofu", "override.tf.json"):
        (folder / name).unlink()
    assert run("synth", "--all", "--check").exit_code == 0


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            "[1, 2]",
            "cdktf.out/stacks/example_nonprod/cdk.tf.json is not a Terraform JSON document (a JSON object); found a list",
        ),
        (
            '"text"',
            "cdktf.out/stacks/example_nonprod/cdk.tf.json is not a Terraform JSON document (a JSON object); found a str",
        ),
        ("{broken", "cdktf.out/stacks/example_nonprod/cdk.tf.json is not valid JSON"),
        (b"\xff\xfe", "cdktf.out/stacks/example_nonprod/cdk.tf.json is not UTF-8 text"),
        ('{"resource": [], "output": 3}', None),
    ],
)
@pytest.mark.node
def test_drift_check_of_a_document_of_another_shape(tmp_path, monkeypatch, content, expected):
    stacks = _synthesized_examples(tmp_path, monkeypatch)
    stack = stacks / "example_nonprod" / "cdk.tf.json"
    stack.write_bytes(content) if isinstance(content, bytes) else stack.write_text(content)
    result = run("synth", "example_nonprod", "--check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    if expected:
        assert result.stdout == f"example_nonprod: {expected}\n"
    else:  # sections of the wrong shape are compared whole, never crash the comparison
        lines = result.stdout.splitlines()
        assert {
            "example_nonprod: - output (removed)",
            "example_nonprod: + output.repository_url (added)",
            "example_nonprod: + aws_ecr_repository.api (added)",
        } <= set(lines)


@pytest.mark.node
def test_drift_check_reports_stale_stack_folders(tmp_path, monkeypatch):
    stacks = _synthesized_examples(tmp_path, monkeypatch)
    (tmp_path / "accounts" / "example_nonprod.toml").unlink()
    result = run("synth", "--all", "--check")
    assert (result.exit_code, result.stdout) == (
        1,
        (
            "example_nonprod: cdktf.out/stacks/example_nonprod is stale: there is no accounts/example_nonprod.toml "
            "(restore the account file, or delete the folder once its resources are destroyed or forgotten)\n"
            "manifest: cdktf.out/manifest.json differs\n"  # synth would list only the accounts with a file
        ),
    )
    assert (
        run("synth", "example_account", "--check").exit_code == 0
    )  # named accounts: only those are compared
    synthesized = run("synth", "--all")  # writes, never deletes (the folder may hold Terraform state); warns
    assert (synthesized.exit_code, synthesized.stderr) == (
        0,
        (
            "ecrgen: warning: cdktf.out/stacks/example_nonprod is stale: there is no accounts/example_nonprod.toml "
            "(restore the account file, or delete the folder once its resources are destroyed or forgotten)\n"
        ),
    )
    assert (stacks / "example_nonprod").is_dir()


@pytest.mark.node
def test_renaming_an_account_re_synthesizes_it(tmp_path, monkeypatch):
    stacks = _synthesized_examples(tmp_path, monkeypatch)
    (tmp_path / "accounts" / "example_nonprod.toml").rename(tmp_path / "accounts" / "renamed.toml")
    (stacks / "example_nonprod").rename(stacks / "renamed")
    result = run("synth", "--all")
    assert result.stdout.splitlines() == [
        "example_account: cdktf.out/stacks/example_account/cdk.tf.json (skipped)",
        "example_registry: cdktf.out/stacks/example_registry/cdk.tf.json (skipped)",
        "renamed: cdktf.out/stacks/renamed/cdk.tf.json (written)",
    ]
    assert '"stackName": "renamed"' in (stacks / "renamed" / "cdk.tf.json").read_text()


@pytest.mark.node
def test_a_real_ctrl_c_during_synth(tmp_path):
    """SIGINT to the whole process group (as a terminal sends it, Node included) at several moments."""
    import os
    import signal
    import time

    shutil.copytree(EXAMPLES, tmp_path / "accounts")
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    for delay in (0.5, 1.0, 1.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "ecrgen", "synth", "--all", "--force"],
            cwd=tmp_path,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode in (0, 130, -signal.SIGINT), (delay, stderr)
        assert "Traceback" not in stderr and "Exception" not in stderr, (delay, stderr)
        if process.returncode == 130:
            assert stderr.splitlines()[-1].startswith("ecrgen: interrupted"), (delay, stderr)
        # -SIGINT: the signal's default action ended the process during interpreter shutdown, after
        # every file was in place (Python restores it then); nothing half-written either way.
        assert not list(tmp_path.rglob(".cdk.tf.json.*")) and not list(tmp_path.rglob(".ecrgen.sha256.*"))


def test_a_ctrl_c_while_bytecode_is_written_after_the_command_stops_it_quietly(accounts, monkeypatch, capsys):
    """The command's exit code stands; no traceback; Ctrl-C is ignored from then on (the shutdown)."""
    import signal

    from ecrgen import cli, commands

    def interrupted() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "write_missing_bytecode", interrupted)
    monkeypatch.setattr(sys, "argv", ["ecrgen", "validate", "--accounts-dir", str(accounts(a=minimal()))])
    previous = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as ended:
            cli.main()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ended.value.code == 0
    assert capsys.readouterr().out == "1 account(s) valid: a\n"


def test_a_ctrl_c_after_the_command_ended_is_ignored_during_shutdown(tmp_path):
    """A Ctrl-C that lands once the command is over, while Python shuts down (where jsii waits for its
    Node process to exit), prints no traceback under a finished run: the run's own exit code stands.
    The SIGINT is raised from an exit handler, which runs in that window, so the moment is certain."""
    shutil.copytree(EXAMPLES, tmp_path / "accounts")
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    script = (
        "import atexit, os, signal, sys, time\n"
        "from ecrgen.cli import main\n"
        "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(0.2)))\n"
        "sys.argv = ['ecrgen', 'validate']\n"
        "main()\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, text=True, capture_output=True, timeout=120
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr and "KeyboardInterrupt" not in process.stderr, process.stderr
    assert process.stdout.splitlines()[-1].startswith("3 account(s) valid"), process.stdout


@pytest.mark.node
def test_drift_check_of_an_unreadable_stack_file(tmp_path, monkeypatch):
    from pathlib import Path

    stacks = _synthesized_examples(tmp_path, monkeypatch)
    real = Path.read_text

    def read_text(path, *args, **kwargs):  # chmod does not stop root, who runs this suite in CI containers
        if path == Path("cdktf.out/stacks/example_nonprod/cdk.tf.json"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    result = run("synth", "example_nonprod", "--check")
    assert (result.exit_code, result.stdout) == (
        1,
        "example_nonprod: cdktf.out/stacks/example_nonprod/cdk.tf.json cannot be read (Permission denied)\n",
    ), (result.stderr, result.exception)
    assert stacks.is_dir()


def test_accounts_named_by_their_file_path(accounts):
    folder = accounts(a=minimal("dev"), b=minimal("dev").replace("123456789012", "123456789013"))
    named = run("validate", f"{folder.as_posix()}/a.toml", "b.toml", "--accounts-dir", str(folder))
    assert (named.exit_code, named.stdout) == (0, "2 account(s) valid: a, b\n")
    elsewhere = run("validate", "other/a.toml", "--accounts-dir", str(folder))
    assert (elsewhere.exit_code, elsewhere.stderr.splitlines()[0]) == (
        1,
        f"other/a.toml: is not in the accounts folder {folder.as_posix()}: name the account ('a'), "
        "or point --accounts-dir at the folder that holds the file",
    )


def test_a_toml_date_is_shown_as_written(accounts):
    text = minimal("dev").replace('id = "123456789012"', "id = 1979-05-27T07:32:00Z")
    result = run("validate", "--accounts-dir", str(accounts(a=text)))
    assert (
        result.stderr.splitlines()[0]
        == "accounts/a.toml:3: account.id: 1979-05-27T07:32:00+00:00 must be a string"
    )


def test_validate_of_named_accounts_checks_clashes_with_the_other_files_as_synth_does(accounts):
    role = '[role]\nname = "ecr-ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n'
    folder = accounts(
        a=minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "ecr/a.tfstate"\n' + role),
        b=minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "ecr/b.tfstate"\n' + role),
    )
    message = (
        "accounts/a.toml:12: role.name: the IAM role 'ecr-ci' of account 123456789012 is also made by "
        "accounts/b.toml (role.name); role names are unique in an AWS account, whatever their case"
    )
    validated = run("validate", "b", "--accounts-dir", str(folder))
    assert (validated.exit_code, validated.stderr.splitlines()) == (
        1,
        [message, "ecrgen: 1 problem(s) found."],
    )
    synthesized = run("synth", "b", "--accounts-dir", str(folder), "--out", "out")
    assert (synthesized.exit_code, synthesized.stderr.splitlines()[0]) == (1, message)


@pytest.mark.node
def test_files_that_look_like_accounts_but_are_not_read_are_named(accounts):
    """A file in a subfolder, or with the suffix in capitals, is no account file: said, not skipped
    silently (by validate and synth of every account)."""
    folder = accounts(a=minimal("dev"))
    (folder / "eu").mkdir()
    (folder / "eu" / "prod.toml").write_text(minimal())
    (folder / "Shared.TOML").write_text(minimal())
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.toml").write_text(minimal())
    (folder / "eu" / "prod.toml~").write_text(minimal())
    warned = [
        "warning: accounts/Shared.TOML: is not read: account files end in .toml (lower case); rename it Shared.toml",
        "warning: accounts/eu/prod.toml: is not read: account files are the *.toml files directly in accounts "
        "(subfolders are not read); move it there, or point --accounts-dir at accounts/eu",
    ]
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stdout, sorted(result.stderr.splitlines())) == (
        0,
        "1 account(s) valid: a\n",
        warned,
    )
    synthesized = run("synth", "--all", "--accounts-dir", str(folder), "--out", "out")
    assert synthesized.exit_code == 0 and sorted(synthesized.stderr.splitlines())[-3:] == [
        "synthesizing 1 of 1 accounts",
        *warned,
    ]
    assert run("validate", "a", "--accounts-dir", str(folder)).stderr == ""


def test_a_tag_key_that_toml_must_quote_is_quoted_in_the_path_and_located(accounts):
    """An empty key, or one with a dot: the path quotes it as TOML does, so it reads back to one key and
    the line found is the key's own."""
    folder = accounts(
        a=minimal("dev", '[tags]\nTeam = "x"\n"" = "empty"\n"a.b" = "dot!"\n\n[[repository]]\nname = "app"\n')
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "accounts/a.toml:9: tags.\"\": '' is not a valid tag key (1-128 chars: letters, digits, spaces and "
            "_ . : / = + - @; not starting with 'aws:')",
            "accounts/a.toml:10: tags.\"a.b\": 'dot!' is not a valid tag value (0-256 chars: letters, digits, spaces "
            "and _ . : / = + - @)",
            "ecrgen: 2 problem(s) found.",
        ],
    )


def test_a_quoted_path_part_is_one_name():
    from ecrgen.cli.report import split_path

    assert split_path('repository[1].tags."a.b"') == ["repository", 1, "tags", "a.b"]
    assert split_path('tags.""') == ["tags", ""]
    assert split_path('tags."say \\"hi\\""') == ["tags", 'say "hi"']


def test_account_files_deeper_in_subfolders_are_named_too(tmp_path, monkeypatch):
    """`eu/prod/a.toml` is no more read than `eu/a.toml`: named as well; hidden folders are not entered,
    and a link back up the tree is not followed."""
    from ecrgen.config import files

    monkeypatch.chdir(tmp_path)
    folder = Path("accounts")
    (folder / "eu" / "prod").mkdir(parents=True)
    (folder / "eu" / "prod" / "a.toml").write_text(minimal())
    (folder / "eu" / "b.TOML").write_text(minimal())
    (folder / ".git" / "x").mkdir(parents=True)
    (folder / ".git" / "x" / "c.toml").write_text(minimal())
    (folder / "eu" / "prod" / "up").symlink_to("../..")
    assert [(p.file, p.message[:11]) for p in files.not_read(folder)] == [
        ("accounts/eu/b.TOML", "is not read"),
        ("accounts/eu/prod/a.toml", "is not read"),
    ]
    assert files.not_read(folder)[1].message.endswith("point --accounts-dir at accounts/eu/prod")
