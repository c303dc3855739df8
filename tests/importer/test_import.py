"""`ecrgen import` end to end, fast: moto's in-process AWS (and botocore's Stubber where moto lacks an API)
-> the account file and templates, which pass `ecrgen validate`; and every way it refuses, with nothing
written (exact messages). The Terraform round trip is in tests/test_terraform_import.py."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import boto3
import jinja2
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from typer.testing import CliRunner

from ecrgen import preflight
from ecrgen.aws import Aws
from ecrgen.cli import app
from ecrgen.config.load import load_all
from ecrgen.errors import EcrgenError
from ecrgen.importer import run
from ecrgen.importer.translate import Options

REGION = "eu-west-1"
ACCOUNT = "123456789012"
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
CROSS_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "CrossAccountPull",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
            "Action": PULL,
        }
    ],
}
CUSTOM = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Ci {{ push }}",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": PULL,
        }
    ],
}
LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "untagged",
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
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50},
            "action": {"type": "expire"},
        },
    ]
}
ENDPOINT = "https://api.ecr.eu-west-1.amazonaws.com"
LEFT_OUT = [
    f"warning: accounts/prod.toml:49: registry.pull_through_cache: left out: {ENDPOINT} does not implement "
    "ecr:DescribePullThroughCacheRules (NotImplementedError); if the account has any, add them by hand",
    f"warning: accounts/prod.toml:49: registry.creation_template: left out: {ENDPOINT} does not implement "
    "ecr:DescribeRepositoryCreationTemplates (NotImplementedError); if the account has any, add them by hand",
    f"warning: accounts/prod.toml:49: registry.policy_scope: left out: {ENDPOINT} does not implement "
    "ecr:GetAccountSetting (NotImplementedError); if the account has any, add them by hand",
    f"warning: accounts/prod.toml:49: registry.pull_time_update_exclusions: left out: {ENDPOINT} does not implement "
    "ecr:ListPullTimeUpdateExclusions (NotImplementedError); if the account has any, add them by hand",
]
NOTHING_WRITTEN = "ecrgen: 1 problem(s) found; nothing was written."


@pytest.fixture
def here(tmp_path, monkeypatch):
    """An empty project folder as the working directory, AWS settings of the machine out of the way."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


