"""ecrgen where its users live: the wheel (built and installed into a scratch venv), the shipped GitHub
workflow (its guards, `ecrgen init-ci`, and its check job's commands run in order in a scratch
repository that holds only accounts/ and iam_policies/, with the installed wheel)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line


def test_terraform_is_at_least_1_10_and_its_wrapper_off():
    flow = workflow()
    assert tuple(int(p) for p in flow["env"]["TERRAFORM_VERSION"].split(".")[:2]) >= (1, 10)
    for job in ("plan", "apply"):
        setup = next(
            s for s in flow["jobs"][job]["steps"] if s.get("uses", "").startswith("hashicorp/setup-terraform")
        )
        assert setup["with"]["terraform_wrapper"] is False  # `terraform show -json` must be plain JSON


def step(job: str, name: str) -> dict:
    return next(s for s in workflow()["jobs"][job]["steps"] if s.get("name") == name)


PLAN_STEP = "Plan each account (saved, guarded, shown)"
APPLY_STEP = "Apply each account's saved plan"


def test_plan_is_saved_guarded_and_handed_to_apply_which_applies_exactly_it():
    flow = workflow()
    plan, apply = step("plan", PLAN_STEP)["run"], step("apply", APPLY_STEP)["run"]
    assert "terraform plan -input=false -lock-timeout=10m -out=tfplan" in plan
    assert "terraform show -json tfplan > plan.json" in plan
    assert 'ecrgen check-plan "$account" "$stack/plan.json"' in plan
    # apply never plans: it applies the artifact's plan, guarded again, after the environment's approval
    assert "terraform plan" not in apply and "terraform apply -input=false -lock-timeout=10m tfplan" in apply
    assert 'ecrgen check-plan "$account" "$work/plan.json"' in apply
    assert "terraform apply" not in plan
    upload = next(s for s in flow["jobs"]["plan"]["steps"] if "upload-artifact" in s.get("uses", ""))
    download = next(s for s in flow["jobs"]["apply"]["steps"] if "download-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == download["with"]["name"] == "ecrgen-plan-${{ matrix.batch.name }}"
    assert upload["if"] == "${{ !cancelled() }}"  # the plans that passed are kept when another failed


def test_two_roles_with_ecrgen_role_arn_as_fallback():
    plan, apply = step("plan", PLAN_STEP), step("apply", APPLY_STEP)
    assert plan["env"]["ROLE_PATTERN"] == "${{ vars.ECRGEN_PLAN_ROLE_ARN || vars.ECRGEN_ROLE_ARN }}"
    assert apply["env"]["ROLE_PATTERN"] == "${{ vars.ECRGEN_APPLY_ROLE_ARN || vars.ECRGEN_ROLE_ARN }}"
    flow = workflow()
    assert flow["jobs"]["plan"]["permissions"]["id-token"] == "write"
    assert "environment" not in flow["jobs"]["plan"]  # the plan role may trust pull requests
    assert flow["jobs"]["apply"]["permissions"] == {"contents": "read", "id-token": "write"}


def test_apply_runs_on_main_only_behind_an_environment_and_waits_for_no_other_account():
    flow = workflow()
    apply, plan = flow["jobs"]["apply"], flow["jobs"]["plan"]
    assert "github.event_name == 'push' && github.ref == 'refs/heads/main'" in apply["if"]
    # needs.plan.result is the whole matrix's: one account's failed plan must not skip the others' apply
    assert "!cancelled()" in apply["if"] and "needs.plan.result" not in apply["if"]
    assert apply["environment"] == "${{ matrix.batch.environment }}"
    # no concurrency group holds an apply (a newer pending job would replace it); on main no plan is
    # cancelled either: its group is the run's own
    assert "concurrency" not in apply
    assert plan["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert "github.event_name == 'pull_request' || github.run_id" in plan["concurrency"]["group"]
    assert plan["strategy"]["fail-fast"] is False and apply["strategy"]["fail-fast"] is False


def test_every_checkout_keeps_no_credentials():
    flow = workflow()
    checkouts = [
        s
        for job in flow["jobs"].values()
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/checkout")
    ]
    assert len(checkouts) == 3
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


def linter(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is a test dependency (pyproject.toml): make test-fast installs it"
    return found


WORKFLOW_FILES = (WORKFLOW_TEMPLATE, ROOT / ".github" / "workflows" / "ecrgen.yml")


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=["template", "this-repository"])
def test_zizmor_finds_nothing(path):
    done = subprocess.run(
        [linter("zizmor"), "--offline", "--no-progress", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=["template", "this-repository"])
def test_github_workflow_schema_accepts_it(path):
    done = subprocess.run(
        [linter("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "ok -- validation done" in done.stdout, done.stdout + done.stderr


def test_the_linters_catch_what_they_are_run_for(tmp_path):
    """A checkout that keeps its credentials, and a job without runs-on: both linters say so."""
    broken = tmp_path / "ecrgen.yml"
    broken.write_text(WORKFLOW_TEMPLATE.read_text().replace("          persist-credentials: false\n", "", 1))
    zizmor = subprocess.run(
        [linter("zizmor"), "--offline", "--no-progress", str(broken)], capture_output=True, text=True
    )
    assert zizmor.returncode != 0 and "artipacked" in zizmor.stdout + zizmor.stderr
    broken.write_text(WORKFLOW_TEMPLATE.read_text().replace("    runs-on: ubuntu-24.04\n", "", 1))
    schema = subprocess.run(
        [linter("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 1 and "runs-on" in schema.stdout


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
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "use --force" in refused.stderr and target.read_text() == "# ours\n"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert 'ECRGEN_PACKAGE: "ecrgen @ git+https://github.com/acme/ecrgen@v0.1.0"' in target.read_text()


class Installed:
    """importlib.metadata's distribution, with the `direct_url.json` (PEP 610) an installer wrote."""

    def __init__(self, direct_url: dict | None):
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


