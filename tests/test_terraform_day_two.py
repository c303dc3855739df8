"""Day two, proven with Terraform against moto: what happens around the account file (a KMS alias
rotated, a repository that existed before with other settings, a first apply that failed, a file dropped
into the stack folder) loses no image, and the guards judge from the plan and the state."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from terraform_harness import Stack, changes, missing
from test_terraform_ownership import push_image, tags_in, write_account
from typer.testing import CliRunner

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

KMS_ACCOUNT = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "{environment}"
project = "shop"

[[repository]]
name = "app"
encryption = "KMS"
kms_key = "alias/ecr"
"""


def check_plan(project: Path, account: str, plan: dict, *options: str):
    """`ecrgen check-plan` on a saved plan, as CI runs it."""
    from ecrgen.cli import app

    (project / "plan.json").write_text(json.dumps(plan))
    return CliRunner().invoke(
        app,
        [
            "check-plan",
            account,
            str(project / "plan.json"),
            "--accounts-dir",
            str(project / "accounts"),
            *options,
        ],
    )


def repository_changes(plan: dict) -> dict[str, list[str]]:
    return {a: c for a, c in changes(plan).items() if a.startswith("aws_ecr_repository.")}


@pytest.mark.parametrize("environment", ["development", "production"])
def test_rotating_a_kms_alias_never_replaces_the_repository(tmp_path, moto, environment):
    write_account(tmp_path, KMS_ACCOUNT.format(environment=environment))
    stack = Stack(tmp_path, "shop", moto)
    assert changes(stack.up()) == {}
    digest = push_image(stack.moto, "app", "v1")
    kms = stack.moto.client("kms", "us-east-1")
    old_key = kms.describe_key(KeyId="alias/ecr")["KeyMetadata"]["Arn"]

    # Routine rotation: the alias points at a new key; the account file is not touched.
    new_key = kms.create_key(Description="rotated")["KeyMetadata"]["Arn"]
    kms.update_alias(AliasName="alias/ecr", TargetKeyId=new_key)
    stack.synth()
    stack.workspace.pin_provider()
    plan = stack.workspace.plan("rotated")
    assert repository_changes(plan) == {}, "moving an alias must never plan a replacement"
    result = check_plan(tmp_path, "shop", plan)
    assert result.exit_code == 0, result.output
    stack.workspace.apply("rotated")

    repository = stack.moto.client("ecr", "us-east-1").describe_repositories(repositoryNames=["app"])
    assert repository["repositories"][0]["encryptionConfiguration"]["kmsKey"] == old_key
    assert tags_in(stack.moto, "app") == ["v1"]
    images = stack.moto.client("ecr", "us-east-1").list_images(repositoryName="app")["imageIds"]
    assert images == [{"imageDigest": digest, "imageTag": "v1"}]

    # A repository added after the rotation is encrypted with the key the alias points at now.
    stack.edit(
        lambda text: text + '\n[[repository]]\nname = "worker"\nencryption = "KMS"\nkms_key = "alias/ecr"\n'
    )
    planned = stack.replan(lambda text: text)
    assert planned["aws_ecr_repository.worker"] == ["create"]
    assert all(address.endswith(".worker") and c == ["create"] for address, c in planned.items()), planned
    worker = stack.moto.client("ecr", "us-east-1").describe_repositories(repositoryNames=["worker"])
    assert worker["repositories"][0]["encryptionConfiguration"]["kmsKey"] == new_key
