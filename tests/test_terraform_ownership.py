"""Nothing lost, proven with Terraform against moto: removing a production repository is refused,
`retired` forgets it (AWS keeps it and its images), `allow_destroy` lets it go, `check-plan` catches the
CI path with no previous output, `adopt` takes over what exists, and the migration from the old
`terraform_modules/ecr` module keeps every repository and image and ends with one alert path."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from localstack.services.events.event_rule_engine import EventPatternCompiler, EventRuleEngine
from terraform_harness import MotoServer, Stack, Workspace, changes, missing
from typer.testing import CliRunner

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

MIGRATION = Path(__file__).parent / "migration"
# An ECR image scan with CRITICAL findings, as AWS documents it.
SCAN = json.loads((Path(__file__).parent / "events" / "ecr_image_scan.json").read_text())
ACCOUNT = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "production"
project = "shop"
name_format = "{project}/{name}"
retired = []
allow_destroy = []

[defaults.lifecycle]
protected_tags = ["v*"]

[[repository]]
name = "app"

[[repository]]
name = "worker"

[[repository]]
name = "scratch"
"""


def write_account(project: Path, text: str, name: str = "shop") -> None:
    (project / "accounts").mkdir(parents=True, exist_ok=True)
    (project / "accounts" / f"{name}.toml").write_text(textwrap.dedent(text))


def push_image(moto_server: MotoServer, repository: str, tag: str) -> str:
    """Push an image manifest (moto keeps images as manifests) and return its digest."""
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "digest": "sha256:" + "a" * 64,
                "size": 1,
                "mediaType": "application/vnd.docker.container.image.v1+json",
            },
            "layers": [],
        }
    )
    image = moto_server.client("ecr", "us-east-1").put_image(
        repositoryName=repository, imageManifest=manifest, imageTag=tag
    )
    return image["image"]["imageId"]["imageDigest"]


def alert_paths(moto_server: MotoServer) -> list[tuple[str, str, str]]:
    """(rule name, target id, target ARN) for every target of every rule on the default bus that routes
    an ECR scan with CRITICAL findings: each is one copy of every finding. (LocalStack's pattern engine:
    moto's has no $or.)"""
    events = moto_server.client("events", "us-east-1")
    paths = []
    for rule in events.list_rules()["Rules"]:
        pattern = EventPatternCompiler().compile_event_pattern(rule.get("EventPattern", "{}"))
        if EventRuleEngine().evaluate_pattern_on_event(pattern, SCAN):
            targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            paths += [(rule["Name"], target["Id"], target["Arn"]) for target in targets]
    return sorted(paths)


def plan_counts(plan: dict) -> dict[str, int]:
    """How many resources a plan imports, creates, updates, deletes and replaces (for the closing notes)."""
    counts = dict.fromkeys(("import", "create", "update", "delete", "replace"), 0)
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        counts["import"] += bool(change["change"].get("importing"))
        key = "replace" if sorted(actions) == ["create", "delete"] else actions[0]
        if key in counts:
            counts[key] += 1
    return counts


def tags_in(moto_server: MotoServer, repository: str) -> list[str]:
    images = moto_server.client("ecr", "us-east-1").list_images(repositoryName=repository)["imageIds"]
    return sorted(image.get("imageTag", "") for image in images)


