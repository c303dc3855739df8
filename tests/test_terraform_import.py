"""`ecrgen import`'s promise, with real Terraform against a moto server: import -> validate -> synth ->
the first plan deletes nothing, replaces nothing and creates no repository; apply; the second plan is
empty; every image is still there and every setting AWS held is unchanged (only ecrgen's default tags
are added, in place). Exclusion filters, which the mirror's provider 5.100 cannot plan, are checked in
the synthesized JSON (tests/importer/test_import.py)."""

from __future__ import annotations

import json
import sys

import pytest
from terraform_harness import Stack, changes, missing
from test_terraform_ownership import push_image
from typer.testing import CliRunner

from ecrgen.cli import app
from ecrgen.rules.actions import PULL_ACTIONS, REPLICATION_ACTIONS

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

ACCOUNT, OTHER, REGION = "123456789012", "210987654321", "us-east-1"
LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "expire untagged",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 100},
            "action": {"type": "expire"},
        },
    ]
}
BUILT_IN_PULL = {  # what the built-in `production` template writes for pull_account_ids = [OTHER]
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "CrossAccountPull",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{OTHER}:root"]},
            "Action": PULL_ACTIONS,
        }
    ],
}
OWN_PULL = {  # a hand-written cross-account policy no built-in writes
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "LegacyPull",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        }
    ],
}
REGISTRY_POLICY = {  # registry_default for replication_source_account_ids = [OTHER]
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReplicationFromSourceAccounts",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{OTHER}:root"]},
            "Action": REPLICATION_ACTIONS,
            "Resource": [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/*"],
        }
    ],
}


def populate(server) -> None:
    """Repositories and registry settings as a team made them by hand, an image in each repository."""
    ecr = server.client("ecr", REGION)
    key = server.client("kms", REGION).create_key(Description="ecr")["KeyMetadata"]["Arn"]
    ecr.create_repository(
        repositoryName="shop/app",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
    )
    ecr.put_lifecycle_policy(repositoryName="shop/app", lifecyclePolicyText=json.dumps(LIFECYCLE))
    ecr.set_repository_policy(repositoryName="shop/app", policyText=json.dumps(BUILT_IN_PULL))
    ecr.create_repository(repositoryName="shop/worker", imageTagMutability="MUTABLE")  # scan on push off
    ecr.set_repository_policy(repositoryName="shop/worker", policyText=json.dumps(OWN_PULL))
    ecr.create_repository(
        repositoryName="tools",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
    )
    for name in ("shop/app", "shop/worker", "tools"):
        push_image(server, name, "v1")
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "CONTINUOUS_SCAN",
                "repositoryFilters": [{"filter": "shop/*", "filterType": "WILDCARD"}],
            }
        ],
    )
    ecr.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "us-west-2", "registryId": ACCOUNT}],
                    "repositoryFilters": [{"filter": "shop", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    ecr.put_registry_policy(policyText=json.dumps(REGISTRY_POLICY))


def held(server) -> dict:
    """What the registry holds, for a before/after comparison (policies parsed: Terraform writes them anew)."""
    ecr = server.client("ecr", REGION)
    found = {}
    for repo in ecr.describe_repositories()["repositories"]:
        name = repo["repositoryName"]
        found[name] = {
            "settings": {
                k: repo.get(k)
                for k in (
                    "repositoryArn",
                    "createdAt",
                    "imageTagMutability",
                    "imageScanningConfiguration",
                    "encryptionConfiguration",
                )
            },
            "images": ecr.list_images(repositoryName=name)["imageIds"],
            "tags": ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"],
        }
        for key, call, error in (
            ("lifecycle", ecr.get_lifecycle_policy, ecr.exceptions.LifecyclePolicyNotFoundException),
            ("policy", ecr.get_repository_policy, ecr.exceptions.RepositoryPolicyNotFoundException),
        ):
            try:
                answer = call(repositoryName=name)
                found[name][key] = json.loads(answer.get("lifecyclePolicyText") or answer.get("policyText"))
            except error:
                found[name][key] = None
    found["scanning"] = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    found["replication"] = ecr.describe_registry()["replicationConfiguration"]
    found["registry policy"] = json.loads(ecr.get_registry_policy()["policyText"])
    return found


def test_import_validate_synth_plan_apply_keeps_everything(tmp_path, moto, monkeypatch):
    server = moto(ACCOUNT)
    populate(server)
    before = held(server)
    server.point_at(monkeypatch)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    accounts = str(tmp_path / "accounts")

    imported = CliRunner().invoke(
        app, ["import", "shop", "--region", REGION, "--environment", "production", "--accounts-dir", accounts]
    )
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.splitlines() == [
        f"{accounts}/shop.toml (written)",
        f"{tmp_path}/iam_policies/shop-repository-shop_worker.json.j2 (written)",
    ]
    assert imported.stderr.splitlines() == [
        f"warning: {accounts}/shop.toml:48: registry.pull_through_cache: left out: {server.url} does not implement "
        "ecr:DescribePullThroughCacheRules (HTTP 500 without an AWS error); if the account has any, add them by hand",
        f"warning: {accounts}/shop.toml:48: registry.creation_template: left out: {server.url} does not implement "
        "ecr:DescribeRepositoryCreationTemplates (HTTP 500 without an AWS error); if the account has any, add them by hand",
        f"warning: {accounts}/shop.toml:48: registry.policy_scope: left out: {server.url} does not implement "
        "ecr:GetAccountSetting (HTTP 500 without an AWS error); if the account has any, add them by hand",
        f"warning: {accounts}/shop.toml:48: registry.pull_time_update_exclusions: left out: {server.url} does not "
        "implement ecr:ListPullTimeUpdateExclusions (HTTP 500 without an AWS error); if the account has any, add "
        "them by hand",
        # The repository AWS holds MUTABLE is written so (the first plan changes nothing), and named.
        f"warning: {accounts}/shop.toml:28: repository[1].image_tag_mutability: 'MUTABLE' in a production account: "
        "a push can move a tag to another image and leave the image it named untagged, where a lifecycle rule for "
        "untagged images (the default policy has one) expires it; IMMUTABLE (the production default) keeps every "
        'tag fixed, IMMUTABLE_WITH_EXCLUSION with mutable_tags = ["latest"] all but those',
    ]
    validated = CliRunner().invoke(app, ["validate", "shop", "--accounts-dir", accounts])
    assert (validated.exit_code, validated.stdout) == (0, "1 account(s) valid: shop\n")

    stack = Stack(tmp_path, "shop", moto)
    stack.synth()
    stack.workspace.init()
    plan = stack.workspace.plan()
    counts = {"create": 0, "update": 0, "delete": 0, "replace": 0, "import": 0, "no-op": 0}
    for change in plan["resource_changes"]:
        actions = change["change"]["actions"]
        kind = "replace" if {"create", "delete"} <= set(actions) else actions[0]
        counts[kind] = counts.get(kind, 0) + 1
        counts["import"] += bool(change["change"].get("importing"))
    print(f"\nimport round trip, first plan: {counts}; {changes(plan)}", file=sys.stderr)
    assert counts["delete"] == counts["replace"] == 0, changes(plan)
    repositories = [c for c in plan["resource_changes"] if c["type"] == "aws_ecr_repository"]
    assert sorted(c["address"] for c in repositories if c["change"].get("importing")) == [
        "aws_ecr_repository.shop_app",
        "aws_ecr_repository.shop_worker",
        "aws_ecr_repository.tools",
    ]
    assert all(c["change"]["actions"] in (["no-op"], ["update"]) for c in repositories)
    for change in repositories:
        # An update is ecrgen's tags (the provider's default tags, and the guard tag of an adopted
        # repository), and force_delete, which lives in Terraform's state only (an import leaves it null;
        # the file's false is written into the state, nothing into AWS).
        before_change, after_change = change["change"]["before"], change["change"]["after"]
        differing = {k for k in before_change if k in after_change and before_change[k] != after_change[k]}
        assert differing <= {"tags", "tags_all", "force_delete"}, (change["address"], differing)
        assert (before_change["force_delete"], after_change["force_delete"]) in (
            (None, False),
            (False, False),
        )
    stack.workspace.apply()
    assert stack.workspace.changes("again") == {}

    after = held(server)
    for name in ("shop/app", "shop/worker", "tools"):
        assert sorted(after[name]["tags"], key=lambda tag: tag["Key"]) == [
            {"Key": "Environment", "Value": "production"},
            {"Key": "ManagedBy", "Value": "ecrgen"},
            {"Key": "Project", "Value": "shop"},
            {"Key": "ecrgen:guarded", "Value": "true"},
        ]
        after[name]["tags"] = before[name]["tags"]
    assert after == before