def test_init_ci_defaults_to_the_git_commit_ecrgen_was_installed_from(tmp_path, monkeypatch):
    import importlib.metadata

    git_install = {
        "url": "https://github.com/acme/ecrgen",
        "vcs_info": {"vcs": "git", "commit_id": "ab12" * 10},
    }
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed(git_install))
    result = CliRunner().invoke(app, ["init-ci", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / ".github" / "workflows" / "ecrgen.yml").read_text()
    assert f'ECRGEN_PACKAGE: "ecrgen @ git+https://github.com/acme/ecrgen@{"ab12" * 10}"' in text


@pytest.mark.parametrize(
    ("direct_url", "where"),
    [
        ({"url": "file:///home/me/ecrgen", "dir_info": {"editable": True}}, " (file:///home/me/ecrgen)"),
        (
            {"url": "file:///home/me/ecrgen", "vcs_info": {"vcs": "git", "commit_id": "c" * 40}},
            " (file:///home/me/ecrgen)",
        ),
        (None, ""),  # from a wheel file or an index: pip records no direct URL for an index
    ],
    ids=["editable", "local-clone", "wheel"],
)
def test_init_ci_requires_package_where_ci_could_not_fetch_this_ecrgen(
    tmp_path, monkeypatch, direct_url, where
):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed(direct_url))
    result = CliRunner().invoke(app, ["init-ci", "--dir", str(tmp_path)])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"--package: required: this ecrgen was not installed from a git URL CI can reach{where}, and ecrgen "
            'is on no package index; give the source the workflow installs, e.g. "ecrgen @ '
            'git+https://github.com/ORG/ecrgen@COMMIT"',
            "ecrgen: 1 problem(s) found; nothing was written.",
        ],
    )
    assert not (tmp_path / ".github").exists()


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
    temp = Path(tempfile.mkdtemp(prefix="runner-temp-", dir=repo.parent))  # each job a RUNNER_TEMP of its own
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
        stream.write('\n[[repository]]\nname = "added-in-review"\n')
    with open(scratch_repo / "accounts" / "example_registry.toml", "a") as stream:
        stream.write("# a comment: the same stack, nothing to plan\n")
    git(scratch_repo, "commit", "-qam", "change one account, comment another")
    ran, outputs = run_check_job(scratch_repo, bindir, base)
    assert ran[:2] == [
        "Validate every account",
        "Synthesize every account",
    ]  # no committed output: no drift check
    assert ran[-1] == "Changed accounts (the matrix)"
    assert json.loads(outputs["accounts"]) == [
        {"name": "example_nonprod", "id": "210987654321", "region": "eu-west-1", "environment": "development"}
    ]

    assert json.loads(outputs["batches"]) == [
        {"name": "example_nonprod", "environment": "development", "accounts": json.loads(outputs["accounts"])}
    ]

    # A team that commits cdktf.out/: the drift check runs. A policy template change plans the accounts
    # whose stack it changes (base and head synthesized alike), a blank line in it none.
    git(scratch_repo, "add", "-A")
    git(scratch_repo, "commit", "-qm", "commit the output")
    base = git(scratch_repo, "rev-parse", "HEAD")
    template = scratch_repo / "iam_policies" / "base_images.json.j2"
    template.write_text(template.read_text() + "\n")
    git(scratch_repo, "commit", "-qam", "touch a template")
    ran, outputs = run_check_job(scratch_repo, bindir, base, skip=("checkov over every stack",))
    assert "Drift check (when cdktf.out/ is committed)" in ran
    assert json.loads(outputs["accounts"]) == [] and json.loads(outputs["batches"]) == []
    template.write_text(template.read_text().replace('"Sid": "CiPush"', '"Sid": "CiPushes"'))
    git(scratch_repo, "commit", "-qam", "change a template")
    subprocess.run(
        [str(bindir / "ecrgen"), "synth", "--all"], cwd=scratch_repo, check=True, capture_output=True
    )
    git(scratch_repo, "commit", "-qam", "its output")
    ran, outputs = run_check_job(scratch_repo, bindir, base, skip=("checkov over every stack",))
    assert [row["name"] for row in json.loads(outputs["accounts"])] == ["example_account"]  # uses base_images


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
    assert none.returncode == 0
    assert (scratch_repo.parent / "output").read_text() == "accounts=[]\nbatches=[]\n"
    every = matrix_step(scratch_repo, bindir, "")
    assert every.returncode == 0 and "example_account, example_nonprod" in every.stderr