def test_removal_is_refused_then_retired_then_allowed(tmp_path, moto):
    write_account(tmp_path, ACCOUNT)
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    push_image(stack.moto, "shop/worker", "v1")
    written = (stack.workspace.folder / "cdk.tf.json").read_bytes()

    # Removing a production repository: synth refuses, names it and both choices, writes nothing.
    stack.edit(lambda text: text.replace('[[repository]]\nname = "worker"\n', ""))
    from ecrgen.errors import EcrgenError

    with pytest.raises(EcrgenError) as refused:
        stack.synth()
    assert [str(p) for p in refused.value.problems] == [
        f"{(tmp_path / 'accounts' / 'shop.toml').as_posix()}: repository: 'worker' (ECR repository 'shop/worker') is in the previous output "
        f"{(stack.workspace.folder / 'cdk.tf.json').as_posix()} but no longer in the file: Terraform would delete it; "
        "list it in account.retired to keep it in AWS (Terraform forgets it), or in account.allow_destroy to let "
        "Terraform delete it and its images"
    ]
    assert (stack.workspace.folder / "cdk.tf.json").read_bytes() == written

    # retired: Terraform forgets the repository and its policies; AWS keeps them and the image.
    planned = stack.replan(lambda text: text.replace("retired = []", 'retired = ["worker"]'))
    assert planned == {"aws_ecr_repository.worker": ["forget"], "aws_ecr_lifecycle_policy.worker": ["forget"]}
    assert tags_in(stack.moto, "shop/worker") == ["v1"]
    assert "shop/worker" in {
        r["repositoryName"]
        for r in stack.moto.client("ecr", "us-east-1").describe_repositories()["repositories"]
    }
    assert stack.workspace.changes("after-retire") == {}

    # allow_destroy: the (empty) repository may go, and Terraform deletes it.
    stack.edit(
        lambda text: text.replace('[[repository]]\nname = "scratch"\n', "").replace(
            "allow_destroy = []", 'allow_destroy = ["scratch"]'
        )
    )
    planned = stack.replan(lambda text: text)
    assert planned == {
        "aws_ecr_repository.scratch": ["delete"],
        "aws_ecr_lifecycle_policy.scratch": ["delete"],
    }
    remaining = {
        r["repositoryName"]
        for r in stack.moto.client("ecr", "us-east-1").describe_repositories()["repositories"]
    }
    assert remaining == {"shop/app", "shop/worker"}


