"""Encryption types: KMS_DSSE (dual-layer, with a KMS key) beside KMS and AES256; exact messages."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPO = '[[repository]]\nname = "app"\n'


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("key, looked_up", [(KEY, KEY), ("alias/ecr", "alias/ecr"), ("alias/aws/ecr", None)])
def test_kms_dsse_takes_a_key_as_kms_does(accounts, key, looked_up):
    text = minimal("production", REPO + f'encryption = "KMS_DSSE"\nkms_key = "{key}"\n')
    (app,) = load_accounts(accounts(a=text))[0].repositories
    assert (app.encryption, app.kms_key) == ("KMS_DSSE", looked_up)


def test_kms_dsse_in_a_creation_template_needs_its_custom_role(accounts):
    text = minimal(
        "production",
        '[registry]\n[[registry.creation_template]]\nprefix = "ROOT"\napplied_for = ["REPLICATION"]\n'
        f'encryption = "KMS_DSSE"\nkms_key = "{KEY}"\n',
    )
    assert problems(accounts(a=text)) == [
        "accounts/a.toml: registry.creation_template[0].custom_role_arn: is required with KMS encryption: "
        "ECR creates the repositories through a role of this account that may use the key and tag them"
    ]


@pytest.mark.parametrize(
    "keys, expected",
    [
        (
            'encryption = "KMS_DSSE"\n',
            "repository[0].kms_key: is required with encryption 'KMS_DSSE' (a key ARN, or alias/NAME)",
        ),
        (
            'encryption = "KMS"\n',
            "repository[0].kms_key: is required with encryption 'KMS' (a key ARN, or alias/NAME)",
        ),
        (
            'encryption = "DSSE"\n',
            "repository[0].encryption: 'DSSE' is not allowed (allowed: 'AES256', 'KMS' or 'KMS_DSSE')",
        ),
    ],
)
def test_kms_dsse_problems(accounts, keys, expected):
    assert problems(accounts(a=minimal("production", REPO + keys))) == [f"accounts/a.toml: {expected}"]
