"""ecrgen where its users live: the wheel (built and installed into a scratch venv), the shipped GitHub
workflow (its guards, `ecrgen init-ci`, and its check job's commands run in order in a scratch
repository that holds only accounts/ and iam_policies/, with the installed wheel)."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from ecrgen.cli import app
from ecrgen.workflow import WORKFLOW_TEMPLATE, workflow_text

DRIFT_CONDITION = "hashFiles('cdktf.out/stacks/**/cdk.tf.json') != ''"


def workflow() -> dict:
    return yaml.safe_load(workflow_text("ecrgen==0.1.0"))


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    """(bin folder, wheel): ecrgen's wheel built from this checkout and installed with its pinned
    dependencies into a fresh venv (uv, from the warm cache). Without uv: this test run's own env."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        return Path(sys.executable).parent, None
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--quiet", "--wheel", "--out-dir", str(work / "dist"), str(ROOT)], check=True
    )
    wheel = next((work / "dist").glob("ecrgen-*-py3-none-any.whl"))
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(work / "venv")], check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(work / "venv" / "bin" / "python"),
            "--constraint",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ],
        check=True,
    )
    return work / "venv" / "bin", wheel


def test_wheel_carries_package_data_and_licence(wheel_env):
    _, wheel = wheel_env
    if wheel is None:
        pytest.skip("uv not found: the wheel is not built")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for needed in (
        "ecrgen/templates/github-workflow.yml",
        "ecrgen/node/lazy_provider.js",
        "ecrgen/iam_policies/production.json.j2",
        "ecrgen/iam_policies/non_production.json.j2",
    ):
        assert needed in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0" in metadata