# --- the plan and apply jobs' commands, with stub terraform, OIDC token endpoint (curl) and gh --------

STUB_TERRAFORM = r"""
import json, os, sys
from pathlib import Path
args, here = sys.argv[1:], Path.cwd()
token = os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")
record = {"tool": "terraform", "args": args, "account": here.name, "role": os.environ.get("AWS_ROLE_ARN"),
          "token": Path(token).read_text().strip() if token else None, "region": os.environ.get("AWS_REGION")}
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps(record) + "\n")
if args[0] == "init":
    lock = Path(".terraform.lock.hcl")
    if "-lockfile=readonly" in args and not lock.is_file():
        sys.exit("Error: no lock file (readonly)")
    lock.write_text("# provider locks\n") if not lock.is_file() else None
elif args[0] == "plan":
    if here.name in os.environ.get("STUB_FAIL_PLAN", "").split():
        sys.exit("Error: stub plan failed")
    Path("tfplan").write_text(f"saved plan of {here.name}, run {os.environ.get('GITHUB_RUN_ID')}\n")
elif args[0] == "show":
    if "-json" in args:
        print(json.dumps({"format_version": "1.2", "planned_values": {}, "resource_changes": []}))
    else:
        print("Terraform will perform the following actions:\n\nPlan: 1 to add, 0 to change, 0 to destroy.")
elif args[0] == "apply":
    if here.name in os.environ.get("STUB_STALE", "").split():
        sys.exit("Error: Saved plan is stale\n\nThe given plan file can no longer be applied")
    with open(os.environ["STUB_LOG"], "a") as log:
        log.write(json.dumps({"tool": "applied", "account": here.name, "plan": Path(args[-1]).read_text()}) + "\n")
"""

