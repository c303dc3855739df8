"""How an account file resolves at its edges: regions, tags counted once, lifecycle tables merged key by
key, a `[defaults]` problem reported where it was written, follow-on noise left out, 32-bit counts,
opting out of inherited keys. Exact messages, one account file each."""

import json

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.rules import names

REGION_RULE = (
    "is not an AWS region (e.g. us-east-1, eu-west-1, us-gov-west-1, cn-north-1; see the AWS regions page)"
)


def problems(folder) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder)
    return [str(p) for p in caught.value.problems]


def test_an_unknown_region_is_an_error(accounts):
    text = minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\nregion = "eu-west-9"\n').replace(
        '"us-east-1"', '"us-east-9"'
    )
    assert problems(accounts(a=text)) == [
        f"accounts/a.toml: account.region: 'us-east-9' {REGION_RULE}",
        f"accounts/a.toml: backend.region: 'eu-west-9' {REGION_RULE}",
    ]


@pytest.mark.parametrize(
    "region",
    [
        "us-east-2",
        "ap-east-2",
        "ap-southeast-7",
        "ca-west-1",
        "mx-central-1",
        "il-central-1",
        "us-gov-east-1",
        "cn-northwest-1",
    ],
)
def test_every_listed_region_is_accepted(accounts, region):
    assert not names.region(region)
    (account,) = load_accounts(accounts(a=minimal("dev").replace('"us-east-1"', f'"{region}"')))
    assert account.region == region


def test_tags_that_replace_a_default_count_once(accounts):
    # 50 in all with the guard tag that guarded repositories carry too.
    tags = '[tags]\nProject = "p"\n' + "".join(f'k{i} = "v"\n' for i in range(46))
    (account,) = load_accounts(accounts(a=minimal("dev", tags)))
    assert len(account.default_tags()) == 49
    assert problems(accounts(a=minimal("dev", tags + 'k46 = "v"\n'))) == [
        "accounts/a.toml: tags: has 48 tags; with Project, Environment, ManagedBy and ecrgen:guarded (on guarded repositories) that makes 51 and AWS allows 50"
    ]


ACCOUNT = '[account]\nid = "123456789012"\nregion = "us-east-1"\nproject = "proj"\n'


def policy_numbers(repository) -> list:
    rules = json.loads(repository.lifecycle_policy)["rules"]
    return [
        (r["selection"]["tagStatus"], r["selection"].get("tagPatternList"), r["selection"]["countNumber"])
        for r in rules
    ]


def test_lifecycle_tables_merge_key_by_key(accounts):
    folder = accounts(
        a=ACCOUNT
        + 'environment = "dev"\n'
        + """
[defaults.lifecycle]
max_image_count = 500
untagged_image_days = 60
protected_tags = ["v*"]

[[repository]]
name = "app"
[repository.lifecycle]
protected_tags = ["release-*"]

[[repository]]
name = "custom"
[repository.lifecycle]
rules = [{ rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 5 }, action = { type = "expire" } }]

[[repository]]
name = "plain"
"""
    )
    app, custom, plain = load_accounts(folder)[0].repositories
    assert policy_numbers(app) == [
        ("tagged", ["release-*"], 36500),
        ("untagged", None, 60),
        ("any", None, 500),
    ]
    assert policy_numbers(custom) == [("any", None, 5)]
    assert policy_numbers(plain) == [("tagged", ["v*"], 36500), ("untagged", None, 60), ("any", None, 500)]


def test_repository_counts_drop_inherited_rules(accounts):
    folder = accounts(
        a=ACCOUNT
        + 'environment = "dev"\n'
        + """
[defaults.lifecycle]
rules = [{ rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 5 }, action = { type = "expire" } }]

[[repository]]
name = "app"
lifecycle = { max_image_count = 9 }
"""
    )
    (app,) = load_accounts(folder)[0].repositories
    assert policy_numbers(app) == [("untagged", None, 7), ("any", None, 9)]


