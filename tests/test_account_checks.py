"""Account-file checks added after a black-box review: exact messages, one account file each."""

import json

import pytest

from conftest import minimal
from ecrgen.config import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.rules import names

REGION_RULE = "is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)"


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


def test_an_unknown_region_is_an_error(accounts):
    text = minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nregion = "eu-west-9"\n').replace('"us-east-1"', '"us-east-9"')
    assert problems(accounts(a=text)) == [f"accounts/a.toml: account.region: 'us-east-9' {REGION_RULE}",
                                          f"accounts/a.toml: backend.region: 'eu-west-9' {REGION_RULE}"]


@pytest.mark.parametrize("region", ["us-east-2", "ap-east-2", "ap-southeast-7", "ca-west-1", "mx-central-1",
                                    "il-central-1", "us-gov-east-1", "cn-northwest-1"])
def test_every_listed_region_is_accepted(accounts, region):
    assert not names.region(region)
    (account,) = load_accounts(accounts(a=minimal("dev").replace('"us-east-1"', f'"{region}"')))
    assert account.region == region


def test_tags_that_replace_a_default_count_once(accounts):
    tags = "[tags]\nProject = \"p\"\n" + "".join(f'k{i} = "v"\n' for i in range(47))
    (account,) = load_accounts(accounts(a=minimal("dev", tags)))
    assert len(account.default_tags()) == 50
    assert problems(accounts(a=minimal("dev", tags + 'k47 = "v"\n'))) == [
        "accounts/a.toml: tags: has 49 tags; with Project, Environment and ManagedBy that makes 51 and AWS allows 50"]