STUB_CURL = r"""
import json, os, sys
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"tool": "curl", "args": sys.argv[1:]}) + "\n")
print(json.dumps({"value": "oidc-token"}))
"""

STUB_GH = r"""
import json, os, re, sys
from pathlib import Path
args = sys.argv[1:]
store = Path(os.environ["STUB_COMMENTS"])
comments = json.loads(store.read_text()) if store.is_file() else []
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"tool": "gh", "args": args}) + "\n")
assert args[0] == "api" and os.environ.get("GH_TOKEN")
if "-X" not in args:
    marker = re.search(r'startswith\("(.*?)"\)', args[args.index("--jq") + 1]).group(1)
    print("\n".join(str(c["id"]) for c in comments if c["body"].startswith(marker)))
    sys.exit(0)
if os.environ.get("STUB_GH_READONLY"):
    sys.exit("gh: Resource not accessible by integration (HTTP 403)")
body = Path(next(a for a in args if a.startswith("body=@"))[len("body=@"):]).read_text()
method, url = args[args.index("-X") + 1], args[args.index("-X") + 2]
if method == "POST":
    comments.append({"id": len(comments) + 1, "url": url, "body": body})
else:
    next(c for c in comments if url.endswith(f"/comments/{c['id']}"))["body"] = body
store.write_text(json.dumps(comments))
"""

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """A GitHub runner for the plan and apply jobs: their `run:` steps in order (bash -eo pipefail, in the
    checkout), with `${{ }}` expressions evaluated from `context` (every one must be known), stubs for
    terraform, the OIDC token endpoint (curl) and gh on PATH, and `RUNNER_TEMP` of its own per job."""

    def __init__(self, repo: Path, bindir: Path, stubs: Path, context: dict[str, str]):
        self.repo, self.bindir, self.stubs, self.context = repo, bindir, stubs, context
        self.log = stubs / "log.jsonl"

    def value(self, text: str) -> str:
        def one(match: re.Match) -> str:
            for term in match.group(1).split("||"):
                if term.strip() not in self.context:
                    raise AssertionError(f"unknown expression in the workflow: {match.group(0)}")
                if self.context[term.strip()]:
                    return self.context[term.strip()]
            return ""

        return EXPRESSION.sub(one, str(text))

    def run_job(
        self, job: str, batch: dict, temp: Path, extra: dict[str, str]
    ) -> dict[str, subprocess.CompletedProcess]:
        flow = workflow()
        self.context["toJSON(matrix.batch.accounts)"] = json.dumps(batch["accounts"])
        temp.mkdir(parents=True, exist_ok=True)
        summary = temp / "summary.md"
        base = {
            **os.environ,
            **flow["env"],
            "PATH": os.pathsep.join([str(self.stubs), str(self.bindir), os.environ["PATH"]]),
            "RUNNER_TEMP": str(temp),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "acme/accounts",
            "GITHUB_SHA": "0123456789abcdef0123",
            "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example/?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
            "STUB_LOG": str(self.log),
            "STUB_COMMENTS": str(self.stubs / "comments.json"),
            **{k: self.value(v) for k, v in flow["jobs"][job].get("env", {}).items()},
            **extra,
        }
        done = {}
        for step in flow["jobs"][job]["steps"]:
            if "run" not in step or step["name"].startswith("Install"):
                continue
            env = {**base, **{k: self.value(v) for k, v in step.get("env", {}).items()}}
            done[step["name"]] = result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.repo,
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                break  # GitHub runs no later step (the artifact upload runs: hand_off below)
        return done

    def calls(self, tool: str) -> list[dict]:
        lines = self.log.read_text().splitlines() if self.log.is_file() else []
        return [row for row in map(json.loads, lines) if row["tool"] == tool]


