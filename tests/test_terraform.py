"""The Terraform tier: every example and fixture account synthesized, `terraform init` from the mirror,
`plan` (which validates) and `apply` against moto, a second plan with no changes, outputs and what moto
holds checked against the config; then edits as users make them, planned by Terraform. Assertions read
`terraform show -json` of saved plans, never plan text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, reorder_text
from terraform_harness import MOTO_UNMODELED, Stack, missing

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

FIXTURES = Path(__file__).parent / "accounts"
EDITED = "example_account"
ACCOUNTS = {path.stem: path for path in [*sorted(EXAMPLES.glob("*.toml")), *sorted(FIXTURES.glob("*.toml"))]}


@pytest.fixture
def project(tmp_path):
    """A project folder as a user has it: accounts/ (examples and fixtures) and iam_policies/."""
    shutil.copytree(ROOT / "iam_policies", tmp_path / "iam_policies")
    (tmp_path / "accounts").mkdir()
    for name, path in ACCOUNTS.items():
        shutil.copy(path, tmp_path / "accounts" / f"{name}.toml")
    return tmp_path


# The production example is applied (and checked the same way) by test_edits_plan_only_what_changed.
@pytest.mark.parametrize("name", sorted(set(ACCOUNTS) - {EDITED}))
def test_applies_and_replans_clean(project, moto, name):
    stack = Stack(project, name, moto)
    again = stack.up()
    # moto does not model pull through cache rules or creation templates: the harness applies around
    # them (-target), so the second plan may only still create those.
    unmodeled = {a: c for a, c in again.items() if a.split(".")[0] in MOTO_UNMODELED}
    assert {a: c for a, c in again.items() if a not in unmodeled} == {}, (
        "the second plan must show no changes (no perpetual diff)"
    )
    assert all(c == ["create"] for c in unmodeled.values())
    assert_applied(stack)


def assert_applied(stack: Stack) -> None:
    """Terraform's outputs and what moto holds are what the account file says."""
    account = stack.account
    outputs = stack.workspace.outputs()
    partition = account.partition
    assert outputs["repository_name"] == {r.name: r.ecr_name for r in account.repositories}
    assert outputs["repository_arn"] == {
        r.name: f"arn:{partition}:ecr:{account.region}:{account.id}:repository/{r.ecr_name}"
        for r in account.repositories
    }
    ecr = stack.moto.client("ecr", account.region)
    # The URLs AWS reports (moto writes amazonaws.com for China regions too; ecrgen's own
    # repository_registry_url carries the partition's suffix, amazonaws.com.cn).
    assert outputs["repository_url"] == {
        r.name: ecr.describe_repositories(repositoryNames=[r.ecr_name])["repositories"][0]["repositoryUri"]
        for r in account.repositories
    }
    assert all(
        url.startswith(f"{account.id}.dkr.ecr.{account.region}.")
        for url in outputs["repository_url"].values()
    )
    assert outputs["registry_id"] == account.id
    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html (China: amazonaws.com.cn)
    suffix = ".cn" if partition == "aws-cn" else ""
    assert (
        outputs["repository_registry_url"] == f"{account.id}.dkr.ecr.{account.region}.amazonaws.com{suffix}"
    )
    assert_moto_holds(stack)


def assert_moto_holds(stack: Stack) -> None:
    """What moto holds after the apply is what the account file says."""
    from ecrgen.policies.render import render_all

    account, moto, region = stack.account, stack.moto, stack.account.region
    ecr = moto.client("ecr", region)
    (rendered,) = render_all([account], stack.project / "accounts")
    for repo in rendered.repositories:
        (found,) = ecr.describe_repositories(repositoryNames=[repo.ecr_name])["repositories"]
        expected_mutability = (
            "IMMUTABLE"
            if repo.image_tag_mutability == "IMMUTABLE_WITH_EXCLUSION"
            else repo.image_tag_mutability
        )
        assert found["imageTagMutability"] == expected_mutability
        assert found["imageScanningConfiguration"]["scanOnPush"] is repo.scan_on_push
        assert found["encryptionConfiguration"]["encryptionType"] == repo.encryption
        if repo.lifecycle_policy is None:
            with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
                ecr.get_lifecycle_policy(repositoryName=repo.ecr_name)
        else:
            text = ecr.get_lifecycle_policy(repositoryName=repo.ecr_name)["lifecyclePolicyText"]
            assert json.loads(text) == json.loads(repo.lifecycle_policy)
        policy = repo.policy_text
        if policy is None:
            with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException):
                ecr.get_repository_policy(repositoryName=repo.ecr_name)
        else:
            assert json.loads(
                ecr.get_repository_policy(repositoryName=repo.ecr_name)["policyText"]
            ) == json.loads(policy)
    if account.role:
        iam = moto.client("iam", region)
        role = iam.get_role(RoleName=account.role.name)["Role"]
        statements = role["AssumeRolePolicyDocument"]["Statement"]
        assert len(statements) == sum(
            map(
                bool,
                (
                    account.role.github_repositories,
                    account.role.trusted_principals,
                    account.role.trusted_services,
                ),
            )
        )
        inline = iam.get_role_policy(RoleName=account.role.name, PolicyName=f"ecr-{account.role.access}")[
            "PolicyDocument"
        ]
        granted = [s for s in inline["Statement"] if s.get("Sid") != "Login"]
        arns = sorted(r for s in granted for r in s["Resource"])
        assert arns == sorted(
            f"arn:{account.partition}:ecr:{region}:{account.id}:repository/{r.ecr_name}"
            for r in account.repositories
        )
    if account.alerts:
        assert_alert_delivers(stack)
    if account.registry:
        assert_registry_holds(stack, rendered)
    if account.scanning:
        configuration = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
        assert configuration["scanType"] == account.scanning.type
        assert [
            (rule["scanFrequency"], tuple(f["filter"] for f in rule["repositoryFilters"]))
            for rule in configuration["rules"]
        ] == list(account.scanning.scanning_rules)