def test_check_plan_catches_deletion_without_previous_output(tmp_path, moto):
    """The CI path: a fresh checkout has no previous output; the saved plan is the guard's evidence."""
    from ecrgen.cli import app

    write_account(tmp_path, ACCOUNT)
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    stack.edit(lambda text: text.replace('[[repository]]\nname = "worker"\n', ""))
    stack.synth_as_ci()  # synth reading the local state would refuse the removal itself
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("ci")
    assert changes(plan)["aws_ecr_repository.worker"] == ["delete"]
    (tmp_path / "plan.json").write_text(json.dumps(plan))

    result = CliRunner().invoke(
        app, ["check-plan", "shop", str(tmp_path / "plan.json"), "--accounts-dir", str(tmp_path / "accounts")]
    )
    assert result.exit_code == 1
    assert (
        f"{(tmp_path / 'plan.json').as_posix()}: aws_ecr_repository.worker: the plan would delete production repository "
        f"'shop/worker' and its images; in {(tmp_path / 'accounts' / 'shop.toml').as_posix()} list it in "
        "account.retired to keep it in AWS (Terraform forgets it), or in account.allow_destroy to let Terraform delete it "
        "and its images"
    ) in result.output

    stack.edit(lambda text: text.replace("allow_destroy = []", 'allow_destroy = ["worker"]'))
    result = CliRunner().invoke(
        app, ["check-plan", "shop", str(tmp_path / "plan.json"), "--accounts-dir", str(tmp_path / "accounts")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "shop: the plan deletes or replaces no production or adopted repository (3 repository change(s) checked)"
        in result.output
    )


def test_adopt_takes_over_existing_repositories_and_role(tmp_path, moto):
    write_account(
        tmp_path,
        ACCOUNT.replace("[defaults.lifecycle]", "[defaults]\nadopt = true\n\n[defaults.lifecycle]")
        + textwrap.dedent("""
        [role]
        name = "shop-ci"
        trusted_services = ["codebuild.amazonaws.com"]
        adopt = true
        """),
    )
    stack = Stack(tmp_path, "shop", moto)
    ecr = stack.moto.client("ecr", "us-east-1")
    for name in ("app", "worker", "scratch"):
        ecr.create_repository(repositoryName=f"shop/{name}", imageTagMutability="MUTABLE")
    push_image(stack.moto, "shop/app", "v1")
    iam = stack.moto.client("iam", "us-east-1")
    iam.create_role(
        RoleName="shop-ci",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "codebuild.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    # What the role's past gave it: an inline policy and a managed policy, both far wider than ECR push.
    iam.put_role_policy(
        RoleName="shop-ci",
        PolicyName="legacy",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    managed = iam.create_policy(
        PolicyName="legacy-admin",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="shop-ci", PolicyArn=managed)

    stack.synth()
    stack.workspace.init()
    first = stack.workspace.plan()
    imported = sorted(c["address"] for c in first["resource_changes"] if c["change"].get("importing"))
    assert imported == [
        "aws_ecr_repository.app",
        "aws_ecr_repository.scratch",
        "aws_ecr_repository.worker",
        "aws_iam_role.ecr",
    ]
    assert not any(
        a in ("create", "delete")
        for c in first["resource_changes"]
        if c["type"] in ("aws_ecr_repository", "aws_iam_role")
        for a in c["change"]["actions"]
    )
    stack.workspace.apply()
    assert stack.workspace.changes("again") == {}, "import blocks are harmless after the first apply"
    assert (
        ecr.describe_repositories(repositoryNames=["shop/app"])["repositories"][0]["imageTagMutability"]
        == "IMMUTABLE"
    )
    assert tags_in(stack.moto, "shop/app") == ["v1"]
    # The adopted role holds what the account file says and nothing else.
    assert iam.list_role_policies(RoleName="shop-ci")["PolicyNames"] == ["ecr-push"]
    assert iam.list_attached_role_policies(RoleName="shop-ci")["AttachedPolicies"] == []


def test_migration_from_the_old_module_keeps_every_repository_and_image(tmp_path, moto, monkeypatch):
    """docs/nothing-lost.md, "Migrating from terraform_modules/ecr": the old stack forgets, the new account file adopts,
    and the findings reach the queue once (issue 20, defect 5: the old rule, forgotten, kept sending and
    ecrgen added its own)."""
    old = tmp_path / "old"
    shutil.copytree(MIGRATION, old)
    server = moto("123456789012")
    sqs = server.client("sqs", "us-east-1")
    queue_url = sqs.create_queue(QueueName="security-alerts")["QueueUrl"]  # the alerts module made it
    queue = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    old_path = [("canvas-ta-ecr-image-scan", "SendToSQS", queue)]
    legacy = Workspace(old / "my_folder" / "example_account", server, "us-east-1")
    legacy.run(["terraform", "init", "-input=false"])
    legacy.apply_planned()
    digest = push_image(server, "canvas-ta/app", "v1.0.0")
    before = {
        r["repositoryName"]: r["createdAt"]
        for r in server.client("ecr", "us-east-1").describe_repositories()["repositories"]
    }
    assert set(before) == {"canvas-ta/app", "canvas-ta/api"}
    assert alert_paths(server) == old_path, "ecr-alerts.tf's rule sends the findings to the queue"

    # Step 1: the old stack forgets the module without destroying anything. Its outputs reading module.ecr
    # must go in the same edit: with them, the plan fails.
    main_tf = old / "my_folder" / "example_account" / "main.tf"
    forget_text = (old / "my_folder" / "example_account" / "main.tf.forget").read_text()
    output = main_tf.read_text()[main_tf.read_text().index('output "repository_url"') :]
    main_tf.write_text(forget_text + "\n" + output)
    kept_output = legacy.run(["terraform", "plan", "-input=false"], check=False)
    assert kept_output.code != 0 and "Reference to undeclared module" in kept_output.output
    main_tf.write_text(forget_text)
    forget = legacy.plan("forget")
    actions = {c["address"]: c["change"]["actions"] for c in forget["resource_changes"]}
    assert actions and all(a == ["forget"] for a in actions.values()), actions
    assert "module.ecr.aws_cloudwatch_event_target.ecr_scan_sqs" in actions
    legacy.apply("forget")
    assert alert_paths(server) == old_path, "forgotten, the old rule keeps sending"

    # The defect: without rule_name, target_id and adopt, the new stack adds a rule of its own beside the
    # old one, which AWS keeps: every finding would arrive twice.
    adopting = (MIGRATION / "example_account.toml").read_text()
    keys = adopting.index("rule_name = ")  # the last three lines: [alerts] rule_name, target_id, adopt
    assert [line.split(" =")[0] for line in adopting[keys:].splitlines()] == [
        "rule_name",
        "target_id",
        "adopt",
    ]
    without = adopting[:keys]
    write_account(tmp_path / "new", without, "example_account")
    stack = Stack(tmp_path / "new", "example_account", moto)
    assert stack.synth()["resource"]["aws_cloudwatch_event_rule"]["scan_findings"]["name"] == (
        "example_account-ecr-scan-findings"
    )
    stack.workspace.init()
    defect = stack.workspace.plan("defect")
    assert {a: c for a, c in changes(defect).items() if a.startswith("aws_cloudwatch_event")} == {
        "aws_cloudwatch_event_rule.scan_findings": ["create"],
        "aws_cloudwatch_event_target.scan_findings_sqs": ["create"],
    }
    assert alert_paths(server) == old_path

    # Step 2: ecrgen import writes the account file from what AWS holds (the defect's file goes first).
    from ecrgen.cli import app

    accounts = tmp_path / "new" / "accounts"
    (accounts / "example_account.toml").unlink()
    server.point_at(monkeypatch)
    imported = CliRunner().invoke(
        app,
        [
            *("import", "example_account", "--region", "us-east-1", "--environment", "production"),
            *("--project", "canvas-ta", "--accounts-dir", str(accounts)),
        ],
    )
    assert imported.exit_code == 0, imported.output
    # Step 3: review the file: add what import does not read, the role and the alert, adopted.
    written = (accounts / "example_account.toml").read_text()
    assert 'name = "canvas-ta/app"' in written and "adopt = true" in written
    (accounts / "example_account.toml").write_text(written + "\n" + adopting[adopting.index("[role]") :])

    # Step 4: synth; plan; check-plan --migration; then apply.
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan()
    repositories = [c for c in plan["resource_changes"] if c["type"] == "aws_ecr_repository"]
    assert sorted(c["address"] for c in repositories if c["change"].get("importing")) == [
        "aws_ecr_repository.canvas-ta_api",
        "aws_ecr_repository.canvas-ta_app",
    ]
    assert not any(a in ("create", "delete") for c in repositories for a in c["change"]["actions"])
    role = next(c for c in plan["resource_changes"] if c["type"] == "aws_iam_role")
    assert role["change"].get("importing") and "create" not in role["change"]["actions"]
    alert = {
        c["address"]: c["change"]
        for c in plan["resource_changes"]
        if c["type"].startswith("aws_cloudwatch_event")
    }
    assert {address: change["importing"] for address, change in alert.items()} == {
        "aws_cloudwatch_event_rule.scan_findings": {"id": "canvas-ta-ecr-image-scan"},
        "aws_cloudwatch_event_target.scan_findings_sqs": {"id": "default/canvas-ta-ecr-image-scan/SendToSQS"},
    }
    assert not any(a in ("create", "delete") for change in alert.values() for a in change["actions"]), alert
    # check-plan --migration proves the claim: every repository imported, none created, replaced or deleted.
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    result = CliRunner().invoke(
        app,
        [
            "check-plan",
            "example_account",
            str(tmp_path / "plan.json"),
            "--migration",
            "--accounts-dir",
            str(tmp_path / "new" / "accounts"),
        ],
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "example_account: the migration plan imports 2 repository(ies) and creates, deletes or replaces none "
        "(2 repository change(s) checked)\n",
    )
    print("migration plan:", plan_counts(plan))
    stack.workspace.apply()
    assert alert_paths(server) == old_path, (
        "one rule, the old one adopted, sends the findings to the queue once"
    )

    after = {
        r["repositoryName"]: r["createdAt"]
        for r in server.client("ecr", "us-east-1").describe_repositories()["repositories"]
    }
    assert after == before, "no repository was created or destroyed"
    images = server.client("ecr", "us-east-1").list_images(repositoryName="canvas-ta/app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1.0.0"}]
    assert stack.workspace.changes("again") == {}
