"""The exact text of messages as the commands print them (account and registry files, warnings,
clashes, `check-plan`, `init-ci`, `synth`, the checkov gate): the whole line a user reads, file, field path, bad value and what is allowed. Only through what users run:
`ecrgen` (Typer's CliRunner, or `python -m ecrgen`), `python -m ecrgen.checkov_gate`, and files on disk."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import minimal
from typer.testing import CliRunner

from ecrgen.cli import app

F = "accounts/a.toml:"  # then the line, as `validate` prints it: FILE:LINE: path: message
ROLE = '[role]\nname = "ci"\n'


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def principals(count: int) -> str:
    arns = ", ".join(f'"arn:aws:iam::123456789012:role/r{i:04d}"' for i in range(count))
    return f"{ROLE}trusted_principals = [{arns}]\n"


def repositories(count: int) -> str:
    return "".join(
        f'[[repository]]\nname = "service-number-{i:03d}"\npolicy = "none"\n' for i in range(count)
    )


def template(folder: Path, name: str, policy: dict) -> None:
    """iam_policies/<name>.json.j2 beside the accounts folder."""
    (folder.parent / "iam_policies").mkdir(exist_ok=True)
    (folder.parent / "iam_policies" / f"{name}.json.j2").write_text(json.dumps(policy))


STATEMENT = {"Sid": "S", "Effect": "Allow", "Action": ["ecr:ReplicateImage"]}


@pytest.mark.parametrize(
    "environment, extra, expected",
    [
        (
            "dev",
            "production = true\n",
            "7: account.production: true contradicts environment 'dev', a non-production name; remove one of them",
        ),
        (
            "dev",
            'retired = ["Bad Name"]\n',
            "7: account.retired[0]: 'Bad Name' is not the `name` a [[repository]] could have had: not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        ),
        (
            "dev",
            'name_format = "{project}/{name}/"\nallow_destroy = ["x1"]\n',
            "8: account.allow_destroy[0]: 'x1' is not the `name` a [[repository]] could have had: not a valid ECR repository name (through name_format: 'demo/x1/') (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        ),
        (
            "dev",
            'name_format = "{project}{name}"\n'
            + repositories(150)
            + ROLE
            + 'trusted_services = ["ecs-tasks.amazonaws.com"]\n',
            "458: role: its inline policy would be 11005 characters with 150 repository ARNs; IAM allows 10240 for a role's inline policies, and the name prefix 'demo' that name_format gives does not end in a separator (/ - _ .), so granting on 'repository/demo*' would also cover other repositories whose names start with 'demo': put a separator after the prefix in name_format (e.g. '{project}/{name}')",
        ),
        (
            "dev",
            principals(110),
            "7: role: its trust policy would be 4421 characters; IAM allows at most 4096 (github_repositories, trusted_principals and trusted_services make it): split the role",
        ),
        (
            "dev",
            "[registry]\ncreation_template = ["
            + ", ".join(
                f'{{ prefix = "{prefix}", applied_for = ["REPLICATION"] }}'
                for prefix in ("team/", "team", "te.am", "te_am")
            )
            + "]\n",
            "8: registry.creation_template[1].prefix: 'team' is already the prefix of registry.creation_template[0]; ECR allows one creation template per prefix\n"
            + F
            + "8: registry.creation_template[3].prefix: 'te_am' maps to the Terraform address 'te_am' like 'te.am' (registry.creation_template[2]); change one",
        ),
        (
            "dev",
            '[registry]\ncreation_template = [{ prefix = "team", applied_for = ["REPLICATION"], '
            'custom_role_arn = "arn:aws:iam::123456789012:role/t", resource_tags = { '
            + ", ".join(f'k{i} = "v"' for i in range(51))
            + " } }]\n",
            "8: registry.creation_template[0].resource_tags: has 51 tags; AWS allows 50",
        ),
        (
            "dev",
            '[registry]\npull_through_cache = [{ prefix = "up", upstream = "ecr", registry_url = "example.com", '
            'custom_role_arn = "arn:aws:iam::123456789012:role/x" }]\n',
            "8: registry.pull_through_cache[0].registry_url: 'example.com' is not an ECR registry URL such as '123456789012.dkr.ecr.us-east-1.amazonaws.com'",
        ),
    ],
)
def test_account_file_messages(accounts, environment, extra, expected):
    result = run("validate", "--accounts-dir", str(accounts(a=minimal(environment, extra))))
    lines = (F + expected).splitlines()
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [*lines, f"ecrgen: {len(lines)} problem(s) found."],
    )


@pytest.mark.parametrize(
    "policy, expected",
    [
        (
            {**STATEMENT, "Principal": {"AWS": "*"}, "Resource": 3},
            "8: registry.policy: template 'registry' (iam_policies/registry.json.j2): Statement[0].Resource: 3 must be a repository ARN or a non-empty list of them",
        ),
        (
            {**STATEMENT, "Principal": ["arn:aws:iam::123456789012:root"], "Resource": "*"},
            "8: registry.policy: template 'registry' (iam_policies/registry.json.j2): Statement[0].Principal: ['arn:aws:iam::123456789012:root'] must be \"*\" or an object such as {\"AWS\": [ARN, ...]}",
        ),
    ],
)
def test_registry_policy_messages(accounts, policy, expected):
    folder = accounts(a=minimal("dev", '[registry]\npolicy = "registry"\n'))
    template(folder, "registry", {"Version": "2012-10-17", "Statement": [policy]})
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [F + expected, "ecrgen: 1 problem(s) found."],
    )


def test_an_open_statement_is_a_warning_outside_production(accounts):
    folder = accounts(a=minimal("dev", '[[repository]]\nname = "app"\npolicy = "open"\n'))
    template(
        folder,
        "open",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]},
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: accounts/a.toml:9: repository[0].policy: template 'open': Statement[0].Principal: '*' without a Condition grants every ECR action ('ecr:*': push, delete images, replace this policy) to everyone in every AWS account; add a Condition (such as aws:PrincipalOrgID) or name the principals"
        ],
    )


def test_a_trust_policy_over_iams_default_quota_is_a_warning(accounts):
    result = run("validate", "--accounts-dir", str(accounts(a=minimal("dev", principals(60)))))
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: accounts/a.toml:7: role: its trust policy would be 2471 characters; IAM's default quota is 2048 (raisable to 4096 through Service Quotas): apply fails unless the quota was raised"
        ],
    )


def test_clashes_between_account_files(accounts):
    registry = '[registry]\ncreation_template = [{ prefix = "team", applied_for = ["REPLICATION"] }]\n'
    folder = accounts(
        a=minimal("dev", '[backend]\npath = "../shared.tfstate"\n' + registry),
        b=minimal("dev", '[backend]\npath = "../../stacks/shared.tfstate"\n' + registry),
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "accounts/b.toml:8: backend.path: the local Terraform state <out>/stacks/shared.tfstate is also used by accounts/a.toml (backend.path); two stacks sharing one state would each plan to destroy the other's resources",
            "accounts/b.toml:10: registry.creation_template[0].prefix: the repository creation template 'team' of account 123456789012 in us-east-1 is also made by accounts/a.toml (registry.creation_template[0].prefix); a registry holds one template per prefix",
            "ecrgen: 2 problem(s) found.",
        ],
    )


def test_check_plan_names_a_replaced_production_repository(accounts, tmp_path):
    folder = accounts(a=minimal("production", '[[repository]]\nname = "app"\n'))
    change = {
        "actions": ["delete", "create"],
        "before": {"name": "app", "encryption_configuration": [{"encryption_type": "KMS"}]},
        "after": {"name": "app", "encryption_configuration": [{"encryption_type": "AES256"}]},
        "replace_paths": [["encryption_configuration", 0, "encryption_type"]],
    }
    plan = {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            {
                "address": "aws_ecr_repository.app",
                "type": "aws_ecr_repository",
                "name": "app",
                "change": change,
            }
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    result = run("check-plan", "a", "plan.json", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            'plan.json: aws_ecr_repository.app: the plan would replace production repository \'app\' and its images, forced by encryption_configuration.0.encryption_type (the file\'s encryption and kms_key): AWS holds "KMS", the plan writes "AES256"; ECR cannot change this in place: make repository[0] in accounts/a.toml say what AWS holds, or give a new repository another `name` and list this one in account.retired (AWS keeps it and its images)',
            "ecrgen: 1 problem(s) found.",
        ],
    )


def test_init_ci_refuses_a_package_that_is_no_requirement(tmp_path):
    result = run("init-ci", "--dir", str(tmp_path), "--package", 'ecrgen"; rm -rf /')
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "--package: 'ecrgen\"; rm -rf /' is not a pip requirement or path (e.g. \"ecrgen @ git+https://github.com/ORG/ecrgen@COMMIT\" or a wheel's URL)",
            "ecrgen: 1 problem(s) found; nothing was written.",
        ],
    )
    assert not (tmp_path / ".github").exists()


def test_init_ci_keeps_a_different_workflow_without_force(tmp_path):
    workflow = tmp_path / ".github" / "workflows" / "ecrgen.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("mine\n")
    result = run("init-ci", "--dir", str(tmp_path), "--package", "ecrgen==0.1.0")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"{workflow}: exists and differs from ecrgen's workflow; use --force to replace it (read the diff first)",
            "ecrgen: 1 problem(s) found; nothing was written.",
        ],
    )
    assert workflow.read_text() == "mine\n"


@pytest.mark.node
def test_synth_warns_when_prevent_destroy_is_turned_off(accounts):
    """Synthesizes (Node): the warning comes from the previous output on disk."""
    folder = accounts(
        a=minimal(
            "production", '[defaults.lifecycle]\nprotected_tags = ["v*"]\n[[repository]]\nname = "app"\n'
        )
    )
    assert run("synth", "a", "--accounts-dir", str(folder)).exit_code == 0
    (folder / "a.toml").write_text((folder / "a.toml").read_text() + "prevent_destroy = false\n")
    result = run("synth", "a", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stdout) == (0, "a: cdktf.out/stacks/a/cdk.tf.json (written)\n")
    assert (
        "warning: accounts/a.toml:9: repository[0]: 'app' loses the prevent_destroy it has in cdktf.out/stacks/a/cdk.tf.json (prevent_destroy = false): Terraform may then delete it and its images"
        in result.stderr.splitlines()
    )


@pytest.mark.node
def test_a_provider_package_of_another_version_is_imported_the_ordinary_way(accounts, tmp_path):
    """A stand-in provider package (no jsii bundle of the pinned version): ecrgen warns, then imports it
    the ordinary way (which this stand-in cannot serve)."""
    fake = tmp_path / "site" / "cdktf_cdktf_provider_aws"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    folder = accounts(a=minimal("dev"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "ECRGEN_JOBS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "ecrgen", "synth", "a", "--accounts-dir", str(folder), "--out", "out"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode != 0
    assert (
        "UserWarning: ecrgen: cdktf_cdktf_provider_aws is not version 21.22.1; importing it the ordinary (slow) way"
        in done.stderr
    )


# ---- python -m ecrgen.checkov_gate, with a stand-in for checkov that prints a given report ----------


def fake_checkov(tmp_path: Path, stdout: str, code: int = 0, stderr: str = "") -> Path:
    script = tmp_path / "checkov"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write({stdout!r})\nsys.stderr.write({stderr!r})\nsys.exit({code})\n"
    )
    script.chmod(0o755)
    return script


def gate(tmp_path: Path, checkov: Path, *args: str) -> subprocess.CompletedProcess:
    stacks = {
        "dev": {
            "resource": {
                "aws_ecr_repository": {
                    "app": {"image_tag_mutability": "MUTABLE"},
                    "pinned": {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"},
                },
                "aws_cloudwatch_log_group": {"findings": {"name": "/aws/events/x"}},
            }
        },
        "prod": {"resource": {"aws_ecr_repository": {"app": {"image_tag_mutability": "MUTABLE"}}}},
    }
    paths = []
    for name, stack in stacks.items():
        path = tmp_path / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stack))
        paths.append(str(path))
    (tmp_path / "accounts").mkdir(exist_ok=True)
    (tmp_path / "accounts" / "dev.toml").write_text(textwrap.dedent(minimal("dev")))
    return subprocess.run(
        [sys.executable, "-m", "ecrgen.checkov_gate", "--checkov", str(checkov), *args, *paths],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def finding(stack: str, check: str, resource: str, name: str = "Some check") -> dict:
    return {"check_id": check, "check_name": name, "file_path": f"/{stack}/cdk.tf.json", "resource": resource}


def test_checkov_gate_accepts_the_documented_findings_and_fails_the_others(tmp_path):
    report = {
        "results": {
            "failed_checks": [
                finding("dev", "CKV_AWS_136", "aws_ecr_repository.app"),
                finding("dev", "CKV_AWS_51", "aws_ecr_repository.pinned"),
                finding("dev", "CKV_AWS_51", "aws_ecr_repository.app"),
                finding("dev", "CKV_AWS_158", "aws_cloudwatch_log_group.findings"),
                finding("prod", "CKV_AWS_51", "aws_ecr_repository.app"),
                finding("prod", "CKV_AWS_999", "aws_ecr_repository.app"),
            ],
            "passed_checks": [{"check_id": "CKV_AWS_163"}],
        },
        "summary": {"parsing_errors": 0},
    }
    done = gate(
        tmp_path,
        fake_checkov(tmp_path, json.dumps(report)),
        "--accept",
        "CKV_AWS_999",
        "--require",
        "CKV_AWS_163",
        "--require",
        "CKV_AWS_33",
    )
    assert done.stdout.splitlines() == [
        'accepted: dev: CKV_AWS_136 app: Some check (AES256 (SSE-S3) is ecrgen\'s default encryption; KMS is one setting away (encryption = "KMS", kms_key) where compliance asks for customer-managed keys)',
        "accepted: dev: CKV_AWS_51 pinned: Some check (IMMUTABLE_WITH_EXCLUSION by design: every tag is immutable except the listed mutable_tags; checkov knows only IMMUTABLE)",
        "accepted: dev: CKV_AWS_51 app: Some check (non-production repositories default to MUTABLE (development tags such as `latest` are pushed again); production ones default to IMMUTABLE and stay checked)",
        "accepted: dev: CKV_AWS_158 findings: Some check (the scan-findings log group uses CloudWatch Logs' default encryption; ecrgen has no setting for a log group KMS key yet)",
        "FAILED: prod: CKV_AWS_51 app: Some check",
        "accepted: prod: CKV_AWS_999 app: Some check (accepted with --accept)",
        "checkov: 2 stack(s), 1 passed, 1 failed, 5 accepted",
    ]
    assert (done.returncode, done.stderr) == (1, "required checks not passed anywhere: CKV_AWS_33\n")


@pytest.mark.parametrize(
    "stdout, code, stderr, expected",
    [
        ("Traceback ...", 2, "boom", "checkov failed (2):\nboom\n"),
        (
            json.dumps({"results": {}, "summary": {"parsing_errors": 1}}),
            0,
            "",
            "checkov could not parse every stack\n",
        ),
    ],
)
def test_checkov_gate_when_checkov_itself_fails(tmp_path, stdout, code, stderr, expected):
    done = gate(tmp_path, fake_checkov(tmp_path, stdout, code, stderr))
    assert (done.returncode, done.stdout, done.stderr) == (1, "", expected)


def test_a_repository_one_file_may_delete_while_another_makes_it(accounts):
    """Moving a repository between files (the new file adopts it) while the old file lets Terraform
    delete it: the old stack's apply would delete what the new one manages."""
    folder = accounts(
        a=minimal("production", 'name_format = "{project}/{name}"\nallow_destroy = ["web", "api"]\n')
        + '[[repository]]\nname = "api"\n',
        b=minimal("dev", '[[repository]]\nname = "demo/web"\nadopt = true\n'),
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            "accounts/a.toml:8: account.allow_destroy[0]: 'web' (ECR repository 'demo/web') is no longer in this "
            "file, so Terraform may delete it, but accounts/b.toml (repository[0].name) makes that repository "
            "in account 123456789012 and us-east-1: its apply would delete that repository and its images; "
            "take it out of allow_destroy and list it in account.retired instead (Terraform forgets it in this "
            "stack, AWS keeps it for the other)",
            "ecrgen: 1 problem(s) found.",
        ],
    )
    assert (
        run("validate", "b", "--accounts-dir", str(folder))
        .stderr.splitlines()[0]
        .startswith("accounts/a.toml:8: account.allow_destroy[0]: 'web'")
    )  # checking only the adopting file finds it too


def test_a_lifecycle_turned_off_beside_its_counts_is_a_warning(accounts):
    folder = accounts(
        a=minimal(
            "dev",
            '[[repository]]\nname = "app"\nlifecycle = { enabled = false, max_image_count = 3 }\n'
            '[[repository]]\nname = "off"\nlifecycle = false\n',
        )
    )
    result = run("validate", "--accounts-dir", str(folder))
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: accounts/a.toml:9: repository[0].lifecycle.enabled: false turns the lifecycle policy off, "
            "so max_image_count would be ignored"
        ],
    )
