"""Small AWS rules as pure functions (no TOML, no files): tags, name parts, assume_role, encryption, the
role's policy scope and size, lifecycle settings, production defaults, replication defaults."""

import pytest

from ecrgen.config import defaults
from ecrgen.rules import encryption, lifecycle_selection, names, prefixes, provider, role, tags


def test_account_tags_count_the_default_keys_once():
    fifty = {f"k{i}": "v" for i in range(46)}  # with the three defaults and the guard tag
    assert tags.check_account_tags(fifty) == []
    assert tags.check_account_tags({**fifty, "Project": "x"}) == []
    assert tags.check_account_tags({**fifty, "extra": "x"}) == [
        (
            "",
            "has 47 tags; with Project, Environment, ManagedBy and ecrgen:guarded (on guarded repositories) that makes 51 and AWS allows 50",
        )
    ]


def test_resource_tags_allow_fifty():
    assert tags.check_resource_tags({f"k{i}": "v" for i in range(50)}) == []
    assert tags.check_resource_tags({f"k{i}": "v" for i in range(51)}) == [("", "has 51 tags; AWS allows 50")]


def test_role_tag_keys_that_differ_only_in_case():
    assert tags.role_case_clashes(["team", "Team", "project", "Owner"]) == [
        (
            "Team",
            "'Team' differs from the tag 'team' only in case; IAM treats the role's tag keys case-insensitively and rejects both: use 'team'",
        ),
        (
            "project",
            "'project' differs from the tag 'Project' only in case; IAM treats the role's tag keys case-insensitively and rejects both: use 'Project'",
        ),
    ]


@pytest.mark.parametrize("value, ok", [("shop", True), ("a.b_c-d/e", True), ("Shop", False), ("a b", False)])
def test_name_parts(value, ok):
    assert (names.check_name_part(value) == []) is ok


def test_assume_role_in_another_account():
    assert provider.same_account("arn:aws:iam::123456789012:role/x", "123456789012") == []
    assert provider.same_account("arn:aws:iam::999999999999:role/x", "123456789012") == [
        (
            "",
            "'arn:aws:iam::999999999999:role/x' is a role in account 999999999999; the provider allows only account 123456789012 (allowed_account_ids), so Terraform would stop at plan: assume a role in this account",
        )
    ]


@pytest.mark.parametrize(
    "kind, key, message",
    [
        (None, None, None),
        ("AES256", None, None),
        ("KMS", "alias/k", None),
        (None, "alias/k", None),
        ("KMS", None, "is required with encryption 'KMS' (a key ARN, or alias/NAME)"),
        (
            "AES256",
            "alias/k",
            "is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key",
        ),
    ],
)
def test_encryption_combinations(kind, key, message):
    assert encryption.check_combination(kind, key) == ([("", message)] if message else [])


def test_ecr_managed_key_is_never_looked_up():
    assert encryption.key_to_look_up("alias/aws/ecr") is None
    assert encryption.key_to_look_up("alias/mine") == "alias/mine"


def test_inline_policy_scope():
    assert role.inline_policy_scope(10_240, 100, "") == (None, [])
    assert role.inline_policy_scope(10_241, 100, "shop/") == ("shop/", [])
    scope, found = role.inline_policy_scope(10_241, 100, "")
    assert scope is None and found == [
        (
            "",
            "its inline policy would be 10241 characters with 100 repository ARNs; IAM allows 10240 for a role's inline policies: give name_format a prefix before {name} (e.g. '{project}/{name}') so ecrgen can grant on that prefix instead",
        )
    ]
    scope, found = role.inline_policy_scope(10_241, 100, "shop")
    assert scope is None and found == [
        (
            "",
            "its inline policy would be 10241 characters with 100 repository ARNs; IAM allows 10240 for a role's inline policies, and the name prefix 'shop' that name_format gives does not end in a separator (/ - _ .), so granting on 'repository/shop*' would also cover other repositories whose names start with 'shop': put a separator after the prefix in name_format (e.g. '{project}/{name}')",
        )
    ]


def test_trust_policy_size():
    assert role.check_trust_policy(2_048) == ([], [])
    assert role.check_trust_policy(2_049) == (
        [],
        [
            (
                "",
                "its trust policy would be 2049 characters; IAM's default quota is 2048 (raisable to 4096 through Service Quotas): apply fails unless the quota was raised",
            )
        ],
    )
    assert role.check_trust_policy(4_097) == (
        [
            (
                "",
                "its trust policy would be 4097 characters; IAM allows at most 4096 (github_repositories, trusted_principals and trusted_services make it): split the role",
            )
        ],
        [],
    )


def test_lifecycle_settings():
    assert lifecycle_selection.check_count(1) == []
    assert lifecycle_selection.check_count(0) == [("", "0 must be an integer greater than 0")]
    assert lifecycle_selection.check_protected_tags(("v*", "a*b*c*d*e*f", "bad tag")) == [
        (
            "[1]",
            "'a*b*c*d*e*f' is not a tag pattern (1-128 chars: letters, digits, . _ - and at most 4 * wildcards)",
        ),
        (
            "[2]",
            "'bad tag' is not a tag pattern (1-128 chars: letters, digits, . _ - and at most 4 * wildcards)",
        ),
    ]
    assert lifecycle_selection.check_unique_protected_tags(("a", "b")) == []
    assert lifecycle_selection.check_unique_protected_tags(("a", "a")) == [
        (
            "",
            "has duplicates: 'a' (each pattern becomes one lifecycle rule, and ECR rejects two rules selecting the same images)",
        )
    ]


def test_one_rule_per_prefix():
    assert prefixes.check_one_per_prefix(
        "pull_through_cache", ["ecr", "hub", "ecr/"], "pull through cache rule"
    ) == [
        (
            "[2].prefix",
            "'ecr/' is already the prefix of registry.pull_through_cache[0]; ECR allows one pull through cache rule per prefix",
        )
    ]


def test_defaults_by_production():
    assert defaults.by_production(True) == defaults.ByProduction(
        policy="production", prevent_destroy=True, image_tag_mutability="IMMUTABLE"
    )
    assert defaults.by_production(False) == defaults.ByProduction(
        policy="non_production", prevent_destroy=False, image_tag_mutability="MUTABLE"
    )


def test_a_replication_destination_defaults_to_this_registry_s_account():
    assert defaults.replication_account(None, "123456789012") == "123456789012"
    assert defaults.replication_account("", "123456789012") == "123456789012"
    assert defaults.replication_account("210987654321", "123456789012") == "210987654321"


def test_duplicates_names_each_repeated_value_once_in_order():
    from ecrgen.errors import duplicates

    assert duplicates(["b", "a", "b", "c", "a", "b"]) == "has duplicates: 'b', 'a'"
    assert duplicates(["a", "b"]) is None