def hand_off(plan_temp: Path, apply_temp: Path) -> None:
    """upload-artifact then download-artifact: the plan job's `$RUNNER_TEMP/plans/`, hidden files left
    out (upload-artifact's default), into the apply job's."""
    source = plan_temp / "plans"
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        relative = path.relative_to(source)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            (apply_temp / "plans" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, apply_temp / "plans" / relative)


@pytest.fixture
def runner(scratch_repo, wheel_env, tmp_path):
    """The scratch repository with S3 state in both accounts of the development environment, and a
    runner whose repository variables set both roles."""
    bindir, _ = wheel_env
    nonprod = scratch_repo / "accounts" / "example_nonprod.toml"
    nonprod.write_text(nonprod.read_text() + '\n[backend]\ntype = "s3"\nbucket = "acme-terraform-state"\n')
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, source in (("terraform", STUB_TERRAFORM), ("curl", STUB_CURL), ("gh", STUB_GH)):
        (stubs / name).write_text(f"#!{sys.executable}\n{source}")
        (stubs / name).chmod(0o755)
    context = {
        "github.workspace": str(scratch_repo),
        "github.event.pull_request.number": "",
        "github.token": "gh-token",
        "vars.ECRGEN_PLAN_ROLE_ARN": "arn:aws:iam::{0}:role/ecrgen-plan-{1}",
        "vars.ECRGEN_APPLY_ROLE_ARN": "arn:aws:iam::{0}:role/ecrgen-apply-{1}",
        "vars.ECRGEN_ROLE_ARN": "",
    }
    return Runner(scratch_repo, bindir, stubs, context)


ACCOUNT = {
    "name": "example_account",
    "id": "123456789012",
    "region": "us-east-1",
    "environment": "production",
}
NONPROD = {
    "name": "example_nonprod",
    "id": "210987654321",
    "region": "eu-west-1",
    "environment": "development",
}
BATCH = {"name": "mixed", "environment": "development", "accounts": [ACCOUNT, NONPROD]}


@pytest.mark.node
def test_apply_applies_the_saved_plan_with_the_apply_role(runner, tmp_path):
    plan = runner.run_job("plan", BATCH, tmp_path / "plan-temp", {"GITHUB_RUN_ID": "41"})
    assert plan[PLAN_STEP].returncode == 0, plan[PLAN_STEP].stdout + plan[PLAN_STEP].stderr
    planned = runner.calls("terraform")
    assert {(c["account"], c["role"], c["token"], c["region"]) for c in planned} == {
        (
            "example_account",
            "arn:aws:iam::123456789012:role/ecrgen-plan-production",
            "oidc-token",
            "us-east-1",
        ),
        (
            "example_nonprod",
            "arn:aws:iam::210987654321:role/ecrgen-plan-development",
            "oidc-token",
            "eu-west-1",
        ),
    }
    assert all(c["args"][-1].endswith("audience=sts.amazonaws.com") for c in runner.calls("curl"))
    summary = (tmp_path / "plan-temp" / "summary.md").read_text()
    assert "### Terraform plan of example_account (production, 123456789012, us-east-1)" in summary
    assert "Plan: 1 to add, 0 to change, 0 to destroy.; commit 0123456789ab, run 41" in summary
    assert runner.calls("gh") == []  # not a pull request

    # main moves on: a newer run's synth would differ; apply takes the artifact, not the checkout
    hand_off(tmp_path / "plan-temp", tmp_path / "apply-temp")
    runner.log.unlink()
    apply = runner.run_job("apply", BATCH, tmp_path / "apply-temp", {"GITHUB_RUN_ID": "41"})
    assert apply[APPLY_STEP].returncode == 0, apply[APPLY_STEP].stdout + apply[APPLY_STEP].stderr
    assert [c["args"][0] for c in runner.calls("terraform") if c["account"] == "example_account"] == [
        "init",
        "show",
        "apply",
    ]  # no plan in apply
    assert {c["role"] for c in runner.calls("terraform")} == {
        "arn:aws:iam::123456789012:role/ecrgen-apply-production",
        "arn:aws:iam::210987654321:role/ecrgen-apply-development",
    }
    assert runner.calls("applied") == [
        {"tool": "applied", "account": "example_account", "plan": "saved plan of example_account, run 41\n"},
        {"tool": "applied", "account": "example_nonprod", "plan": "saved plan of example_nonprod, run 41\n"},
    ]