@pytest.fixture
def aws(here, monkeypatch):
    """moto's in-process AWS, with test credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        yield boto3.client("ecr", region_name=REGION)


def ecrgen(*args: str):
    return CliRunner().invoke(app, list(args))


def imported(*extra: str):
    return ecrgen("import", "prod", "--region", REGION, "--environment", "production", *extra)


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_import_writes_every_setting_and_the_file_passes_validate(aws, here):
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    aws.create_repository(
        repositoryName="team/app",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
    )
    aws.put_lifecycle_policy(repositoryName="team/app", lifecyclePolicyText=json.dumps(LIFECYCLE))
    aws.set_repository_policy(repositoryName="team/app", policyText=json.dumps(CROSS_ACCOUNT))
    aws.create_repository(
        repositoryName="base",
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filter": "latest", "filterType": "WILDCARD"}],
    )
    aws.set_repository_policy(repositoryName="base", policyText=json.dumps(CUSTOM))
    aws.create_repository(repositoryName="scratch", imageTagMutability="MUTABLE")
    aws.put_registry_scanning_configuration(
        scanType="BASIC",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "team/*", "filterType": "WILDCARD"}],
            }
        ],
    )
    aws.put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "eu-central-1", "registryId": ACCOUNT}]}]
        }
    )
    registry_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReplicationFromSourceAccounts",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
                "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                "Resource": [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/*"],
            }
        ],
    }
    aws.put_registry_policy(policyText=json.dumps(registry_policy))

    result = imported()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "accounts/prod.toml (written)",
        "iam_policies/prod-repository-base.json.j2 (written)",
    ]
    # The repository AWS holds MUTABLE is written so (the first plan changes nothing), and named.
    assert result.stderr.splitlines() == [
        *LEFT_OUT,
        "warning: accounts/prod.toml:23: repository[1].image_tag_mutability: 'MUTABLE' in a production account: a "
        "push can move a tag to another image and leave the image it named untagged, where a lifecycle rule for "
        "untagged images (the default policy has one) expires it; IMMUTABLE (the production default) keeps every "
        'tag fixed, IMMUTABLE_WITH_EXCLUSION with mutable_tags = ["latest"] all but those',
    ]
    document = tomllib.loads((here / "accounts" / "prod.toml").read_text())
    assert document["account"] == {
        "id": ACCOUNT,
        "region": REGION,
        "environment": "production",
        "project": "prod",
    }
    assert document["repository"] == [
        {
            "name": "base",
            "adopt": True,
            "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
            "mutable_tags": ["latest"],
            "scan_on_push": False,
            "encryption": "AES256",
            "policy": "prod-repository-base",
            "lifecycle": False,
        },
        {
            "name": "scratch",
            "adopt": True,
            "image_tag_mutability": "MUTABLE",
            "scan_on_push": False,
            "encryption": "AES256",
            "policy": "none",
            "lifecycle": False,
        },
        {
            "name": "team/app",
            "adopt": True,
            "image_tag_mutability": "IMMUTABLE",
            "scan_on_push": True,
            "encryption": "KMS",
            "kms_key": key,
            "pull_account_ids": ["210987654321"],
            "lifecycle": LIFECYCLE,
        },
    ]
    assert document["scanning"] == {"type": "BASIC", "continuous": False, "repository_filters": ["team/*"]}
    assert document["registry"] == {
        "replication_source_account_ids": ["210987654321"],
        "replication": [{"destinations": [{"region": "eu-central-1"}]}],
    }
    template = (here / "iam_policies" / "prod-repository-base.json.j2").read_text()
    assert json.loads(jinja2.Environment().from_string(template).render()) == CUSTOM

    validated = ecrgen("validate", "prod")
    assert (validated.exit_code, validated.stdout) == (0, "1 account(s) valid: prod\n")
    (account,), problems = load_all(Path("accounts"), ["prod"])
    assert problems == [] and [r.ecr_name for r in account.repositories] == ["base", "scratch", "team/app"]


def test_an_existing_account_file_is_kept_without_force(aws, here):
    aws.create_repository(repositoryName="app1")
    (here / "accounts").mkdir()
    (here / "accounts" / "prod.toml").write_text("# mine\n")
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/prod.toml: exists already; ecrgen import does not replace it unless --force is given",
        NOTHING_WRITTEN,
    ]
    assert (here / "accounts" / "prod.toml").read_text() == "# mine\n"
    assert imported("--force").exit_code == 0
    assert 'name = "app1"' in (here / "accounts" / "prod.toml").read_text()


def test_a_template_of_other_text_is_kept_without_force(aws, here):
    aws.create_repository(repositoryName="base")
    aws.set_repository_policy(repositoryName="base", policyText=json.dumps(CUSTOM))
    (here / "iam_policies").mkdir()
    (here / "iam_policies" / "prod-repository-base.json.j2").write_text("{}")
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "iam_policies/prod-repository-base.json.j2: exists already with other text; ecrgen import does not replace it unless --force is given",
        NOTHING_WRITTEN,
    ]
    assert files(here) == ["iam_policies/prod-repository-base.json.j2"]
    assert imported("--force").exit_code == 0
    assert files(here) == ["accounts/prod.toml", "iam_policies/prod-repository-base.json.j2"]


def test_a_setting_ecrgen_cannot_write_exits_1_naming_it_and_writes_nothing(aws, here):
    # An encryption type AWS may add (moto takes any): KMS_DSSE is written since issue 21.
    aws.create_repository(repositoryName="secret", encryptionConfiguration={"encryptionType": "KMS_TRIPLE"})
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/prod.toml: repository 'secret': encryption type 'KMS_TRIPLE' cannot be expressed in an account file yet "
        "(encryption: AES256, KMS, KMS_DSSE)",
        NOTHING_WRITTEN,
    ]
    assert files(here) == []


def test_a_file_that_would_not_validate_is_not_written(aws, here):
    aws.create_repository(repositoryName="app1")
    result = ecrgen("import", "prod", "--region", REGION, "--environment", "prodution")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "accounts/prod.toml: made from what AWS holds, does not pass ecrgen validate:",
        "accounts/prod.toml: account.environment: 'prodution' is not a known environment (production: production, prod; "
        "non-production: development, dev, staging, stage, test, testing, qa, uat, sandbox, nonprod, non-production, "
        "preprod, pre-production, demo; any case); for another name, set production = true or false in [account]",
        "ecrgen: 2 problem(s) found; nothing was written.",
    ]
    assert files(here) == []


def test_clashes_with_the_folders_other_account_files_count(aws, here):
    aws.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}],
            }
        ],
    )
    (here / "accounts").mkdir()
    (here / "accounts" / "old.toml").write_text(
        f'[account]\nid = "{ACCOUNT}"\nregion = "{REGION}"\nenvironment = "dev"\nproject = "x"\n\n[scanning]\ntype = "ENHANCED"\n'
    )
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "accounts/prod.toml: made from what AWS holds, does not pass ecrgen validate:",
        "accounts/old.toml:7: scanning: the registry scanning configuration of account 123456789012 in eu-west-1 is also "
        "made by accounts/prod.toml (scanning); there is one per account and region, and two stacks would overwrite each other",
    ]
    assert files(here) == ["accounts/old.toml"]


def test_a_policy_is_a_built_in_only_when_it_renders_exactly(aws, here):
    """Statement ids of the built-in, but the folder's own `production` template writes something else:
    the policy becomes a template of its own."""
    aws.create_repository(repositoryName="app1")
    aws.set_repository_policy(repositoryName="app1", policyText=json.dumps(CROSS_ACCOUNT))
    (here / "iam_policies").mkdir()
    (here / "iam_policies" / "production.json.j2").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "CrossAccountPull", "Effect": "Allow", '
        '"Principal": {"AWS": {{ pull_principals | tojson }}}, "Action": ["ecr:BatchGetImage"]}]}'
    )
    result = imported()
    assert result.exit_code == 0, result.output
    assert (
        tomllib.loads((here / "accounts" / "prod.toml").read_text())["repository"][0]["policy"]
        == "prod-repository-app1"
    )


def test_no_endpoint(here, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'AWS sts:GetCallerIdentity: cannot reach http://127.0.0.1:1 (Could not connect to the endpoint URL: "http://127.0.0.1:1/"); '
        "check the network, --region and AWS_ENDPOINT_URL",
        NOTHING_WRITTEN,
    ]
    assert files(here) == []


def test_no_credentials(here):
    result = imported()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("AWS sts:GetCallerIdentity: no credentials found")
    assert files(here) == []


def test_bad_arguments_are_refused_before_aws_is_read(here):
    result = ecrgen("import", "a/b", "--region", "eu-nowhere-9", "--environment", "production")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "--region: 'eu-nowhere-9' is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)",
        "a/b: 'a/b' is not a valid account name (letters, digits, _ and -)",
        "ecrgen: 2 problem(s) found; nothing was written.",
    ]


def test_usage_errors_exit_2():
    result = ecrgen("import", "prod", "--region", REGION)
    assert result.exit_code == 2 and "--environment" in result.output


# botocore's Stubber: what moto does not model (pull through cache rules, creation templates), pages,
# and AWS refusing.


def stubbed_aws() -> tuple[Aws, Stubber, Stubber]:
    clients = {
        service: boto3.client(
            service, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
        )
        for service in ("sts", "ecr")
    }
    return Aws(REGION, clients), Stubber(clients["sts"]), Stubber(clients["ecr"])


def import_with(aws: Aws, folder: Path) -> run.Imported:
    options = Options("prod", str(folder / "prod.toml"), REGION, "production", "shop")
    return run.import_account(folder, options, False, lambda f, n: preflight.validate(load_all, f, n), aws)


def repository(name: str) -> dict:
    return {
        "repositoryName": name,
        "repositoryArn": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}",
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }


def test_pages_pull_through_cache_rules_and_creation_templates(here):
    aws, sts, ecr = stubbed_aws()
    sts.add_response(
        "get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/u", "UserId": "U"}
    )
    ecr.add_response("describe_repositories", {"repositories": [repository("app1")], "nextToken": "next"}, {})
    ecr.add_response("describe_repositories", {"repositories": [repository("app2")]}, {"nextToken": "next"})
    for name in ("app1", "app2"):
        ecr.add_response("list_tags_for_resource", {"tags": [{"Key": "Team", "Value": "shop"}]})
        for call, code in (
            ("get_lifecycle_policy", "LifecyclePolicyNotFoundException"),
            ("get_repository_policy", "RepositoryPolicyNotFoundException"),
        ):
            ecr.add_client_error(call, service_error_code=code, expected_params={"repositoryName": name})
    ecr.add_response(
        "get_registry_scanning_configuration",
        {"registryId": ACCOUNT, "scanningConfiguration": {"scanType": "BASIC", "rules": []}},
    )
    ecr.add_response("describe_registry", {"registryId": ACCOUNT, "replicationConfiguration": {"rules": []}})
    ecr.add_client_error("get_registry_policy", service_error_code="RegistryPolicyNotFoundException")
    rule = {
        "ecrRepositoryPrefix": "ecr-public",
        "upstreamRegistryUrl": "public.ecr.aws",
        "upstreamRegistry": "ecr-public",
        "upstreamRepositoryPrefix": "ROOT",
    }
    ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [rule], "nextToken": "n"})
    ecr.add_response(
        "describe_pull_through_cache_rules",
        {
            "pullThroughCacheRules": [
                rule
                | {
                    "ecrRepositoryPrefix": "quay",
                    "upstreamRegistryUrl": "quay.io",
                    "upstreamRegistry": "quay",
                }
            ]
        },
        {"nextToken": "n"},
    )
    template = {
        "prefix": "ecr-public",
        "appliedFor": ["PULL_THROUGH_CACHE"],
        "imageTagMutability": "IMMUTABLE",
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    ecr.add_response(
        "describe_repository_creation_templates",
        {"registryId": ACCOUNT, "repositoryCreationTemplates": [template]},
    )
    for name, value in (("REGISTRY_POLICY_SCOPE", "V1"), ("BLOB_MOUNTING", "ENABLED")):
        ecr.add_response("get_account_setting", {"name": name, "value": value}, {"name": name})
    ecr.add_response(
        "list_pull_time_update_exclusions",
        {"pullTimeUpdateExclusions": [f"arn:aws:iam::{ACCOUNT}:role/scanner"], "nextToken": "n"},
        {},
    )
    ecr.add_response(
        "list_pull_time_update_exclusions",
        {"pullTimeUpdateExclusions": [f"arn:aws:iam::{ACCOUNT}:user/bot"]},
        {"nextToken": "n"},
    )
    with sts, ecr:
        result = import_with(aws, here / "accounts")
    ecr.assert_no_pending_responses()
    assert result.written == [here / "accounts" / "prod.toml"]
    # The fleet check: the quay rule's repositories get ECR's defaults.
    assert [(w.path, w.message) for w in result.warnings] == [
        (
            "registry.pull_through_cache[1].prefix",
            "the repositories this rule creates (quay/...) get ECR's defaults: no creation template applied for "
            "PULL_THROUGH_CACHE covers them",
        )
    ]
    document = tomllib.loads((here / "accounts" / "prod.toml").read_text())
    assert document["tags"] == {"Team": "shop"}
    assert [r["name"] for r in document["repository"]] == ["app1", "app2"]
    assert document["registry"] == {
        "pull_through_cache": [
            {"prefix": "ecr-public", "upstream": "ecr-public", "adopt": True},
            {"prefix": "quay", "upstream": "quay", "adopt": True},
        ],
        "creation_template": [
            {
                "prefix": "ecr-public",
                "applied_for": ["PULL_THROUGH_CACHE"],
                "image_tag_mutability": "IMMUTABLE",
                "encryption": "AES256",
                "policy": "none",
                "adopt": True,
                "lifecycle": False,
            }
        ],
        # The account settings held at other than AWS's defaults, and the exclusions of both pages.
        "policy_scope": "V1",
        "blob_mounting": True,
        "pull_time_update_exclusions": [
            f"arn:aws:iam::{ACCOUNT}:role/scanner",
            f"arn:aws:iam::{ACCOUNT}:user/bot",
        ],
    }


def test_access_denied_exits_with_the_api_and_writes_nothing(here):
    aws, sts, ecr = stubbed_aws()
    sts.add_response(
        "get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/u", "UserId": "U"}
    )
    ecr.add_client_error(
        "describe_repositories",
        service_error_code="AccessDeniedException",
        service_message="User: arn:aws:iam::123456789012:user/u is not authorized to perform: ecr:DescribeRepositories",
    )
    with sts, ecr, pytest.raises(EcrgenError) as caught:
        import_with(aws, here / "accounts")
    assert [str(p) for p in caught.value.problems] == [
        "AWS ecr:DescribeRepositories: access denied (AccessDeniedException: User: arn:aws:iam::123456789012:user/u is not "
        "authorized to perform: ecr:DescribeRepositories); ecrgen needs read access: ecr:Describe*, ecr:Get*, ecr:List* "
        "and sts:GetCallerIdentity"
    ]
    assert files(here) == []


@pytest.mark.node
def test_the_synthesized_stack_adopts_and_keeps_exclusion_filters(aws, here):
    """What provider 5.100 (the Terraform tier's mirror) cannot plan, checked in the JSON ecrgen emits."""
    from ecrgen import commands

    aws.create_repository(
        repositoryName="base",
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[
            {"filter": "latest", "filterType": "WILDCARD"},
            {"filter": "dev-*", "filterType": "WILDCARD"},
        ],
    )
    assert imported().exit_code == 0
    (result,) = commands.synthesize(Path("accounts"), ["prod"], Path("cdktf.out"))
    stack = json.loads(result.path.read_text())
    repository = stack["resource"]["aws_ecr_repository"]["base"]
    assert repository["image_tag_mutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repository["image_tag_mutability_exclusion_filter"] == [
        {"filter": "latest", "filter_type": "WILDCARD"},
        {"filter": "dev-*", "filter_type": "WILDCARD"},
    ]
    assert stack["import"] == [{"to": "aws_ecr_repository.base", "id": "base"}]
    assert (
        "aws_ecr_lifecycle_policy" not in stack["resource"]
        and "aws_ecr_repository_policy" not in stack["resource"]
    )