def assert_registry_holds(stack: Stack, rendered) -> None:
    """The replication rules and the registry policy moto holds are the account file's (`rendered`: the
    account with its policies rendered)."""
    account, registry = stack.account, stack.account.registry
    ecr = stack.moto.client("ecr", account.region)
    held = ecr.describe_registry().get("replicationConfiguration", {}).get("rules", [])
    assert [
        (
            [(d["region"], d["registryId"]) for d in rule["destinations"]],
            [f["filter"] for f in rule.get("repositoryFilters", [])],
        )
        for rule in held
    ] == [(list(rule.destinations), list(rule.prefixes)) for rule in registry.replication]
    policy = rendered.registry.policy_text
    if policy is None:
        with pytest.raises(ecr.exceptions.RegistryPolicyNotFoundException):
            ecr.get_registry_policy()
    else:
        assert json.loads(ecr.get_registry_policy()["policyText"]) == json.loads(policy)


def assert_alert_delivers(stack: Stack) -> None:
    """The rule matches the configured severities, targets the queue, and the queue accepts it."""
    from ecrgen.rules.events import scan_pattern

    account, moto, region = stack.account, stack.moto, stack.account.region
    events, sqs = moto.client("events", region), moto.client("sqs", region)
    rule_name = f"{account.name}-ecr-scan-findings"
    rule = events.describe_rule(Name=rule_name)
    assert json.loads(rule["EventPattern"]) == scan_pattern(
        account.alerts.severities, account.enhanced_scanning
    )
    queue_url = sqs.get_queue_url(QueueName=account.alerts.sqs_queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    targets = {t["Id"]: t for t in events.list_targets_by_rule(Rule=rule_name)["Targets"]}
    assert targets["sqs"]["Arn"] == queue_arn and "RoleArn" not in targets["sqs"]
    if account.alerts.create_queue:
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
        (statement,) = json.loads(attributes["Policy"])["Statement"]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]
    assert ("logs" in targets) == (account.alerts.cloudwatch_log_group is not None)


# ---- edits as users make them, re-synthesized into the same folder and planned by Terraform ------


def test_edits_plan_only_what_changed(project, moto):
    stack = Stack(project, EDITED, moto)
    assert stack.up() == {}, "the second plan must show no changes (no perpetual diff)"
    assert_applied(stack)

    planned = stack.replan(reorder_text)
    inserted = {
        "aws_ecr_repository.inserted",
        "aws_ecr_lifecycle_policy.inserted",
        "aws_ecr_repository_policy.inserted",
    }
    assert {a: c for a, c in planned.items() if a in inserted} == {a: ["create"] for a in inserted}
    # The role's inline policy lists every repository ARN, so it alone of the old resources updates.
    assert {a: c for a, c in planned.items() if a not in inserted} == {"aws_iam_role_policy.ecr": ["update"]}

    planned = stack.replan(
        lambda text: text.replace('name = "worker"', 'name = "worker"\nlifecycle = { max_image_count = 50 }')
    )
    # The provider replaces a lifecycle policy whose text changes (its `policy` forces a new resource);
    # the repository and its images are untouched.
    assert planned == {"aws_ecr_lifecycle_policy.worker": ["delete", "create"]}

    planned = stack.replan(
        lambda text: text.replace(
            'name = "api"', 'name = "api"\npull_account_ids = ["210987654321", "444455556666"]'
        )
    )
    assert planned == {"aws_ecr_repository_policy.api": ["update"]}

    planned = stack.replan(lambda text: text.replace('type = "BASIC"', 'type = "ENHANCED"'))
    assert planned == {
        "aws_ecr_registry_scanning_configuration.this": ["update"],
        "aws_cloudwatch_event_rule.scan_findings": ["update"],
    }
    assert stack.workspace.changes("final") == {}
    assert_applied(stack)  # the edited account, as applied: inserted repository, new policies, ENHANCED