@pytest.mark.node
def test_ecrgen_role_arn_stands_in_for_both_roles_and_no_role_is_an_error(runner, tmp_path):
    runner.context.update({"vars.ECRGEN_PLAN_ROLE_ARN": "", "vars.ECRGEN_APPLY_ROLE_ARN": ""})
    runner.context["vars.ECRGEN_ROLE_ARN"] = "arn:aws:iam::{0}:role/ecrgen-{1}"
    one = {"name": "example_nonprod", "environment": "development", "accounts": [NONPROD]}
    assert runner.run_job("plan", one, tmp_path / "p", {})[PLAN_STEP].returncode == 0
    hand_off(tmp_path / "p", tmp_path / "a")
    assert runner.run_job("apply", one, tmp_path / "a", {})[APPLY_STEP].returncode == 0
    assert {c["role"] for c in runner.calls("terraform")} == {
        "arn:aws:iam::210987654321:role/ecrgen-development"
    }
    runner.context["vars.ECRGEN_ROLE_ARN"] = ""
    refused = runner.run_job("plan", one, tmp_path / "p2", {})[PLAN_STEP]
    assert refused.returncode == 1
    assert "::error::set the repository variable ECRGEN_PLAN_ROLE_ARN (or ECRGEN_ROLE_ARN)" in refused.stdout


@pytest.mark.node
def test_a_failed_plan_stops_only_its_own_apply(runner, tmp_path):
    plan = runner.run_job("plan", BATCH, tmp_path / "p", {"STUB_FAIL_PLAN": "example_account"})[PLAN_STEP]
    assert plan.returncode == 1
    assert (
        "::error::no plan to apply for: example_account (the other accounts of this job are planned)"
        in plan.stdout
    )
    hand_off(tmp_path / "p", tmp_path / "a")  # upload runs unless cancelled: the plans that passed
    apply = runner.run_job("apply", BATCH, tmp_path / "a", {})[APPLY_STEP]
    assert apply.returncode == 1
    assert (
        "::error::example_account: no reviewed plan (its plan failed or the guard refused it): nothing applied"
        in apply.stdout
    )
    assert (
        "::error::not applied: example_account (the other accounts of this job are applied)" in apply.stdout
    )
    assert [c["account"] for c in runner.calls("applied")] == ["example_nonprod"]


@pytest.mark.node
def test_a_stale_saved_plan_is_refused_and_asks_for_a_new_run(runner, tmp_path):
    one = {"name": "example_account", "environment": "production", "accounts": [ACCOUNT]}
    runner.run_job("plan", one, tmp_path / "p", {})
    hand_off(tmp_path / "p", tmp_path / "a")
    apply = runner.run_job("apply", one, tmp_path / "a", {"STUB_STALE": "example_account"})[APPLY_STEP]
    assert apply.returncode == 1 and runner.calls("applied") == []
    assert (
        "::error::example_account: the state changed after this plan was made and reviewed: nothing applied; "
        "run the workflow again (a new plan, reviewed again)" in apply.stdout
    )


