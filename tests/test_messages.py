"""Exact text of the account-level messages not pinned elsewhere (one account file each)."""

import pytest

from conftest import minimal
from ecrgen.config import load_accounts
from ecrgen.errors import EcrgenError

ROLE = '[role]\nname = "ci"\n'
MANY_TAGS = "[tags]\n" + "".join(f'k{i} = "v"\n' for i in range(48))


@pytest.mark.parametrize("text, expected", [
    (minimal("dev").replace('"us-east-1"', '"mars"'), "account.region: 'mars' is not an AWS region code such as 'us-east-1'"),
    (minimal("dev", 'assume_role_arn = "terraform"\n'),
     "account.assume_role_arn: 'terraform' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"),
    (minimal("dev").replace('project = "demo"', 'project = " "'), "account.project: must not be empty"),
    (minimal("dev", MANY_TAGS), "tags: has 48 tags; with Project, Environment and ManagedBy AWS allows 47"),
    (minimal("dev", '[tags]\nk = "' + "v" * 257 + '"\n'), "tags.k: the value is longer than 256 characters"),
    (minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\npath = "x"\n'), "backend.path: is only allowed with type 'local'"),
    (minimal("dev", '[backend]\ntype = "s3"\nbucket = "B"\n'), "backend.bucket: 'B' is not a valid S3 bucket name"),
    (minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nregion = "mars"\n'),
     "backend.region: 'mars' is not an AWS region code such as 'us-east-1'"),
    (minimal("dev", ROLE + 'github_repositories = ["acme"]\n'),
     "role.github_repositories[0]: 'acme' is not a GitHub repository ('org/repo' or 'org/repo:ref:refs/heads/main')"),
    (minimal("dev", ROLE + 'github_repositories = ["acme/app", "acme/app"]\n'), "role.github_repositories: has duplicates"),
    (minimal("dev", ROLE + 'trusted_services = ["ecs"]\n'),
     "role.trusted_services[0]: 'ecs' is not an AWS service principal such as 'ecs-tasks.amazonaws.com'"),
    (minimal("dev", ROLE + 'trusted_principals = ["ci"]\n'),
     "role.trusted_principals[0]: 'ci' is not an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)"),
    (minimal("dev", "[scanning]\nrepository_filters = []\n"), "scanning.repository_filters: has 0 filters; ECR allows 1 to 100"),
    (minimal("dev", '[scanning]\nrepository_filters = ["App"]\n'),
     "scanning.repository_filters[0]: 'App' is not a repository filter (lowercase name characters and * wildcards)"),
    (minimal("dev", '[[repository]]\nname = "app"\nmutable_tags = ["latest", "latest"]\n'), "repository[0].mutable_tags: has duplicate filters"),
])
def test_account_messages(accounts, text, expected):
    with pytest.raises(EcrgenError) as caught:
        load_accounts(accounts(a=text))
    assert [str(p) for p in caught.value.problems] == [f"accounts/a.toml: {expected}"]


def test_an_account_file_name_that_cannot_name_a_stack(accounts):
    folder = accounts()
    (folder / "my account.toml").write_text(minimal())
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    assert str(caught.value) == "accounts/my account.toml: 'my account' is not a valid account name (letters, digits, _ and -)"
