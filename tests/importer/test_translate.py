"""What AWS holds -> the account file (pure: no AWS, no files). Settings exactly as AWS holds them, the
built-in templates' keys where a policy's statements say so, a template of the policy itself otherwise,
and what an account file cannot express refused with its exact message."""

from __future__ import annotations

import json
import tomllib

import jinja2
import pytest

from ecrgen.errors import EcrgenError
from ecrgen.importer.grants import registry_grants, repository_grants
from ecrgen.importer.translate import Options, draft

ACCOUNT = "123456789012"
OPTIONS = Options("prod", "accounts/prod.toml", "eu-west-1", "production", "shop")
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep 10",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10},
            "action": {"type": "expire"},
        }
    ]
}


def repo(name: str, **settings) -> dict:
    """A repository as describe_repositories gives it, plus what read.py adds."""
    return {
        "repositoryName": name,
        "repositoryArn": f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/{name}",
        "imageTagMutability": "MUTABLE",
        "imageScanningConfiguration": {"scanOnPush": False},
        "encryptionConfiguration": {"encryptionType": "AES256"},
        "tags": [],
        "lifecyclePolicyText": None,
        "policyText": None,
    } | settings


def snapshot(*repositories: dict, **sections) -> dict:
    return {"account_id": ACCOUNT, "repositories": list(repositories)} | sections


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


CROSS_ACCOUNT = {
    "Sid": "CrossAccountPull",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
    "Action": PULL,
}


def refused(found: dict) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        draft(found, OPTIONS)
    return [str(p) for p in caught.value.problems]


def test_repositories_as_aws_holds_them():
    written = draft(
        snapshot(
            repo(
                "team/app",
                imageTagMutability="IMMUTABLE",
                imageScanningConfiguration={"scanOnPush": True},
                encryptionConfiguration={"encryptionType": "KMS", "kmsKey": KEY},
                lifecyclePolicyText=json.dumps(LIFECYCLE),
                policyText=policy(CROSS_ACCOUNT),
            ),
            repo(
                "base",
                imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters=[{"filter": "latest", "filterType": "WILDCARD"}],
            ),
        ),
        OPTIONS,
    )
    assert written.text == (
        "# Written by `ecrgen import` from AWS account 123456789012 (eu-west-1): every repository\n"
        "# as AWS held it, adopt = true. Check it with `ecrgen validate`, then plan.\n"
        "\n"
        "[account]\n"
        'id = "123456789012"\n'
        'region = "eu-west-1"\n'
        'environment = "production"\n'
        'project = "shop"\n'
        "\n"
        "[[repository]]\n"
        'name = "base"\n'
        "adopt = true\n"
        'image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"\n'
        'mutable_tags = ["latest"]\n'
        "scan_on_push = false\n"
        'encryption = "AES256"\n'
        'policy = "none"\n'
        "lifecycle = false\n"
        "\n"
        "[[repository]]\n"
        'name = "team/app"\n'
        "adopt = true\n"
        'image_tag_mutability = "IMMUTABLE"\n'
        "scan_on_push = true\n"
        'encryption = "KMS"\n'
        f'kms_key = "{KEY}"\n'
        'pull_account_ids = ["210987654321"]\n'
        "\n"
        "[repository.lifecycle]\n"
        "rules = [\n"
        '  { rulePriority = 1, description = "keep 10", selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 10 }, action = { type = "expire" } },\n'
        "]\n"
    )
    assert written.templates == {}
    assert written.policies == {"repository[0]": None, "repository[1]": json.loads(policy(CROSS_ACCOUNT))}


def test_a_policy_the_built_ins_do_not_write_becomes_a_template_shared_by_equal_policies():
    odd = policy(
        {
            "Sid": "Pull {{ x }} {% y %} {# z",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "ecr:BatchGetImage",
        }
    )
    written = draft(snapshot(repo("a1", policyText=odd), repo("b1", policyText=odd)), OPTIONS)
    keys = tomllib.loads(written.text)["repository"]
    assert [r["policy"] for r in keys] == ["prod-repository-a1", "prod-repository-a1"]
    (text,) = written.templates.values()
    assert text.splitlines()[0] == (
        "{#- Written by `ecrgen import`: the policy AWS held for repository 'a1', which no built-in template gives. -#}"
    )
    assert "\\u007b{ x }} \\u007b% y %} \\u007b# z" in text
    assert json.loads(jinja2.Environment().from_string(text).render()) == json.loads(odd)


