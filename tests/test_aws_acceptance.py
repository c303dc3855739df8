"""What ecrgen emits, put to (moto's) AWS: lifecycle policies, repository policies, the role.
moto is more lenient than ECR; ecrgen's own rules stay the stricter check."""

import json
import re

import boto3
import pytest
from moto import mock_aws

ACCOUNT = "123456789012"


def concrete(text: str) -> str:
    """Replace Terraform references with ARNs of the right shape, as they are at apply time."""
    text = re.sub(
        r"\$\{aws_ecr_repository\.([\w-]+)\.arn\}", rf"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/r\1", text
    )
    text = text.replace(
        "${data.aws_iam_openid_connect_provider.github.arn}",
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
    )
    assert "${" not in text, text
    return text


@pytest.fixture
def aws():
    with mock_aws():
        yield {name: boto3.client(name, region_name="us-east-1") for name in ("ecr", "iam")}


def repo_name(account, address):
    return re.sub(r"[^a-z0-9]+", "-", f"{account}-{address}".lower()).strip("-")


def resources(synthesized, kind):
    return [
        (account, address, body)
        for account in ("example_account", "example_nonprod", "reordered", "edge")
        for address, body in synthesized[account]["resource"].get(kind, {}).items()
    ]


def test_lifecycle_policies_are_accepted(synthesized, aws):
    policies = resources(synthesized, "aws_ecr_lifecycle_policy")
    # moto's lifecycle schema predates ECR's archive tier (targetStorageClass, storageClass): those
    # policies are checked by ecrgen's own rules only (tests/rules/test_lifecycle.py::test_archive_tier).
    archive = [(a, addr) for a, addr, body in policies if "storageClass" in body["policy"]]
    assert archive == [("edge", "_2fa_service")]
    policies = [p for p in policies if (p[0], p[1]) not in archive]
    assert len(policies) >= 8
    for account, address, body in policies:
        name = repo_name(account, address)
        aws["ecr"].create_repository(repositoryName=name)
        aws["ecr"].put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=body["policy"])
        stored = aws["ecr"].get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        assert json.loads(stored) == json.loads(body["policy"])


def test_repository_policies_are_accepted(synthesized, aws):
    policies = resources(synthesized, "aws_ecr_repository_policy")
    assert len(policies) >= 7
    for account, address, body in policies:
        name = repo_name(account, address)
        aws["ecr"].create_repository(repositoryName=name)
        aws["ecr"].set_repository_policy(repositoryName=name, policyText=body["policy"])
        stored = aws["ecr"].get_repository_policy(repositoryName=name)["policyText"]
        assert json.loads(stored) == json.loads(body["policy"]), (account, address)
        assert "GetAuthorizationToken" not in body["policy"]


def test_roles_and_their_policies_are_accepted(synthesized, aws):
    roles = resources(synthesized, "aws_iam_role")
    assert len(roles) >= 2
    for account, address, body in roles:
        trust = concrete(body["assume_role_policy"])
        aws["iam"].create_role(RoleName=f"{account}-{body['name']}"[:64], AssumeRolePolicyDocument=trust)
        policy = synthesized[account]["resource"]["aws_iam_role_policy"][address]
        aws["iam"].put_role_policy(
            RoleName=f"{account}-{body['name']}"[:64],
            PolicyName=policy["name"],
            PolicyDocument=concrete(policy["policy"]),
        )
        assert aws["iam"].list_role_policies(RoleName=f"{account}-{body['name']}"[:64])["PolicyNames"] == [
            policy["name"]
        ]


def test_github_trust_is_scoped_to_the_listed_repositories(synthesized):
    trust = json.loads(
        synthesized["example_account"]["resource"]["aws_iam_role"]["ecr"]["assume_role_policy"]
    )
    (github,) = trust["Statement"]
    assert github["Principal"] == {"Federated": "${data.aws_iam_openid_connect_provider.github.arn}"}
    assert github["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/app:environment:production",
                "repo:acme/api:ref:refs/heads/main",
            ]
        },
    }