def test_installed_wheel_synthesizes_a_folder_holding_only_accounts(wheel_env, synthesized, tmp_path):
    bindir, wheel = wheel_env
    if wheel is None:
        pytest.skip("uv not found: the wheel is not built")
    (tmp_path / "accounts").mkdir()
    shutil.copy(EXAMPLES / "example_nonprod.toml", tmp_path / "accounts")
    done = subprocess.run(
        [str(bindir / "ecrgen"), "synth", "--all"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    stack = tmp_path / "cdktf.out" / "stacks" / "example_nonprod" / "cdk.tf.json"
    assert json.loads(stack.read_text()) == synthesized["example_nonprod"]
    assert list(json.loads((tmp_path / "cdktf.out" / "manifest.json").read_text())["stacks"]) == [
        "example_nonprod"
    ]


# --- the workflow's shape -------------------------------------------------------------------------


def test_every_action_is_pinned_by_full_commit_with_its_tag_beside_it():
    uses = [line.strip() for line in WORKFLOW_TEMPLATE.read_text().splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert re.fullmatch(r"- uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line


def test_terraform_is_at_least_1_10_and_its_wrapper_off():
    flow = workflow()
    assert tuple(int(p) for p in flow["env"]["TERRAFORM_VERSION"].split(".")[:2]) >= (1, 10)
    for job in ("plan", "apply"):
        setup = next(
            s for s in flow["jobs"][job]["steps"] if s.get("uses", "").startswith("hashicorp/setup-terraform")
        )
        assert setup["with"]["terraform_wrapper"] is False  # `terraform show -json` must be plain JSON


def test_per_account_credentials_plan_and_guard():
    flow = workflow()
    for job in ("plan", "apply"):
        steps = flow["jobs"][job]["steps"]
        creds = next(
            s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")
        )
        assert "matrix.account.id" in creds["with"]["role-to-assume"]
        assert creds["with"]["aws-region"] == "${{ matrix.account.region }}"
        scripts = "\n".join(s.get("run", "") for s in steps)
        assert "terraform plan -input=false -lock-timeout=10m -out=tfplan" in scripts
        assert "terraform show -json tfplan > plan.json" in scripts
        assert 'ecrgen check-plan "$ACCOUNT" "cdktf.out/stacks/$ACCOUNT/plan.json"' in scripts
    assert "terraform apply" not in "\n".join(s.get("run", "") for s in flow["jobs"]["plan"]["steps"])


def test_apply_runs_on_main_only_behind_an_environment_and_is_never_cancelled():
    flow = workflow()
    apply, plan = flow["jobs"]["apply"], flow["jobs"]["plan"]
    assert "github.event_name == 'push' && github.ref == 'refs/heads/main'" in apply["if"]
    assert apply["environment"] == "${{ matrix.account.environment }}"
    assert apply["concurrency"] == {
        "group": "ecrgen-apply-${{ matrix.account.name }}",
        "cancel-in-progress": False,
    }
    # Plans queue in groups of their own: a pull request's plan can never replace a pending apply.
    assert plan["concurrency"]["group"] != apply["concurrency"]["group"]
    assert "ecrgen-apply" not in plan["concurrency"]["group"]
    ordered = [s.get("name", s.get("uses")) for s in apply["steps"]]
    assert ordered.index("Plan guard (no production repository deleted or replaced)") < ordered.index(
        "Terraform apply"
    )


def test_this_repository_runs_the_template_installing_itself():
    assert (ROOT / ".github" / "workflows" / "ecrgen.yml").read_text() == workflow_text(".")


def test_checkov_is_pinned_alike_in_the_makefile_and_the_workflow():
    """`make checkov` and the shipped workflow run the same checkov (the gate's findings list is proven
    against that version)."""
    makefile = re.findall(r"^CHECKOV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    workflow = yaml.safe_load(WORKFLOW_TEMPLATE.read_text())["env"]["CHECKOV_VERSION"]
    assert makefile == [workflow]


def test_init_ci_writes_the_workflow_and_keeps_a_different_one(tmp_path):
    runner = CliRunner()
    args = [
        "init-ci",
        "--dir",
        str(tmp_path),
        "--package",
        "ecrgen @ git+https://github.com/acme/ecrgen@v0.1.0",
    ]
    first = runner.invoke(app, args)
    target = tmp_path / ".github" / "workflows" / "ecrgen.yml"
    assert first.exit_code == 0 and first.stdout.endswith("(written)\n")
    assert 'ECRGEN_PACKAGE: "ecrgen @ git+https://github.com/acme/ecrgen@v0.1.0"' in target.read_text()
    assert runner.invoke(app, args).stdout.endswith("(unchanged)\n")
    target.write_text("# ours\n")
    refused = runner.invoke(app, args[:-2])
    assert refused.exit_code == 1 and "use --force" in refused.stderr and target.read_text() == "# ours\n"
    assert runner.invoke(app, [*args[:-2], "--force"]).exit_code == 0
    assert 'ECRGEN_PACKAGE: "ecrgen==' in target.read_text()


def test_init_ci_rejects_a_package_that_would_break_the_yaml(tmp_path):
    result = CliRunner().invoke(app, ["init-ci", "--dir", str(tmp_path), "--package", 'x"; rm -rf /'])
    assert result.exit_code == 1 and "is not a pip requirement" in result.stderr
    assert not (tmp_path / ".github").exists()


# --- the check job's commands, in order, in a scratch repository ------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    ).stdout.strip()


def supports_github_format(bindir: Path) -> bool:
    done = subprocess.run([str(bindir / "ecrgen"), "validate", "--help"], capture_output=True, text=True)
    return "--format" in done.stdout


def run_check_job(repo: Path, bindir: Path, base: str, skip: tuple[str, ...] = ()) -> tuple[list[str], dict]:
    """Run the check job's `run:` steps as GitHub does (bash -eo pipefail, in the checkout), after the
    actions (checkout, setup-python, cache) and the install step, which `wheel_env` stands in for.
    Returns the names of the steps run and the job's outputs."""
    flow = workflow()
    temp = repo.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    checkov = ROOT / ".checkov-venv" / "bin" / "checkov"
    if checkov.exists() and not (temp / "checkov").exists():
        (temp / "checkov" / "bin").mkdir(parents=True)
        (temp / "checkov" / "bin" / "checkov").symlink_to(checkov)
    output = temp / "output"
    output.write_text("")
    env = {
        **os.environ,
        **flow["env"],
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
    }
    ran = []
    for step in flow["jobs"]["check"]["steps"]:
        name = step.get("name", "")
        if "run" not in step or name.startswith("Install") or name in skip:
            continue
        if "checkov" in step["run"] and not checkov.exists():
            continue  # `make checkov` runs the same gate in .ci/run
        if "if" in step:
            assert step["if"] == DRIFT_CONDITION
            if not list(repo.glob("cdktf.out/stacks/*/cdk.tf.json")):
                continue
        script = step["run"]
        if not supports_github_format(bindir):
            script = script.replace(" --format github", "")  # until `validate --format github` is merged
        step_env = {"BASE": base} if "env" in step else {}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=repo,
            env={**env, **step_env},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"step {name!r} failed:\n{done.stdout}\n{done.stderr}"
        ran.append(name)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return ran, outputs


@pytest.fixture
def scratch_repo(tmp_path):
    """A user's repository: accounts/ and iam_policies/ only, one commit."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(EXAMPLES, repo / "accounts")
    shutil.copytree(ROOT / "iam_policies", repo / "iam_policies")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "accounts")
    return repo


@pytest.mark.node
def test_check_job_passes_in_a_repository_holding_only_accounts(scratch_repo, wheel_env):
    bindir, _ = wheel_env
    base = git(scratch_repo, "rev-parse", "HEAD")
    with open(scratch_repo / "accounts" / "example_nonprod.toml", "a") as stream:
        stream.write("# a reviewed change\n")
    git(scratch_repo, "commit", "-qam", "change one account")
    ran, outputs = run_check_job(scratch_repo, bindir, base)
    assert ran[:2] == [
        "Validate every account",
        "Synthesize every account",
    ]  # no committed output: no drift check
    assert ran[-1] == "Changed accounts (the matrix)"
    assert json.loads(outputs["accounts"]) == [
        {"name": "example_nonprod", "id": "210987654321", "region": "eu-west-1", "environment": "development"}
    ]

    # A team that commits cdktf.out/: the drift check runs; a policy template change plans every account.
    git(scratch_repo, "add", "-A")
    git(scratch_repo, "commit", "-qm", "commit the output")
    base = git(scratch_repo, "rev-parse", "HEAD")
    with open(scratch_repo / "iam_policies" / "base_images.json.j2", "a") as stream:
        stream.write("\n")
    git(scratch_repo, "commit", "-qam", "touch a template")
    ran, outputs = run_check_job(scratch_repo, bindir, base, skip=("checkov over every stack",))
    assert "Drift check (when cdktf.out/ is committed)" in ran
    assert [row["name"] for row in json.loads(outputs["accounts"])] == [
        "example_account",
        "example_nonprod",
        "example_registry",
    ]


def matrix_step(repo: Path, bindir: Path, base: str) -> subprocess.CompletedProcess:
    step = next(s for s in workflow()["jobs"]["check"]["steps"] if s.get("id") == "matrix")
    (repo.parent / "runner-temp").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "BASE": base,
        "RUNNER_TEMP": str(repo.parent / "runner-temp"),
        "GITHUB_OUTPUT": str(repo.parent / "output"),
    }
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
    )


def test_matrix_fails_when_unexpectedly_empty(scratch_repo):
    bindir = Path(sys.executable).parent
    base = git(scratch_repo, "rev-parse", "HEAD")
    git(scratch_repo, "rm", "-q", "accounts/example_nonprod.toml")
    git(scratch_repo, "commit", "-qm", "drop an account")
    deleted = matrix_step(scratch_repo, bindir, base)
    assert (
        deleted.returncode == 1
        and "account files changed but none is left to plan: example_nonprod" in deleted.stderr
    )
    git(scratch_repo, "rm", "-q", "accounts/example_account.toml", "accounts/example_registry.toml")
    git(scratch_repo, "commit", "-qm", "drop the last ones")
    (scratch_repo / "accounts").mkdir()  # git keeps no empty folder; a checkout with accounts/ but no files
    empty = matrix_step(scratch_repo, bindir, "")
    # `ecrgen list` itself refuses a folder without account files (the workflow's own check is the second line of defence).
    assert empty.returncode == 1 and "accounts: has no account files" in empty.stderr


def test_matrix_is_empty_when_no_account_changed_and_everything_when_run_by_hand(scratch_repo):
    bindir = Path(sys.executable).parent
    base = git(scratch_repo, "rev-parse", "HEAD")
    (scratch_repo / "README.md").write_text("docs\n")
    git(scratch_repo, "add", "-A")
    git(scratch_repo, "commit", "-qm", "docs only")
    none = matrix_step(scratch_repo, bindir, base)
    assert none.returncode == 0 and (scratch_repo.parent / "output").read_text() == "accounts=[]\n"
    every = matrix_step(scratch_repo, bindir, "")
    assert every.returncode == 0 and "example_account, example_nonprod" in every.stderr