def test_places_the_render_refuted_get_a_template():
    """`custom`: where the built-in template's render was not exactly AWS's policy (see run.py)."""
    written = draft(
        snapshot(repo("app", policyText=policy(CROSS_ACCOUNT))), OPTIONS, frozenset({"repository[0]"})
    )
    assert tomllib.loads(written.text)["repository"][0]["policy"] == "prod-repository-app"
    assert list(written.templates) == ["prod-repository-app"]


def test_grants_read_from_the_built_ins_statement_ids():
    statements = [
        CROSS_ACCOUNT,
        {"Sid": "OrganizationPull", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}},
        {"Sid": "LambdaPull"},
        {"Sid": "Push", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/ci"]}},
    ]
    assert repository_grants({"Statement": statements}, "aws") == {
        "pull_account_ids": ["210987654321"],
        "org_id": "o-abc123def4",
        "lambda_pull": True,
        "push_principals": ["arn:aws:iam::123456789012:role/ci"],
    }
    assert repository_grants({"Statement": [{"Sid": "Other"}]}, "aws") is None
    assert repository_grants({"Statement": [{**CROSS_ACCOUNT, "Principal": {"AWS": ["123"]}}]}, "aws") is None
    assert repository_grants({"Statement": []}, "aws") is None
    assert repository_grants("not a policy", "aws") is None
    assert registry_grants(
        {
            "Statement": [
                {
                    "Sid": "ReplicationFromSourceAccounts",
                    "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
                },
                {"Sid": "PullThroughCache", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/p"]}},
            ]
        },
        "aws",
    ) == {
        "replication_source_account_ids": ["210987654321"],
        "pull_through_principals": ["arn:aws:iam::123456789012:role/p"],
    }
    assert registry_grants({"Statement": [CROSS_ACCOUNT]}, "aws") is None


def test_tags_every_repository_holds_alike_become_the_account_tags():
    tags = [{"Key": "Team", "Value": "platform"}, {"Key": "aws:cloudformation:stack-name", "Value": "x"}]
    written = draft(snapshot(repo("a1", tags=tags), repo("b1", tags=tags[:1])), OPTIONS)
    assert tomllib.loads(written.text)["tags"] == {"Team": "platform"}


def test_registry_settings():
    found = snapshot(
        scanning={
            "scanType": "ENHANCED",
            "rules": [
                {
                    "scanFrequency": "CONTINUOUS_SCAN",
                    "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}],
                }
            ],
        },
        replication={
            "rules": [
                {
                    "destinations": [
                        {"region": "eu-central-1", "registryId": ACCOUNT},
                        {"region": "eu-west-1", "registryId": "210987654321"},
                    ],
                    "repositoryFilters": [{"filter": "team", "filterType": "PREFIX_MATCH"}],
                },
                {"destinations": [{"region": "us-east-1", "registryId": ACCOUNT}]},
            ]
        },
        registry_policy=policy(
            {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:ReplicateImage"}
        ),
        pull_through_cache=[
            {
                "ecrRepositoryPrefix": "docker-hub",
                "upstreamRegistryUrl": "registry-1.docker.io",
                "upstreamRegistry": "docker-hub",
                "credentialArn": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbC123",
                "upstreamRepositoryPrefix": "ROOT",
            },
            {
                "ecrRepositoryPrefix": "shared",
                "upstreamRegistryUrl": "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
                "upstreamRegistry": "ecr",
                "customRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecr-pull-through",
                "upstreamRepositoryPrefix": "base-images",
            },
        ],
        creation_templates=[
            {
                "prefix": "ROOT",
                "appliedFor": ["REPLICATION"],
                "description": "everything else",
                "encryptionConfiguration": {"encryptionType": "KMS"},
                "customRoleArn": f"arn:aws:iam::{ACCOUNT}:role/templates",
                "resourceTags": [{"Key": "CreatedBy", "Value": "template"}],
                "imageTagMutability": "IMMUTABLE",
            },
            {
                "prefix": "docker-hub",
                "appliedFor": ["PULL_THROUGH_CACHE"],
                "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
                "imageTagMutabilityExclusionFilters": [{"filter": "latest", "filterType": "WILDCARD"}],
                "repositoryPolicy": policy(CROSS_ACCOUNT),
                "lifecyclePolicy": json.dumps(LIFECYCLE),
            },
        ],
    )
    written = draft(found, OPTIONS)
    document = tomllib.loads(written.text)
    assert document["scanning"] == {"type": "ENHANCED", "continuous": True, "repository_filters": ["*"]}
    assert document["registry"] == {
        "policy": "prod-registry",
        "replication": [
            {
                "destinations": [
                    {"region": "eu-central-1"},
                    {"region": "eu-west-1", "account_id": "210987654321"},
                ],
                "prefixes": ["team"],
            },
            {"destinations": [{"region": "us-east-1"}]},
        ],
        "pull_through_cache": [
            {
                "prefix": "docker-hub",
                "upstream": "docker-hub",
                "adopt": True,
                "secret": "ecr-pullthroughcache/docker-hub",
            },
            {
                "prefix": "shared",
                "upstream": "ecr",
                "adopt": True,
                "registry_url": "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
                "custom_role_arn": f"arn:aws:iam::{ACCOUNT}:role/ecr-pull-through",
                "upstream_prefix": "base-images",
            },
        ],
        "creation_template": [
            {
                "prefix": "ROOT",
                "applied_for": ["REPLICATION"],
                "description": "everything else",
                "custom_role_arn": f"arn:aws:iam::{ACCOUNT}:role/templates",
                "image_tag_mutability": "IMMUTABLE",
                "encryption": "KMS",
                "kms_key": "alias/aws/ecr",
                "policy": "none",
                "adopt": True,
                "lifecycle": False,
                "resource_tags": {"CreatedBy": "template"},
            },
            {
                "prefix": "docker-hub",
                "applied_for": ["PULL_THROUGH_CACHE"],
                "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION",
                "mutable_tags": ["latest"],
                "encryption": "AES256",
                "pull_account_ids": ["210987654321"],
                "adopt": True,
                "lifecycle": LIFECYCLE,
            },
        ],
    }
    assert list(written.templates) == ["prod-registry"]
    assert set(written.policies) == {
        "registry",
        "registry.creation_template[0]",
        "registry.creation_template[1]",
    }


def test_what_aws_holds_by_default_is_left_alone():
    """BASIC scanning without rules, no replication, no registry policy: no [scanning], no [registry]."""
    found = snapshot(
        scanning={"scanType": "BASIC", "rules": []},
        replication={"rules": []},
        registry_policy=None,
        pull_through_cache=[],
        creation_templates=[],
    )
    document = tomllib.loads(draft(found, OPTIONS).text)
    assert set(document) == {"account"}


def test_a_registry_policy_of_the_built_in_is_written_as_its_keys():
    statement = {
        "Sid": "ReplicationFromSourceAccounts",
        "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
    }
    document = tomllib.loads(draft(snapshot(registry_policy=policy(statement)), OPTIONS).text)
    assert document["registry"] == {"replication_source_account_ids": ["210987654321"]}


def test_tags_not_every_repository_holds_are_its_own():
    written = draft(
        snapshot(
            repo("aa", tags=[{"Key": "Team", "Value": "a"}, {"Key": "Cost", "Value": "1"}]),
            repo("bb", tags=[{"Key": "Cost", "Value": "1"}, {"Key": "ecrgen:guarded", "Value": "true"}]),
        ),
        OPTIONS,
    )
    document = tomllib.loads(written.text)
    assert document["tags"] == {"Cost": "1"}
    assert [r.get("tags") for r in document["repository"]] == [{"Team": "a"}, None]


@pytest.mark.parametrize(
    "held, expected",
    [
        ({"REGISTRY_POLICY_SCOPE": "V2", "BLOB_MOUNTING": "DISABLED"}, None),  # AWS's defaults: left alone
        (
            {"REGISTRY_POLICY_SCOPE": "V1", "BLOB_MOUNTING": "ENABLED"},
            {"policy_scope": "V1", "blob_mounting": True},
        ),
    ],
)
def test_account_settings_other_than_aws_defaults_are_written(held, expected):
    written = tomllib.loads(draft(snapshot(account_settings=held), OPTIONS).text)
    assert written.get("registry") == expected


def test_account_settings_an_account_file_cannot_say_are_refused():
    assert refused(
        snapshot(account_settings={"REGISTRY_POLICY_SCOPE": "V3", "BLOB_MOUNTING": "PARTIAL"})
    ) == [
        "accounts/prod.toml: the registry: policy scope 'V3' cannot be expressed in an account file yet (V1, V2)",
        "accounts/prod.toml: the registry: blob mounting 'PARTIAL' cannot be expressed in an account file yet "
        "(ENABLED, DISABLED)",
    ]


def test_mutable_with_exclusion_is_written_with_its_immutable_tags():
    written = draft(
        snapshot(
            repo(
                "app",
                imageTagMutability="MUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters=[{"filter": "v*", "filterType": "WILDCARD"}],
            )
        ),
        OPTIONS,
    )
    assert 'image_tag_mutability = "MUTABLE_WITH_EXCLUSION"\nimmutable_tags = ["v*"]\n' in written.text
    assert "mutable_tags" not in written.text.replace("immutable_tags", "")


def test_dual_layer_kms_encryption_is_written_with_its_key():
    written = draft(
        snapshot(repo("app", encryptionConfiguration={"encryptionType": "KMS_DSSE", "kmsKey": KEY})), OPTIONS
    )
    assert f'encryption = "KMS_DSSE"\nkms_key = "{KEY}"\n' in written.text


def test_what_an_account_file_cannot_express_is_refused_naming_it():
    found = snapshot(
        repo("dsse", encryptionConfiguration={"encryptionType": "KMS_TRIPLE", "kmsKey": KEY}),
        repo(
            "mutable",
            imageTagMutability="MUTABLE_WITH_REGEX",  # a mode AWS may add; none has it today
            imageTagMutabilityExclusionFilters=[{"filter": "v*", "filterType": "REGEX"}],
        ),
        repo("odd", lifecyclePolicyText='{"rules": [{"rulePriority": null}]}', policyText="not json"),
        scanning={"scanType": "ENHANCED", "rules": []},
        replication={
            "rules": [{"destinations": [], "repositoryFilters": [{"filter": "x", "filterType": "SUFFIX"}]}]
        },
        registry_policy="{",
        pull_through_cache=[
            {
                "ecrRepositoryPrefix": "hub",
                "upstreamRegistry": "docker-hub",
                "upstreamRegistryUrl": "registry-1.docker.io",
                "credentialArn": "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ecr-pullthroughcache/hub-AbC123",
            }
        ],
    )
    assert refused(found) == [
        "accounts/prod.toml: repository 'dsse': encryption type 'KMS_TRIPLE' cannot be expressed in an account file yet "
        "(encryption: AES256, KMS, KMS_DSSE)",
        "accounts/prod.toml: repository 'mutable': image tag mutability 'MUTABLE_WITH_REGEX' cannot be expressed in an "
        "account file yet (image_tag_mutability: MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION)",
        "accounts/prod.toml: repository 'mutable': exclusion filter type 'REGEX' cannot be expressed in an account file yet "
        "(mutable_tags and immutable_tags are WILDCARD filters)",
        "accounts/prod.toml: repository 'odd': its repository policy is not JSON",
        "accounts/prod.toml: repository 'odd': its lifecycle policy cannot be expressed in an account file (JSON with a list "
        "of rules, without nulls or fractions, expected)",
        "accounts/prod.toml: registry scanning configuration (ENHANCED): no rules cannot be expressed in an account file "
        "yet ([scanning] makes one at least)",
        "accounts/prod.toml: the registry: its policy is not JSON",
        "accounts/prod.toml: replication rule 1: repository filter type 'SUFFIX' cannot be expressed in an account file yet "
        "(prefixes are PREFIX_MATCH filters)",
        "accounts/prod.toml: pull through cache rule 'hub': its credential "
        "'arn:aws:secretsmanager:eu-west-1:210987654321:secret:ecr-pullthroughcache/hu... cannot be expressed in an "
        "account file (secret: the name of a Secrets Manager secret of this account and region)",
    ]


def test_two_scanning_rules_are_written_as_scanning_rule_tables():
    both = [
        {
            "scanFrequency": "CONTINUOUS_SCAN",
            "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
        },
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]},
    ]
    written = draft(snapshot(scanning={"scanType": "ENHANCED", "rules": both}), OPTIONS)
    assert tomllib.loads(written.text)["scanning"] == {
        "type": "ENHANCED",
        "rule": [
            {"frequency": "CONTINUOUS_SCAN", "filters": ["prod-*"]},
            {"frequency": "SCAN_ON_PUSH", "filters": ["*"]},
        ],
    }


def test_a_scanning_rule_ecrgen_cannot_write_is_refused():
    found = snapshot(
        scanning={
            "scanType": "BASIC",
            "rules": [
                {"scanFrequency": "MANUAL", "repositoryFilters": [{"filter": "a", "filterType": "PREFIX"}]}
            ],
        }
    )
    assert refused(found) == [
        "accounts/prod.toml: registry scanning configuration (BASIC): scan frequency 'MANUAL' cannot be expressed in an "
        "account file yet (SCAN_ON_PUSH, CONTINUOUS_SCAN)",
        "accounts/prod.toml: registry scanning configuration (BASIC): repository filter type 'PREFIX' cannot be expressed "
        "in an account file yet (repository_filters are WILDCARD filters)",
    ]


def test_very_long_names_give_template_names_a_file_system_takes():
    name = "a" * 250
    written = draft(snapshot(repo(name, policyText=policy({"Sid": "X", "Principal": "*"}))), OPTIONS)
    (template,) = written.templates
    assert len(template) == 189 and template.startswith("prod-repository-aaa")