def test_a_problem_in_defaults_is_reported_once_where_it_was_written(accounts):
    folder = accounts(
        a=ACCOUNT
        + 'environment = "dev"\n'
        + """
[defaults]
pull_account_ids = ["1234"]
push_principals = ["ci"]
org_id = "org"
kms_key = "key"
policy = "bad name"
mutable_tags = ["bad tag"]
[defaults.lifecycle]
max_image_count = 0
protected_tags = ["v*", "prod-*", "bad tag"]

[[repository]]
name = "one"
[[repository]]
name = "two"
[[repository]]
name = "three"
pull_account_ids = ["5678"]
lifecycle = { protected_tags = ["ok", "bad*tag*"] }
"""
    )
    assert problems(folder) == [
        "accounts/a.toml: defaults.mutable_tags[0]: 'bad tag' is not a valid tag filter (1-128 chars: letters, digits, . _ - and * wildcards)",
        "accounts/a.toml: defaults.kms_key: 'key' is not a KMS key ARN or alias (arn:aws:kms:REGION:ACCOUNT:key/ID, alias/NAME)",
        "accounts/a.toml: defaults.policy: 'bad name' is not a template name (letters, digits, _ and -; or 'none')",
        "accounts/a.toml: defaults.pull_account_ids[0]: '1234' is not an AWS account id (12 digits)",
        "accounts/a.toml: defaults.push_principals[0]: 'ci' is not an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)",
        "accounts/a.toml: defaults.org_id: 'org' is not an AWS Organizations id (o- and 10-32 lowercase letters or digits)",
        "accounts/a.toml: defaults.lifecycle.max_image_count: 0 must be an integer greater than 0",
        "accounts/a.toml: defaults.lifecycle.protected_tags[2]: 'bad tag' is not a tag pattern (1-128 chars: letters, digits, . _ - and at most 4 * wildcards)",
        "accounts/a.toml: repository[2].pull_account_ids[0]: '5678' is not an AWS account id (12 digits)",
    ]


@pytest.mark.parametrize(
    "where, expected",
    [
        (
            '[[repository]]\nname = "app"\nmutable_tags = []\n',
            "repository[0].mutable_tags: must list 1 to 5 tag filters (or leave it out)",
        ),
        (
            '[defaults]\nmutable_tags = []\n[[repository]]\nname = "app"\n',
            "defaults.mutable_tags: must list 1 to 5 tag filters (or leave it out)",
        ),
        (
            '[[repository]]\nname = "app"\nimage_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"\nmutable_tags = []\n',
            "repository[0].mutable_tags: must list 1 to 5 tag filters (or leave it out)",
        ),
    ],
)
def test_an_empty_mutable_tags_is_an_error(accounts, where, expected):
    assert problems(accounts(a=minimal("dev", where))) == [f"accounts/a.toml: {expected}"]


def test_an_empty_mutable_tags_clears_the_defaults_filters(accounts):
    folder = accounts(
        a=minimal(
            "production",
            '[defaults]\nmutable_tags = ["latest"]\n[[repository]]\nname = "aa"\n[[repository]]\nname = "bb"\nmutable_tags = []\n',
        )
    )
    a, b = load_accounts(folder)[0].repositories
    assert (a.image_tag_mutability, b.image_tag_mutability, b.mutable_tags) == (
        "IMMUTABLE_WITH_EXCLUSION",
        "IMMUTABLE",
        (),
    )