@pytest.mark.node
def test_one_pull_request_comment_per_account_updated_not_duplicated(runner, tmp_path):
    runner.context["github.event.pull_request.number"] = "7"
    for run_id in ("1", "2"):
        done = runner.run_job("plan", BATCH, tmp_path / f"p{run_id}", {"GITHUB_RUN_ID": run_id})[PLAN_STEP]
        assert done.returncode == 0, done.stdout + done.stderr
    comments = json.loads((runner.stubs / "comments.json").read_text())
    assert [(c["id"], c["url"], c["body"].splitlines()[0]) for c in comments] == [
        (1, "repos/acme/accounts/issues/7/comments", "<!-- ecrgen-plan:example_account -->"),
        (2, "repos/acme/accounts/issues/7/comments", "<!-- ecrgen-plan:example_nonprod -->"),
    ]
    assert all(", run 2" in c["body"] for c in comments)  # the second run updated both
    # A fork's read-only token: no comment, a notice, and the plan still passes (it is in the summary).
    readonly = runner.run_job("plan", BATCH, tmp_path / "p3", {"STUB_GH_READONLY": "1"})[PLAN_STEP]
    assert readonly.returncode == 0
    assert (
        "::notice::example_account: no pull-request comment (the token may not write here); "
        "the plan is in the job summary" in readonly.stdout
    )


# --- the README's install lines, as written, from a local clone and from the wheel -------------------


def readme_install_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Install it where your accounts live") :]
    block = section[
        section.index("```sh\n") + len("```sh\n") : section.index("```\n", section.index("```sh\n") + 6)
    ]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_install_lines_name_no_tag_and_never_byte_compile():
    lines = readme_install_lines()
    assert [line.split()[0] for line in lines] == ["uv", "pipx", "pip", "pip"]
    assert all('@COMMIT"' in line for line in lines[:3])  # pinned to a commit: there is no release tag
    assert "--pip-args=--no-compile" in lines[1] and all("--no-compile" in line for line in lines[2:])


