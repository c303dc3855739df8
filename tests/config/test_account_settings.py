"""[registry] policy_scope, blob_mounting (aws_ecr_account_setting) and pull_time_update_exclusions
(aws_ecr_pull_time_update_exclusion): what they resolve to, the provider floors they raise, exact messages."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.rules import terraform
from ecrgen.rules.account_settings import exclusion_address

ROLE = "arn:aws:iam::123456789012:role/ci"


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "keys, settings, scope",
    [
        ('policy_scope = "V1"\n', (("REGISTRY_POLICY_SCOPE", "V1"),), "V1"),
        (
            'policy_scope = "V2"\nblob_mounting = true\n',
            (("REGISTRY_POLICY_SCOPE", "V2"), ("BLOB_MOUNTING", "ENABLED")),
            "V2",
        ),
        ("blob_mounting = false\n", (("BLOB_MOUNTING", "DISABLED"),), "V2"),
        ("", (), "V2"),  # not managed: checked as AWS's default V2
    ],
)
def test_account_settings(accounts, keys, settings, scope):
    (account,) = load_accounts(accounts(a=minimal("production", "[registry]\n" + keys)))
    assert (account.registry.account_settings, account.registry.policy_scope) == (settings, scope)


def test_pull_time_update_exclusions_are_addressed_by_principal(accounts):
    text = minimal(
        "production",
        f'[registry]\npull_time_update_exclusions = ["{ROLE}", "arn:aws:iam::123456789012:user/path/bot"]\n',
    )
    (account,) = load_accounts(accounts(a=text))
    assert account.registry.pull_time_update_exclusions == (ROLE, "arn:aws:iam::123456789012:user/path/bot")
    assert [exclusion_address(a) for a in account.registry.pull_time_update_exclusions] == [
        "role_ci_123456789012",
        "user_path_bot_123456789012",
    ]


def test_provider_floors_of_the_new_registry_features():
    assert terraform.aws_provider([terraform.PULL_TIME_UPDATE_EXCLUSION]) == {
        "source": "hashicorp/aws",
        "version": "~> 6.28",
    }
    assert (
        terraform.aws_provider([terraform.PULL_TIME_UPDATE_EXCLUSION, terraform.BLOB_MOUNTING])["version"]
        == "~> 6.29"
    )
    assert terraform.aws_provider([])["version"] == "~> 6.25"


@pytest.mark.parametrize(
    "keys, expected",
    [
        ('policy_scope = "V3"\n', ["registry.policy_scope: 'V3' is not allowed (allowed: 'V1' or 'V2')"]),
        ('blob_mounting = "yes"\n', ["registry.blob_mounting: 'yes' must be true or false"]),
        (
            'pull_time_update_exclusions = ["ci", "arn:aws:iam::123456789012:role/*"]\n',
            [
                "registry.pull_time_update_exclusions[0]: 'ci' is not an IAM role or user ARN "
                "(arn:aws:iam::123456789012:role/NAME or ...:user/NAME)",
                "registry.pull_time_update_exclusions[1]: 'arn:aws:iam::123456789012:role/*' has a wildcard: IAM "
                "accepts '*' only as the whole principal, never inside an ARN; name the principal exactly",
            ],
        ),
        (
            'pull_time_update_exclusions = ["arn:aws:iam::123456789012:root"]\n',
            [
                "registry.pull_time_update_exclusions[0]: 'arn:aws:iam::123456789012:root' is not an IAM role or "
                "user ARN of at most 200 characters (ECR excludes roles and users: ...:role/NAME, ...:user/NAME)"
            ],
        ),
        (
            f'pull_time_update_exclusions = ["{ROLE}", "{ROLE}"]\n',
            [f"registry.pull_time_update_exclusions: has duplicates: '{ROLE}'"],
        ),
        (
            'pull_time_update_exclusions = ["arn:aws:iam::123456789012:role/a.b", "arn:aws:iam::123456789012:role/a_b"]\n',
            [
                "registry.pull_time_update_exclusions[1]: 'arn:aws:iam::123456789012:role/a_b' has the Terraform "
                "address of pull_time_update_exclusions[0] ('role_a_b_123456789012'); list one of them"
            ],
        ),
    ],
)
def test_account_setting_problems(accounts, keys, expected):
    assert problems(accounts(a=minimal("production", "[registry]\n" + keys))) == [
        f"accounts/a.toml: {e}" for e in expected
    ]
