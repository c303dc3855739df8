"""Repository names, addresses, mutability filters."""

import pytest

from ecrgen.rules import mutability, names


@pytest.mark.parametrize("name", ["ab", "app", "team/app", "a.b-c_d/e2", "x" * 256])
def test_valid_repository_names(name):
    assert names.repository_name(name) == []


@pytest.mark.parametrize("name", ["a", "My_App", "-app", "app-", "a//b", "a..b", "/app", "app/", "ap p"])
def test_invalid_repository_names(name):
    assert names.repository_name(name) == [
        (
            "",
            f"{name!r} is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        )
    ]


def test_long_values_are_shown_cut_to_80_characters():
    assert names.repository_name("x" * 257) == [
        (
            "",
            "'"
            + "x" * 76
            + "... is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
        )
    ]


@pytest.mark.parametrize(
    "name, address",
    [("app", "app"), ("team/app", "team_app"), ("a.b", "a_b"), ("my-app_2", "my-app_2"), ("2fa", "_2fa")],
)
def test_addresses(name, address):
    assert names.address(name) == address


def test_address_collisions_are_reported_in_file_order():
    assert names.address_collisions(["a.b", "x", "a_b", "a/b"]) == {"a_b": ["a.b", "a_b", "a/b"]}
    assert names.address_collisions(["a", "b"]) == {}


@pytest.mark.parametrize(
    "explicit, tags, default, expected",
    [
        (None, (), "IMMUTABLE", ("IMMUTABLE", [])),
        (None, (), "MUTABLE", ("MUTABLE", [])),
        ("MUTABLE", (), "IMMUTABLE", ("MUTABLE", [])),
        (None, ("latest",), "MUTABLE", ("IMMUTABLE_WITH_EXCLUSION", [])),
        ("IMMUTABLE", ("latest",), "IMMUTABLE", ("IMMUTABLE_WITH_EXCLUSION", [])),
    ],
)
def test_mutability_resolution(explicit, tags, default, expected):
    assert mutability.resolve(explicit, tags, (), default) == expected


def test_mutability_conflicts_and_limits():
    assert mutability.resolve("MUTABLE", ("latest",), (), "IMMUTABLE")[1] == [
        (
            "mutable_tags",
            "is not allowed with image_tag_mutability 'MUTABLE' (every tag is mutable already); use IMMUTABLE with mutable_tags",
        )
    ]
    assert mutability.resolve("IMMUTABLE_WITH_EXCLUSION", (), (), "IMMUTABLE")[1] == [
        (
            "mutable_tags",
            "is required with image_tag_mutability 'IMMUTABLE_WITH_EXCLUSION' (1 to 5 tag filters)",
        )
    ]
    assert mutability.check_filters(tuple("abcdef")) == [
        ("mutable_tags", "has 6 filters; ECR allows at most 5 exclusion filters")
    ]
    assert mutability.check_filters(("ok", "not ok", "x" * 129)) == [
        (
            "mutable_tags[1]",
            "'not ok' is not a valid tag filter (1-128 chars: letters, digits, . _ - and * wildcards)",
        ),
        (
            "mutable_tags[2]",
            f"'{'x' * 76}... is not a valid tag filter (1-128 chars: letters, digits, . _ - and * wildcards)",
        ),
    ]