@pytest.mark.slow
def test_readme_install_lines_work_as_written(tmp_path, wheel_env):
    """Each line run as written (only the clone's URL and commit for ORG's, and a scratch home): the
    installed `ecrgen` answers --version. The pip lines resolve from the configured index."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    _, wheel = wheel_env
    if uv is None or wheel is None:
        pytest.skip("uv not found: the wheel is not built")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    commit = git(clone, "rev-parse", "HEAD")
    env = {
        **os.environ,
        "UV_TOOL_DIR": str(tmp_path / "uv-tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PATH": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}",
    }
    (tmp_path / "dist").mkdir()
    shutil.copy(wheel, tmp_path / "dist")
    for number, line in enumerate(readme_install_lines()):
        line = line.replace("https://github.com/ORG/ecrgen@COMMIT", f"file://localhost{clone}@{commit}")
        if line.startswith("pipx") and shutil.which("pipx") is None:
            continue  # pipx is not installed here: its line differs from uv's only in --pip-args
        bindir = tmp_path / "bin"
        if line.startswith("pip "):
            subprocess.run([sys.executable, "-m", "venv", str(tmp_path / f"venv{number}")], check=True)
            bindir = tmp_path / f"venv{number}" / "bin"
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=tmp_path,
            env={**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}"},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{line}\n{done.stderr[-3000:]}"
        version = subprocess.run([str(bindir / "ecrgen"), "--version"], capture_output=True, text=True)
        assert version.stdout.startswith("ecrgen "), line
        if line.startswith("uv"):
            shutil.rmtree(tmp_path / "bin")  # the next tool line installs the same command


# --- a fleet beyond one matrix: 1,000 accounts through the check, plan and apply jobs' commands -------

FLEET_TEMPLATE = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "FleetPull", "Effect": "Allow", '
    '"Principal": {"AWS": {{ pull_principals | tojson }}}, "Action": {{ pull_actions | tojson }}}]}\n'
)


def fleet_account(number: int) -> str:
    policy = 'policy = "shared"\n' if number % 10 < 3 else ""
    return (
        f'[account]\nid = "{100000000000 + number}"\nregion = "eu-west-1"\n'
        f'environment = "{"development" if number % 2 else "staging"}"\nproject = "fleet"\n\n'
        '[backend]\ntype = "s3"\nbucket = "fleet-state"\n\n'
        f'[[repository]]\nname = "app"\npull_account_ids = ["210987654321"]\n{policy}'
    )


def batches_cover(batches: list[dict], names: set[str]) -> int:
    """Every name in exactly one batch, each batch of one environment, at most 256 jobs; the batch size."""
    assert len(batches) <= 256
    listed = [account["name"] for batch in batches for account in batch["accounts"]]
    assert sorted(listed) == sorted(names)
    assert all({a["environment"] for a in batch["accounts"]} == {batch["environment"]} for batch in batches)
    return max(len(batch["accounts"]) for batch in batches)


@pytest.mark.slow
def test_a_fleet_of_1000_accounts_plans_and_applies_what_a_change_affects(tmp_path, wheel_env):
    bindir, _ = wheel_env
    repo = tmp_path / "fleet"
    (repo / "accounts").mkdir(parents=True)
    (repo / "iam_policies").mkdir()
    (repo / "iam_policies" / "shared.json.j2").write_text(FLEET_TEMPLATE)
    for number in range(1000):
        (repo / "accounts" / f"fleet{number:04d}.toml").write_text(fleet_account(number))
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ecrgen.yml").write_text(workflow_text("ecrgen==0.1.0"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a fleet")
    base = git(repo, "rev-parse", "HEAD")

    # A policy template change: the 300 accounts that use it (base and head synthesized), not all 1,000.
    template = repo / "iam_policies" / "shared.json.j2"
    template.write_text(FLEET_TEMPLATE.replace("FleetPull", "FleetPulls"))
    git(repo, "commit", "-qam", "change the shared template")
    _, outputs = run_check_job(repo, bindir, base, skip=("checkov over every stack",))
    users = {f"fleet{n:04d}" for n in range(1000) if n % 10 < 3}
    assert batches_cover(json.loads(outputs["batches"]), users) == 2  # 300 accounts: 150 jobs of 2

    # The ecrgen pin changes: every account, 4 per job (250 jobs).
    workflow_file = repo / ".github" / "workflows" / "ecrgen.yml"
    base = git(repo, "rev-parse", "HEAD")
    workflow_file.write_text(workflow_file.read_text().replace("ecrgen==0.1.0", "ecrgen==0.2.0"))
    git(repo, "commit", "-qam", "upgrade ecrgen")
    done = matrix_step(repo, bindir, base)
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in (repo.parent / "output").read_text().splitlines())
    batches = json.loads(outputs["batches"])
    assert batches_cover(batches, {f"fleet{n:04d}" for n in range(1000)}) == 4

    # One batch through plan and apply: each of its accounts planned, handed over and applied.
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, source in (("terraform", STUB_TERRAFORM), ("curl", STUB_CURL), ("gh", STUB_GH)):
        (stubs / name).write_text(f"#!{sys.executable}\n{source}")
        (stubs / name).chmod(0o755)
    context = {
        "github.workspace": str(repo),
        "github.event.pull_request.number": "",
        "github.token": "gh-token",
        "vars.ECRGEN_PLAN_ROLE_ARN": "",
        "vars.ECRGEN_APPLY_ROLE_ARN": "",
        "vars.ECRGEN_ROLE_ARN": "arn:aws:iam::{0}:role/ecrgen-{1}",
    }
    runner = Runner(repo, bindir, stubs, context)
    plan = runner.run_job("plan", batches[-1], tmp_path / "p", {})[PLAN_STEP]
    assert plan.returncode == 0, plan.stdout + plan.stderr
    hand_off(tmp_path / "p", tmp_path / "a")
    apply = runner.run_job("apply", batches[-1], tmp_path / "a", {})[APPLY_STEP]
    assert apply.returncode == 0, apply.stdout + apply.stderr
    assert [c["account"] for c in runner.calls("applied")] == [a["name"] for a in batches[-1]["accounts"]]