def test_retired_and_allow_destroy_names_follow_the_repository_name_rule(accounts):
    folder = accounts(a=minimal("production", 'retired = ["Bad Name", "gone"]\nallow_destroy = ["x"]\n'))
    rule = "(2-256 chars: lowercase letters, digits, and . _ - / separators)"
    assert problems(folder) == [
        f"accounts/a.toml: account.retired[0]: 'Bad Name' is not the `name` a [[repository]] could have had: not a valid ECR repository name {rule}",
        f"accounts/a.toml: account.allow_destroy[0]: 'x' is not the `name` a [[repository]] could have had: not a valid ECR repository name {rule}",
    ]
    folder = accounts(a=minimal("production", 'name_format = "{project}/{name}"\nretired = ["x", "A"]\n'))
    assert problems(folder) == [
        f"accounts/a.toml: account.retired[1]: 'A' is not the `name` a [[repository]] could have had: not a valid ECR repository name "
        f"(through name_format: 'demo/A') {rule}"
    ]


def test_a_type_error_in_account_does_not_hide_the_other_problems(accounts):
    folder = accounts(
        a='[account]\nid = 123456789012\nregion = "mars-1"\nenvironment = "prodution"\nproject = "Bad Proj!"\n'
        'assume_role_arn = "arn:aws:iam::123456789012:role/terraform"\n[[repository]]\nname = "App"\n'
    )
    assert problems(folder) == [
        "accounts/a.toml: account.id: 123456789012 must be a string",
        f"accounts/a.toml: account.region: 'mars-1' {REGION_RULE}",
        "accounts/a.toml: account.project: 'Bad Proj!' is not a valid tag value (0-256 chars: letters, digits, spaces and _ . : / = + - @)",
        "accounts/a.toml: account.environment: 'prodution' is not a known environment (production: production, prod; non-production: "
        "development, dev, staging, stage, test, testing, qa, uat, sandbox, nonprod, non-production, preprod, pre-production, demo; "
        "any case); for another name, set production = true or false in [account]",
        "accounts/a.toml: repository[0].name: 'App' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
    ]


def test_required_keys_missing_or_mistyped_leave_no_follow_on_noise(accounts):
    folder = accounts(
        a='[account]\nid = "123456789012"\nregion = ["us-east-1"]\nproject = 7\n'
        '[[repository]]\nname = 5\n[[repository]]\nname = "ok-but-MixedCase"\n[role]\nname = false\ntrusted_services = ["ecs"]\n'
    )
    assert problems(folder) == [
        "accounts/a.toml: account.region: ['us-east-1'] must be a string",
        "accounts/a.toml: account.environment: is required",
        "accounts/a.toml: account.project: 7 must be a string",
        "accounts/a.toml: repository[0].name: 5 must be a string",
        "accounts/a.toml: role.name: False must be a string",
        "accounts/a.toml: repository[1].name: 'ok-but-MixedCase' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        "accounts/a.toml: role.trusted_services[0]: 'ecs' is not an AWS service principal such as 'ecs-tasks.amazonaws.com'",
    ]


def test_the_protected_tags_warning_for_settings_from_defaults_is_given_once_there(accounts):
    folder = accounts(
        a=minimal(
            "production",
            '[defaults.lifecycle]\nmax_image_count = 50\n[[repository]]\nname = "app"\n'
            '[[repository]]\nname = "api"\n[[repository]]\nname = "own"\nlifecycle = { untagged_image_days = 3 }\n',
        )
    )
    (account,) = load_accounts(folder)
    message = (
        "the default lifecycle policy of a production repository has no protected_tags: it expires any image beyond the newest 50, "
        "deployed ones too; list the tags of deployed images (e.g. protected_tags = ['prod-*', 'v*'])"
    )
    assert [str(w) for w in account.warnings] == [
        f"accounts/a.toml: defaults.lifecycle: {message}",
        f"accounts/a.toml: repository[2].lifecycle: {message}",
    ]


def test_escaped_braces_in_name_format_scope_a_large_role_without_a_traceback(accounts):
    """`{{` and `}}` are literal braces: the prefix a large role is scoped by is the text before the
    {name} field, with each escaped brace counted once (it used to crash the prefix computation)."""
    repositories = "".join(f'[[repository]]\nname = "service-number-{i:04d}-long"\n' for i in range(160))
    text = minimal("dev", '[role]\nname = "ci"\ngithub_repositories = ["acme/app"]\n' + repositories)
    text = text.replace("[account]\n", '[account]\nname_format = "x{{name}}{project}{name}"\n', 1)
    found = problems(accounts(a=text))
    assert len(found) == 161
    assert found[0].startswith(
        "accounts/a.toml: repository[0].name: 'service-number-0000-long' gives the ECR repository name "
        "'x{name}"
    )
    assert found[-1] == (
        "accounts/a.toml: role: its inline policy would be 13795 characters with 160 repository ARNs; IAM allows "
        "10240 for a role's inline policies, and the name prefix 'x{name}demo' that name_format gives does not "
        "end in a separator (/ - _ .), so granting on 'repository/x{name}demo*' would also cover other "
        "repositories whose names start with 'x{name}demo': put a separator after the prefix in name_format "
        "(e.g. '{project}/{name}')"
    )


@pytest.mark.parametrize("table", ["role", "alerts", "registry", "backend", "defaults", "scanning"])
def test_an_array_of_tables_where_one_table_belongs_says_so(accounts, table):
    text = minimal("dev", f'[[{table}]]\nname = "x"\n')
    assert problems(accounts(a=text)) == [
        f"accounts/a.toml: {table}: is an array of tables ([[{table}]]); use [{table}] (single brackets): there is one"
    ]


def test_a_missing_upstream_lists_the_upstreams(accounts):
    text = minimal("dev", '[[registry.pull_through_cache]]\nprefix = "docker-hub"\n')
    assert problems(accounts(a=text)) == [
        "accounts/a.toml: registry.pull_through_cache[0].upstream: is required (allowed: ecr-public, k8s, quay, "
        "docker-hub, github-container-registry, gitlab-container-registry, azure-container-registry, chainguard, ecr)"
    ]


def test_lifecycle_counts_past_a_32_bit_integer_are_errors(accounts):
    """The AWS provider fails half-way through apply on them (after the repository is created)."""
    rule = (
        '{ rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", '
        'countNumber = 2147483648 }, action = { type = "expire" } }'
    )
    text = minimal(
        "dev",
        '[[repository]]\nname = "aa"\nlifecycle = { max_image_count = 99999999999999999999, '
        "untagged_image_days = 2147483647 }\n"
        f'[[repository]]\nname = "bb"\nlifecycle = {{ rules = [{rule}] }}\n',
    )
    assert problems(accounts(a=text)) == [
        "accounts/a.toml: repository[0].lifecycle.max_image_count: 99999999999999999999 is more than a countNumber can be (at most 2147483647, a 32-bit integer)",
        "accounts/a.toml: repository[1].lifecycle.rules[0].selection.countNumber: 2147483648 is more than a countNumber can be (at most 2147483647, a 32-bit integer)",
    ]


def test_a_repository_opts_out_of_an_inherited_kms_key_and_org_id(accounts):
    from ecrgen.config.load import load_accounts

    text = minimal(
        "dev",
        '[defaults]\nencryption = "KMS"\nkms_key = "alias/k"\norg_id = "o-abc123def4"\n'
        '[[repository]]\nname = "plain"\nencryption = "AES256"\norg_id = ""\n'
        '[[repository]]\nname = "normal"\n',
    )
    (account,) = load_accounts(accounts(a=text))
    plain, normal = account.repositories
    assert (plain.encryption, plain.kms_key, plain.org_id) == ("AES256", None, None)
    assert (normal.encryption, normal.kms_key, normal.org_id) == ("KMS", "alias/k", "o-abc123def4")


def test_aes256_with_a_kms_key_in_the_same_table_is_still_an_error(accounts):
    text = minimal("dev", '[[repository]]\nname = "xy"\nencryption = "AES256"\nkms_key = "alias/k"\n')
    assert problems(accounts(a=text)) == [
        "accounts/a.toml: repository[0].kms_key: is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key"
    ]
